"""One worker at a time per mailbox or meeting, on any number of instances: a lease in the
document the work reads and writes (configuration store, ETags), not a lock in a process.

A worker that finds the lease held marks the document dirty and leaves: the holder runs once
more before it lets go, so no change is left behind. A lease ends by itself after LEASE (the
holder died), and the one that found it held schedules its own message again by then.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from shared.errors import Conflict, NotFound, PreconditionFailed
from shared.models.outlook import Leased
from shared.ports import Clock, Documents, Versioned

T = TypeVar("T", bound=Leased)
LEASE = timedelta(minutes=2)
ATTEMPTS = 10


class LeaseLost(Conflict):
    """The lease ran out and another worker took the document over: this run stops."""


@dataclass(frozen=True)
class Taken:
    """Another worker holds the lease until `until`; `first` when this call was the first since it
    began to ask it to run again (the one that schedules a retry, should the holder have died)."""

    until: datetime
    first: bool


def new_owner() -> str:
    return str(uuid.uuid4())


def _held(item: T, owner: str, now: datetime) -> T:
    return item.model_copy(update={"lease_owner": owner, "lease_until": now + LEASE})


def held_by_other(item: Leased, owner: str, now: datetime) -> bool:
    return bool(item.lease_owner and item.lease_owner != owner and item.lease_until and item.lease_until > now)


async def acquire(store: Documents[T], id: str, owner: str, clock: Clock, new: Callable[[], T] | None = None,
                  mark: Callable[[T], T] | None = None) -> Versioned[T] | Taken:
    """The document under this owner's lease (made by `new` when missing, else NotFound), or Taken
    when another worker holds it: that one is marked to run again (with `mark` applied, to pass on
    what this worker wanted)."""
    for _ in range(ATTEMPTS):
        now = clock()
        try:
            current = await store.get(id)
        except NotFound:
            if new is None:
                raise
            try:
                return await store.create(_held(new(), owner, now))
            except Conflict:
                continue
        item = current.item
        try:
            if held_by_other(item, owner, now):
                marked = (mark(item) if mark else item).model_copy(update={"dirty": True})
                if marked != item:
                    await store.replace(marked, current)
                return Taken(item.lease_until, not item.dirty)
            return await store.replace(_held(item, owner, now).model_copy(update={"dirty": False}), current)
        except (PreconditionFailed, NotFound):
            continue
    raise Conflict(f"The lease on {id} is contended; try again.")


async def save(store: Documents[T], held: Versioned[T], change: Callable[[T], T], clock: Clock) -> Versioned[T]:
    """Write the holder's change (and stretch its lease); a dirty mark set meanwhile is kept."""
    owner = held.item.lease_owner
    for _ in range(ATTEMPTS):
        try:
            return await store.replace(_held(change(held.item), owner, clock()), held)
        except PreconditionFailed:
            held = await store.get(held.item.id)
            if held.item.lease_owner != owner:
                raise LeaseLost(f"The lease on {held.item.id} went to another worker.") from None
    raise Conflict(f"The lease on {held.item.id} is contended; try again.")


async def release(store: Documents[T], held: Versioned[T], change: Callable[[T], T],
                  clock: Clock) -> Versioned[T] | None:
    """Write the holder's change and let go; when another worker marked the document meanwhile,
    keep the lease, clear the mark and return the document: the holder runs once more."""
    owner = held.item.lease_owner
    for _ in range(ATTEMPTS):
        item = change(held.item)
        try:
            if item.dirty:
                return await store.replace(_held(item, owner, clock()).model_copy(update={"dirty": False}), held)
            await store.replace(item.model_copy(update={"lease_owner": None, "lease_until": None}), held)
            return None
        except PreconditionFailed:
            held = await store.get(held.item.id)
            if held.item.lease_owner != owner:
                raise LeaseLost(f"The lease on {held.item.id} went to another worker.") from None
    raise Conflict(f"The lease on {held.item.id} is contended; try again.")


async def let_go(store: Documents[T], held: Versioned[T]) -> None:
    """Give the lease up after a failed run, changing nothing else: the next message runs at once."""
    owner = held.item.lease_owner
    for _ in range(ATTEMPTS):
        try:
            await store.replace(held.item.model_copy(update={"lease_owner": None, "lease_until": None}), held)
            return
        except PreconditionFailed:
            try:
                held = await store.get(held.item.id)
            except NotFound:
                return
            if held.item.lease_owner != owner:
                return
        except NotFound:
            return
