"""Sizes (contract section 22): what cannot be stored is refused with a 400 naming the field before
anything is saved, and a long history never makes a change or a cancellation fail."""

import uuid

import pytest

from shared import kinds
from shared.errors import InvalidRequest
from shared.models.portals import Portal
from shared.rules.sizes import MEETING_BUDGET, wire_bytes
from shared.services import meeting_history, meetings
from tests.utils.booking_builders import add_employee, meeting_request, tomorrow_at


async def add_portal(ctx, fields: int) -> str:
    id = str(uuid.uuid4())
    await ctx.store(kinds.PORTAL).create(Portal.model_validate({
        "id": id, "name": "Partner", "fields": [{"name": f"f{i}"} for i in range(fields)]}))
    return id


def custom_fields(count: int, value: str) -> list[dict[str, str]]:
    return [{"key": f"f{i}", "value": value} for i in range(count)]


async def portal_booking(ctx, fields: int, value: str):
    """A PortalPartner booking of a portal with `fields` fields, each given `value`."""
    mette = await add_employee(ctx)
    portal = await add_portal(ctx, fields)
    return await meetings.create_meeting(ctx, meeting_request(
        mette, tomorrow_at(ctx, 9), bookedBy="PortalPartner", portalId=portal,
        customFields=custom_fields(fields, value)))


async def test_a_portal_booking_too_large_to_store_is_a_400_naming_the_field_and_nothing_is_written(ctx):
    with pytest.raises(InvalidRequest) as refused:
        await portal_booking(ctx, 100, "æ" * 2000)
    assert list(refused.value.errors) == ["customFields"]
    assert ctx.bookings.all() == [], "not a calendar, not a meeting, not an outbox entry"


async def test_a_custom_field_value_over_the_portals_limit_is_a_400_naming_the_field(ctx):
    with pytest.raises(InvalidRequest) as refused:
        await portal_booking(ctx, 1, "x" * 4000)
    assert refused.value.errors == {"customFields.f0": ["At most 2000 characters."]}


async def test_the_largest_booking_that_fits_is_stored_whole(ctx):
    # Plain ASCII travels one byte a character: a hundred fields of 1,000 fit with every copy of them.
    booked = await portal_booking(ctx, 100, "x" * 1000)
    stored = (await meetings.get_meeting(ctx, booked.item.id)).item
    assert len(stored.custom_fields) == 100 and wire_bytes(stored.to_json()) < MEETING_BUDGET


async def test_a_long_history_never_blocks_a_change_or_the_cancellation(ctx):
    mette = await add_employee(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    for round in range(120):
        text = f"{round:03d}" + "æ" * 3996
        await meetings.patch_meeting(ctx, booked.item.id, [{"op": "replace", "path": "/description", "value": text}],
                                     None)
    (stored,) = ctx.bookings.all("meeting")
    assert wire_bytes(stored) < 64 * 1024, "the meeting document does not grow with its history"
    await meetings.cancel_meeting(ctx, booked.item.id, None)
    records = await meeting_history.history(ctx, booked.item.id)
    assert len(records) == 122 and records[-1].action.value == "Cancelled"
