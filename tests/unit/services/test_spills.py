"""Buffers that reach across local midnight hold for bookings as they do for the search (contract
sections 12 and 22), over the fakes: a late booking holds a spill in the next day's calendars, in
whichever order the two bookings come, when they race, when one is cancelled or moved, and after a
process died between the spill and its booking."""

from datetime import timedelta

import pytest

from shared import kinds
from shared.errors import Conflict
from shared.services import meetings, organization, reservations
from shared.services.booking import spills
from tests.utils.booking_builders import add_employee, meeting_request, reserve_request
from tests.utils.fakes import ProcessDied

# The fakes' clock is 2030-03-04 07:00 UTC; Copenhagen is UTC+1 then.
LATE = "2030-03-05T21:00:00Z"  # 22:00-23:00 local on the 5th; with two hours after, held to 01:00 on the 6th
EARLY = "2030-03-05T23:30:00Z"  # 00:30-01:30 local on the 6th


async def set_buffer_after(ctx, span: timedelta) -> None:
    current = await organization.current_settings(ctx)
    await ctx.store(kinds.ORGANIZATION_SETTING).replace(current.item.model_copy(update={"buffer_after": span}),
                                                        current)


def at(text: str):
    from shared.models.common import parse_utc

    return parse_utc(text)


async def late_meeting(ctx, employee: str):
    await set_buffer_after(ctx, timedelta(hours=2))
    booked = await meetings.create_meeting(ctx, meeting_request(employee, at(LATE)))
    await set_buffer_after(ctx, timedelta(0))
    return booked.item


def spills_on(ctx, day: str) -> list[str]:
    return [e["ref"] for c in ctx.bookings.all("calendar") if c["pk"] == day for e in c["entries"]
            if e["kind"] == "spill"]


async def test_a_late_meetings_buffers_keep_the_next_mornings_booking_away(ctx):
    mette = await add_employee(ctx)
    late = await late_meeting(ctx, mette)
    assert len(spills_on(ctx, "2030-03-06")) == 1
    with pytest.raises(Conflict):
        await meetings.create_meeting(ctx, meeting_request(mette, at(EARLY)))
    await meetings.create_meeting(ctx, meeting_request(mette, at(EARLY) + timedelta(hours=1)))
    assert late.employee_id == mette


async def test_an_early_meeting_keeps_the_late_meeting_of_the_evening_before_away(ctx):
    mette = await add_employee(ctx)
    await meetings.create_meeting(ctx, meeting_request(mette, at(EARLY)))
    with pytest.raises(Conflict) as refused:
        await late_meeting(ctx, mette)
    assert refused.value.extensions["reasons"] == ["Booked"]
    assert ctx.bookings.all("meeting")[0]["startDate"] == "2030-03-05T23:30:00.000Z"
    assert spills_on(ctx, "2030-03-06") == []


@pytest.mark.parametrize("first", ["late", "early"])
async def test_two_bookings_either_side_of_midnight_racing_never_both_commit(ctx, first):
    mette = await add_employee(ctx)
    outcomes = []

    async def early() -> None:
        try:
            await meetings.create_meeting(ctx, meeting_request(mette, at(EARLY)))
            outcomes.append("early")
        except Conflict:
            outcomes.append("early refused")

    async def late() -> None:
        try:
            await late_meeting(ctx, mette)
            outcomes.append("late")
        except Conflict:
            outcomes.append("late refused")

    ctx.bookings.before_next_commit(early if first == "late" else late)
    await (late() if first == "late" else early())
    assert len([o for o in outcomes if not o.endswith("refused")]) == 1, outcomes


async def test_cancelling_or_moving_the_late_meeting_frees_the_next_morning(ctx):
    mette = await add_employee(ctx)
    late = await late_meeting(ctx, mette)
    earlier = at(LATE) - timedelta(hours=6)
    await meetings.patch_meeting(ctx, late.id, [
        {"op": "replace", "path": "/startDate", "value": earlier.isoformat()},
        {"op": "replace", "path": "/endDate", "value": (earlier + timedelta(hours=1)).isoformat()}], None)
    assert spills_on(ctx, "2030-03-06") == []
    early = await meetings.create_meeting(ctx, meeting_request(mette, at(EARLY)))
    await meetings.cancel_meeting(ctx, early.item.id, None)
    back = await meetings.patch_meeting(ctx, late.id, [
        {"op": "replace", "path": "/startDate", "value": LATE},
        {"op": "replace", "path": "/endDate", "value": (at(LATE) + timedelta(hours=1)).isoformat()}], None)
    assert len(spills_on(ctx, "2030-03-06")) == 1
    await meetings.cancel_meeting(ctx, back.item.id, None)
    assert spills_on(ctx, "2030-03-06") == []
    await meetings.create_meeting(ctx, meeting_request(mette, at(EARLY)))


async def test_a_spill_left_by_a_process_that_died_is_removed_by_the_repair_after_its_lease(ctx):
    mette = await add_employee(ctx)
    await set_buffer_after(ctx, timedelta(hours=2))
    ctx.bookings.crash_before = lambda day, ops: any(op.kind == "create" and op.id.startswith("history:") for op in ops)
    with pytest.raises(ProcessDied):
        await meetings.create_meeting(ctx, meeting_request(mette, at(LATE)))
    ctx.bookings.crash_before = None
    assert ctx.bookings.all("meeting") == [] and len(spills_on(ctx, "2030-03-06")) == 1
    assert await spills.repair(ctx) == 0, "a fresh spill may belong to a booking still being written"
    ctx.clock.advance(timedelta(minutes=3))
    assert await spills.repair(ctx) == 1
    assert spills_on(ctx, "2030-03-06") == []


async def test_the_repair_keeps_the_spill_a_meeting_holds(ctx):
    mette = await add_employee(ctx)
    await late_meeting(ctx, mette)
    ctx.clock.advance(timedelta(minutes=3))
    assert await spills.repair(ctx) == 0
    assert len(spills_on(ctx, "2030-03-06")) == 1


async def test_a_late_reservation_holds_the_next_morning_until_it_expires(ctx):
    mette = await add_employee(ctx)
    await set_buffer_after(ctx, timedelta(hours=2))
    await reservations.reserve(ctx, reserve_request(mette, at(LATE)))
    await set_buffer_after(ctx, timedelta(0))
    with pytest.raises(Conflict):
        await meetings.create_meeting(ctx, meeting_request(mette, at(EARLY)))
    ctx.clock.advance(ctx.settings.RESERVATION_TTL)
    await meetings.create_meeting(ctx, meeting_request(mette, at(EARLY)))


async def test_a_meeting_from_a_late_reservation_takes_over_its_spill(ctx):
    mette = await add_employee(ctx)
    await set_buffer_after(ctx, timedelta(hours=2))
    held = await reservations.reserve(ctx, reserve_request(mette, at(LATE)))
    booked = await meetings.create_meeting(ctx, meeting_request(mette, at(LATE), timeSlotId=held.item.id,
                                                                startDate=None, endDate=None))
    assert booked.item.start_date == at(LATE)
    owners = {spills.owner_of(ref) for ref in spills_on(ctx, "2030-03-06")}
    assert booked.item.id in owners
