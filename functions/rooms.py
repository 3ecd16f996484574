"""/rooms: meeting rooms, synchronised from the directory by admins."""

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import get_context
from shared.models.directory import Room, RoomUpsert
from shared.services import crud, directory

group = RouteGroup("rooms", "rooms")


@group.get(response=list[Room])
async def list_rooms(call: Call):
    """List all rooms."""
    return await directory.list_rooms(await get_context())


@group.get("{id}", response=Room)
async def get_room(call: Call):
    """Get one room."""
    return await crud.get(directory.rooms(await get_context()), call.params["id"], "room")


@group.put("{id}", role=Role.ADMIN, body=RoomUpsert, response=Room,
           statuses={201: "Created: no room had this id.", 200: "Replaced the room with this id."})
async def put_room(call: Call):
    """Create or replace a room from the bank's directory."""
    stored, created = await directory.upsert_room(await get_context(), call.params["id"], call.body, call.if_match)
    return Reply(stored, 201 if created else 200)


@group.delete("{id}", role=Role.ADMIN, status=204)
async def delete_room(call: Call):
    """Remove a room."""
    await crud.delete(directory.rooms(await get_context()), call.params["id"], "room", call.if_match)
