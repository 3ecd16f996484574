"""/bookme/config/organization-settings (V3): the organization-wide singleton and its closing days."""

from pydantic import Field

from functions.routing import Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import get_context
from shared.models.common import ApiModel
from shared.models.organization import ClosingDay, OrganizationSetting
from shared.rules.patching import JsonPatch
from shared.services import organization

group = RouteGroup("organization_settings", "bookme/config/organization-settings", versions=("v3",))


class ClosingDaysQuery(ApiModel):
    closing_days: list[ClosingDay] = Field(min_length=1, description="Dates (ISO 8601); repeat the key for more.")


@group.get(response=OrganizationSetting)
async def get_organization_settings(call: Call):
    """Get the organization settings; the defaults are created on first use."""
    return await organization.current_settings(await get_context())


@group.patch("{id}", role=Role.CONFIG, body=JsonPatch, response=OrganizationSetting)
async def patch_organization_settings(call: Call):
    """Update the organization settings with JSON Patch (RFC 6902)."""
    return await organization.patch_settings(await get_context(), call.params["id"], call.body, call.if_match)


@group.delete("{id}", role=Role.ADMIN, status=204)
async def delete_organization_settings(call: Call):
    """Delete the organization settings; the next GET recreates the defaults."""
    await organization.delete_settings(await get_context(), call.params["id"], call.if_match)


@group.post("{id}/closing-days", role=Role.CONFIG, query=ClosingDaysQuery, response=OrganizationSetting)
async def add_closing_days(call: Call):
    """Add closing days (kept as dates at midnight UTC, each once, sorted)."""
    return await organization.add_closing_days(await get_context(), call.params["id"], call.query.closing_days,
                                               call.if_match)


@group.delete("{id}/closing-days", role=Role.CONFIG, query=ClosingDaysQuery, status=204)
async def remove_closing_days(call: Call):
    """Remove closing days."""
    await organization.remove_closing_days(await get_context(), call.params["id"], call.query.closing_days,
                                           call.if_match)
