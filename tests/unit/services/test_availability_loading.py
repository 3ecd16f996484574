"""What a time-slot search reads, and that it answers from what the bookings hold."""

from datetime import timedelta

from shared.models.time_slots import AvailableSlotsQuery
from shared.services import availability, meetings
from tests.utils.booking_builders import add_employee, add_schedule, meeting_request


def search(ctx, employee_id: str, **fields) -> AvailableSlotsQuery:
    start = ctx.clock().replace(hour=0) + timedelta(days=1)
    return AvailableSlotsQuery.model_validate({
        "explicitEmployeeIds": [employee_id], "employeeTypes": ["Explicit"], "requireEmployeeParticipation": False,
        "meetingTypes": ["Online"], "startDate": start.isoformat(), "lookForwardTime": "1.00:00:00", **fields})


async def test_a_search_reads_configuration_once_schedules_once_and_calendars_once(ctx):
    mette = await add_employee(ctx)
    await add_schedule(ctx, mette)
    await availability.available_slots(ctx, search(ctx, mette))  # creates the default settings
    config, bookings = ctx.config.requests, ctx.bookings.requests
    slots = await availability.available_slots(ctx, search(ctx, mette))
    assert (ctx.config.requests - config, ctx.bookings.requests - bookings) == (2, 1), "3 requests per search"
    assert slots and {s["employeeId"] for s in slots} == {mette}


async def test_a_booked_hour_disappears_from_the_search(ctx):
    mette = await add_employee(ctx)
    await add_schedule(ctx, mette)
    before = await availability.available_slots(ctx, search(ctx, mette))
    nine = ctx.clock().replace(hour=9, minute=0) + timedelta(days=1)
    await meetings.create_meeting(ctx, meeting_request(mette, nine))
    after = await availability.available_slots(ctx, search(ctx, mette))
    taken = {s["startDate"] for s in before} - {s["startDate"] for s in after}
    assert taken == {"2030-03-05T08:30:00.000Z", "2030-03-05T09:00:00.000Z", "2030-03-05T09:30:00.000Z"}
