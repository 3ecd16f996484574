"""The organization's time zone stays while any booking lies ahead (contract section 21)."""

from datetime import timedelta

import pytest

from shared.errors import Conflict
from shared.rules.timezones import zone_id
from shared.services import meetings, organization, reservations
from tests.utils.booking_builders import add_employee, meeting_request, reserve_request
from tests.utils.fakes import fake_context

NEW_YORK = [{"op": "replace", "path": "/timeZoneId", "value": zone_id("America/New_York")}]


@pytest.fixture
async def ctx():
    return fake_context()


def tomorrow_at(ctx, hour: int):
    return ctx.clock().replace(hour=hour, minute=0) + timedelta(days=1)


async def zone_of(ctx) -> str:
    return (await organization.current_settings(ctx)).item.zone


async def test_the_time_zone_changes_while_no_booking_lies_ahead(ctx):
    settings = await organization.current_settings(ctx)
    changed = await organization.patch_settings(ctx, settings.item.id, NEW_YORK, None)
    assert changed.item.zone == "America/New_York"
    expanded = changed.item.model_dump(mode="json", by_alias=True)["timeZone"]
    assert expanded["identifier"] == "America/New_York" and expanded["displayName"].endswith(") New York")


async def test_a_future_meeting_keeps_the_time_zone_with_a_409_that_says_why(ctx):
    booked = await meetings.create_meeting(ctx, meeting_request(await add_employee(ctx), tomorrow_at(ctx, 9)))
    settings = await organization.current_settings(ctx)
    with pytest.raises(Conflict) as refused:
        await organization.patch_settings(ctx, settings.item.id, NEW_YORK, None)
    assert "time zone cannot change" in refused.value.detail and booked.item.id in refused.value.detail
    assert await zone_of(ctx) == "Europe/Copenhagen"


async def test_other_changes_pass_while_bookings_lie_ahead(ctx):
    await meetings.create_meeting(ctx, meeting_request(await add_employee(ctx), tomorrow_at(ctx, 9)))
    settings = await organization.current_settings(ctx)
    same_zone = [{"op": "replace", "path": "/timeZoneId", "value": settings.item.time_zone_id},
                 {"op": "replace", "path": "/openingTime", "value": "09:00:00"}]
    assert (await organization.patch_settings(ctx, settings.item.id, same_zone, None)).item.opening_time.hour == 9


async def test_an_active_reservation_keeps_the_time_zone_and_an_expired_one_does_not(ctx):
    await reservations.reserve(ctx, reserve_request(await add_employee(ctx), tomorrow_at(ctx, 10)))
    settings = await organization.current_settings(ctx)
    with pytest.raises(Conflict):
        await organization.patch_settings(ctx, settings.item.id, NEW_YORK, None)
    ctx.clock.advance(ctx.settings.RESERVATION_TTL + timedelta(seconds=1))
    assert (await organization.patch_settings(ctx, settings.item.id, NEW_YORK, None)).item.zone == "America/New_York"


async def test_past_meetings_do_not_keep_the_time_zone(ctx):
    await meetings.create_meeting(ctx, meeting_request(await add_employee(ctx), tomorrow_at(ctx, 9)))
    ctx.clock.advance(timedelta(days=2))
    settings = await organization.current_settings(ctx)
    assert (await organization.patch_settings(ctx, settings.item.id, NEW_YORK, None)).item.zone == "America/New_York"


async def test_deleting_settings_that_would_reset_the_time_zone_is_guarded_too(ctx):
    settings = await organization.current_settings(ctx)
    await organization.patch_settings(ctx, settings.item.id, NEW_YORK, None)
    await meetings.create_meeting(ctx, meeting_request(await add_employee(ctx), tomorrow_at(ctx, 9)))
    with pytest.raises(Conflict):
        await organization.delete_settings(ctx, settings.item.id, None)
    assert await zone_of(ctx) == "America/New_York"
