"""/bookme/config/locations (V3): where meetings are held and how rooms are booked there."""

from pydantic import Field

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import get_context
from shared.models.common import ApiModel, Line
from shared.models.locations import Location, LocationWrite
from shared.rules.patching import JsonPatch
from shared.services import crud, locations

group = RouteGroup("locations", "bookme/config/locations", versions=("v3",))


class LocationQuery(ApiModel):
    location: Line | None = Field(default=None, max_length=200, description="Only the location with this identifier "
                                                            "(case-insensitive).")
    search: Line | None = Field(default=None, max_length=200,
                                description="Case-insensitive part of the identifier or display name.")


@group.get(query=LocationQuery, response=list[Location])
async def list_locations(call: Call):
    """List locations."""
    return await locations.list_locations(await get_context(), call.query.location, call.query.search)


@group.get("{id}", response=Location)
async def get_location(call: Call):
    """Get one location."""
    return await crud.get(locations.locations(await get_context()), call.params["id"], "location")


@group.post(role=Role.CONFIG, body=LocationWrite, response=Location, status=201)
async def create_location(call: Call):
    """Create a location; its identifier must be unique (case-insensitive)."""
    return Reply(await locations.create_location(await get_context(), call.body), 201)


@group.patch("{id}", role=Role.CONFIG, body=JsonPatch, response=Location)
async def patch_location(call: Call):
    """Update a location with JSON Patch (RFC 6902)."""
    return await locations.patch_location(await get_context(), call.params["id"], call.body, call.if_match)


@group.delete("{id}", role=Role.CONFIG, status=204)
async def delete_location(call: Call):
    """Delete a location."""
    await crud.delete(locations.locations(await get_context()), call.params["id"], "location", call.if_match)
