"""Locations: CRUD with identifiers unique case-insensitively, and lookup by identifier."""

from typing import Any

from shared import kinds
from shared.context import Context
from shared.errors import Conflict
from shared.models.common import new_id
from shared.models.locations import Location, LocationWrite
from shared.ports import Documents, Versioned
from shared.services import crud

WHAT = "location"
READ_ONLY = ("/id",)


def locations(ctx: Context) -> Documents[Location]:
    return ctx.store(kinds.LOCATION)


def _taken(identifier: str) -> Conflict:
    return Conflict(f"A location with the identifier '{identifier}' already exists.")


async def list_locations(ctx: Context, location: str | None = None,
                         search: str | None = None) -> list[Versioned[Location]]:
    """Locations, optionally only the one with identifier `location` and those matching `search`."""
    found = await locations(ctx).list()
    if location is not None:
        found = [v for v in found if v.item.key == location.strip().casefold()]
    if search:
        term = search.strip().casefold()
        found = [v for v in found if term in v.item.key or term in (v.item.display_name or "").casefold()]
    return sorted(found, key=lambda v: v.item.key)


async def location_named(ctx: Context, identifier: str) -> Location | None:
    """The location whose identifier is `identifier` (case-insensitive), or None."""
    key = identifier.strip().casefold()
    return next((v.item for v in await locations(ctx).list() if v.item.key == key), None)


async def locations_by_key(ctx: Context) -> dict[str, Location]:
    """Every location by case-folded identifier."""
    return {v.item.key: v.item for v in await locations(ctx).list()}


async def create_location(ctx: Context, data: LocationWrite) -> Versioned[Location]:
    try:
        return await locations(ctx).create(Location(id=new_id(), **data.model_dump()))
    except Conflict:
        raise _taken(data.location) from None


async def patch_location(ctx: Context, id: str, operations: Any, if_match: str | None) -> Versioned[Location]:
    """RFC 6902 PATCH; renaming onto another location's identifier is a 409."""

    async def unique(current: Location, patched: Location) -> Location:
        # The claim documents make this safe under races; checking first gives the clearer message.
        if patched.key != current.key and await location_named(ctx, patched.location) is not None:
            raise _taken(patched.location)
        return patched

    return await crud.patch(locations(ctx), id, WHAT, operations, Location, READ_ONLY, if_match, validate=unique)
