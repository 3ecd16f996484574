"""Read-modify-write of stored documents with ETags, shared by every resource."""

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from pydantic import BaseModel

from shared.errors import Conflict, NotFound, PreconditionFailed
from shared.ports import Documents, Versioned
from shared.rules.patching import apply_patch

T = TypeVar("T", bound=BaseModel)
ATTEMPTS = 8


def _bare(etag: str) -> str:
    etag = etag.strip()
    if etag.startswith("W/"):
        etag = etag[2:]
    return etag.strip('"')


def check_if_match(current: Versioned[Any] | None, if_match: str | None) -> None:
    """412 unless If-Match is absent, `*` on an existing item, or names the current ETag."""
    if if_match is None:
        return
    if current is None:
        raise PreconditionFailed("If-Match was given but the resource does not exist.")
    tags = [_bare(tag) for tag in if_match.split(",")]
    if "*" not in tags and _bare(current.etag) not in tags:
        raise PreconditionFailed("If-Match does not match the current ETag.")


async def find(store: Documents[T], id: str) -> Versioned[T] | None:
    try:
        return await store.get(id)
    except NotFound:
        return None


async def get(store: Documents[T], id: str, what: str) -> Versioned[T]:
    found = await find(store, id)
    if found is None:
        raise NotFound(f"No {what} with id '{id}'.")
    return found


async def update(store: Documents[T], id: str, what: str, change: Callable[[T], Awaitable[T] | T],
                 if_match: str | None = None) -> Versioned[T]:
    """Apply `change` to the current item; retried when a concurrent writer wins, so no
    update is lost. With If-Match the caller's version must still be current."""
    for _ in range(ATTEMPTS):
        current = await get(store, id, what)
        check_if_match(current, if_match)
        changed = change(current.item)
        if isinstance(changed, Awaitable):
            changed = await changed
        try:
            return await store.replace(changed, current)
        except PreconditionFailed:
            if if_match is not None:
                raise
    raise Conflict(f"The {what} is being changed by others; try again.")


async def patch(store: Documents[T], id: str, what: str, operations: Any, model: type[T],
                read_only: Iterable[str], if_match: str | None = None,
                validate: Callable[[T, T], Awaitable[T] | T] | None = None) -> Versioned[T]:
    """RFC 6902 PATCH: read-only paths, failed tests and invalid results refused."""

    async def change(current: T) -> T:
        patched = apply_patch(current.model_dump(mode="json", by_alias=True), operations, model, read_only)
        if validate is not None:
            checked = validate(current, patched)
            patched = await checked if isinstance(checked, Awaitable) else checked
        return patched

    return await update(store, id, what, change, if_match)


async def upsert(store: Documents[T], item: T, what: str, if_match: str | None = None) -> tuple[Versioned[T], bool]:
    """Create or replace by id; returns the stored item and whether it was created."""
    for _ in range(ATTEMPTS):
        current = await find(store, item.id)
        check_if_match(current, if_match)
        try:
            if current is None:
                return await store.create(item), True
            return await store.replace(item, current), False
        except PreconditionFailed:
            if if_match is not None:
                raise
        except Conflict:
            if current is not None or await find(store, item.id) is None:
                raise
    raise Conflict(f"The {what} is being changed by others; try again.")


async def delete(store: Documents[T], id: str, what: str, if_match: str | None = None,
                 guard: Callable[[T], Awaitable[None] | None] | None = None) -> None:
    for _ in range(ATTEMPTS):
        current = await get(store, id, what)
        check_if_match(current, if_match)
        if guard is not None:
            checked = guard(current.item)
            if isinstance(checked, Awaitable):
                await checked
        try:
            return await store.delete(current)
        except PreconditionFailed:
            if if_match is not None:
                raise
        except NotFound:
            raise NotFound(f"No {what} with id '{id}'.") from None
    raise Conflict(f"The {what} is being changed by others; try again.")
