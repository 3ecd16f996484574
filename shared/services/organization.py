"""Organization settings: one document per bank, created with the defaults on first use."""

import uuid
from datetime import datetime
from typing import Any

from shared import kinds
from shared.context import Context
from shared.errors import Conflict, NotFound
from shared.models.organization import OrganizationSetting, TimeZone
from shared.ports import Documents, Versioned
from shared.rules import closing_days, timezones
from shared.services import crud

# A well-known id: racing first reads all try to create this one document, and only one can.
SETTINGS_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://bookme/organization-settings"))
WHAT = "organization settings"
READ_ONLY = ("/id", "/timeZone")


def settings_store(ctx: Context) -> Documents[OrganizationSetting]:
    return ctx.store(kinds.ORGANIZATION_SETTING)


async def current_settings(ctx: Context) -> Versioned[OrganizationSetting]:
    """The organization's settings, created with the defaults exactly once if missing."""
    store = settings_store(ctx)
    for _ in range(crud.ATTEMPTS):
        try:
            return await store.get(SETTINGS_ID)
        except NotFound:
            pass
        try:
            return await store.create(OrganizationSetting(id=SETTINGS_ID))
        except Conflict:
            continue  # another first reader created it: read theirs
    raise Conflict(f"The {WHAT} are being recreated by others; try again.")


async def guard_time_zone(ctx: Context, before: OrganizationSetting, after_zone_id: str) -> None:
    """409 when the time zone would change while a meeting or an active reservation lies in the
    future: bookings are kept per local day of the zone, so a change would re-key none of them
    and let a new booking overlap an old one (contract section 21)."""
    if before.time_zone_id == after_zone_id:
        return
    booked = await ctx.bookings.booking_after(ctx.clock())
    if booked is not None:
        raise Conflict(
            "The time zone cannot change while any meeting or active reservation lies in the future: bookings "
            f"are kept per local day of the time zone. For example {booked['type']} {booked['id']} starts "
            f"{booked['startDate']}. Change it when no booking lies ahead.")


async def patch_settings(ctx: Context, id: str, operations: Any,
                         if_match: str | None) -> Versioned[OrganizationSetting]:
    """RFC 6902 PATCH; the result is validated like any settings document, and the time zone
    only changes while no booking lies ahead."""
    await current_settings(ctx)

    async def zone_guarded(current: OrganizationSetting, patched: OrganizationSetting) -> OrganizationSetting:
        await guard_time_zone(ctx, current, patched.time_zone_id)
        return patched

    return await crud.patch(settings_store(ctx), id, WHAT, operations, OrganizationSetting, READ_ONLY, if_match,
                            validate=zone_guarded)


async def delete_settings(ctx: Context, id: str, if_match: str | None) -> None:
    """Remove the settings; the next read recreates the defaults (and so the default time
    zone, which is guarded like a PATCH of it)."""
    default_zone = OrganizationSetting(id=id).time_zone_id
    await crud.delete(settings_store(ctx), id, WHAT, if_match,
                      guard=lambda current: guard_time_zone(ctx, current, default_zone))


async def add_closing_days(ctx: Context, id: str, days: list[datetime], if_match: str | None = None):
    """Add dates (each kept once, at midnight UTC) to the closing days."""
    await current_settings(ctx)

    def change(current: OrganizationSetting) -> OrganizationSetting:
        return current.model_copy(update={"closing_days": closing_days.with_days(current.closing_days, days)})

    return await crud.update(settings_store(ctx), id, WHAT, change, if_match)


async def remove_closing_days(ctx: Context, id: str, days: list[datetime], if_match: str | None = None):
    """Remove dates from the closing days; dates that are not closing days are ignored."""
    await current_settings(ctx)

    def change(current: OrganizationSetting) -> OrganizationSetting:
        return current.model_copy(update={"closing_days": closing_days.without_days(current.closing_days, days)})

    return await crud.update(settings_store(ctx), id, WHAT, change, if_match)


def time_zones(ctx: Context) -> list[TimeZone]:
    """Every selectable time zone, named with the UTC offset in force now."""
    return [TimeZone(id=z.id, identifier=z.identifier, display_name=z.display_name)
            for z in timezones.all_zones(ctx.clock())]
