"""/bookme/config/portals (V3): booking portals with custom fields, styling and sign-in."""

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import get_context
from shared.models.portals import Portal, PortalListQuery, PortalQuery, PortalWrite
from shared.rules.patching import JsonPatch
from shared.services import portals

group = RouteGroup("portals", "bookme/config/portals", versions=("v3",))


@group.get(query=PortalListQuery, response=list[Portal])
async def list_portals(call: Call):
    """List portals; hidden fields only with includeHiddenFields=true."""
    return await portals.list_portals(await get_context(), call.query.include_hidden_fields, call.query.labels)


@group.get("{id}", query=PortalQuery, response=Portal)
async def get_portal(call: Call):
    """Get one portal; hidden fields only with includeHiddenFields=true."""
    return await portals.get_portal(await get_context(), call.params["id"], call.query.include_hidden_fields)


@group.post(role=Role.CONFIG, body=PortalWrite, response=Portal, status=201)
async def create_portal(call: Call):
    """Create a portal."""
    return Reply(await portals.create_portal(await get_context(), call.body), 201)


@group.patch("{id}", role=Role.CONFIG, body=JsonPatch, response=Portal)
async def patch_portal(call: Call):
    """Update a portal with JSON Patch; the document includes hidden fields."""
    return await portals.patch_portal(await get_context(), call.params["id"], call.body, call.if_match)


@group.delete("{id}", role=Role.CONFIG, status=204)
async def delete_portal(call: Call):
    """Delete a portal."""
    await portals.delete_portal(await get_context(), call.params["id"], call.if_match)
