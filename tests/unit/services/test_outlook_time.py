"""Outlook time where it meets bookings and searches (contract section 23), over the fakes: the
search reads it in its one calendar query, a customer may not book over it, an employee may, and
no booking ever writes it."""

from datetime import timedelta

import pytest

from shared import kinds
from shared.errors import Conflict
from shared.models.organization import OutlookSync
from shared.models.reservations import ReserveRequest
from shared.models.time_slots import AvailableSlotsQuery, TimeSlotsQuery
from shared.services import availability, meetings, organization, reservations
from tests.utils.booking_builders import add_employee, add_schedule, meeting_request, reserve_request, tomorrow_at
from tests.utils.outlook_builders import graph_event, put_outlook_time


def search(ctx, employee_id: str, **fields) -> AvailableSlotsQuery:
    start = ctx.clock().replace(hour=0) + timedelta(days=1)
    return AvailableSlotsQuery.model_validate({
        "explicitEmployeeIds": [employee_id], "employeeTypes": ["Explicit"], "requireEmployeeParticipation": False,
        "meetingTypes": ["Online"], "startDate": start.isoformat(), "lookForwardTime": "1.00:00:00", **fields})


async def set_outlook_sync(ctx, value: OutlookSync) -> None:
    current = await organization.current_settings(ctx)
    await ctx.store(kinds.ORGANIZATION_SETTING).replace(current.item.model_copy(update={"outlook_sync": value}),
                                                        current)


async def advisor_busy_at_nine(ctx, **employee) -> str:
    await set_outlook_sync(ctx, OutlookSync.FREE_BUSY)
    mette = await add_employee(ctx, **employee)
    await add_schedule(ctx, mette)
    nine = tomorrow_at(ctx, 9)
    await put_outlook_time(ctx, mette, graph_event("AAMk-training", nine, nine + timedelta(hours=1)))
    return mette


async def test_outlook_time_leaves_the_search_in_its_three_requests(ctx):
    mette = await advisor_busy_at_nine(ctx)
    await availability.available_slots(ctx, search(ctx, mette))  # creates the default settings
    config, bookings = ctx.config.requests, ctx.bookings.requests
    slots = await availability.available_slots(ctx, search(ctx, mette))
    assert (ctx.config.requests - config, ctx.bookings.requests - bookings) == (2, 1)
    starts = {s["startDate"] for s in slots}
    assert "2030-03-05T09:00:00.000Z" not in starts and "2030-03-05T08:30:00.000Z" not in starts
    assert "2030-03-05T10:00:00.000Z" in starts and "2030-03-05T08:00:00.000Z" in starts


async def test_explain_says_outlook_busy(ctx):
    mette = await advisor_busy_at_nine(ctx)
    explained = await availability.explain_slots(ctx, search(ctx, mette))
    (employee,) = explained["employees"]
    assert [day["reasons"] for day in employee["days"] if day["date"] == "2030-03-05"] == [["OutlookBusy"]]


async def test_a_customer_booking_over_outlook_time_is_refused_with_outlook_busy(ctx):
    mette = await advisor_busy_at_nine(ctx)
    with pytest.raises(Conflict) as refused:
        await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), bookedBy="Customer"))
    assert refused.value.extensions["reasons"] == ["OutlookBusy"]


async def test_a_customer_booking_reads_outlook_time_in_the_same_query_as_the_calendars(ctx):
    mette = await advisor_busy_at_nine(ctx)
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 11), bookedBy="Customer"))
    bookings = ctx.bookings.requests
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 12), bookedBy="Customer"))
    # One query for the calendars (Outlook time included), one batch, one delete of the published outbox.
    assert ctx.bookings.requests - bookings == 3


async def test_a_customer_reservation_over_outlook_time_is_refused_and_an_advisors_is_not(ctx):
    mette = await advisor_busy_at_nine(ctx)
    customer = ReserveRequest.model_validate({**reserve_request(mette, tomorrow_at(ctx, 9)).to_json(),
                                               "isCustomerInitiated": True})
    with pytest.raises(Conflict) as refused:
        await reservations.reserve(ctx, customer)
    assert refused.value.extensions["reasons"] == ["OutlookBusy"]
    await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 9)))


async def test_an_employee_books_over_outlook_time_and_the_outlook_time_stays_as_it_was(ctx):
    mette = await advisor_busy_at_nine(ctx)
    before = ctx.bookings.all("calendar")
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    await meetings.patch_meeting(ctx, booked.item.id, [{"op": "replace", "path": "/endDate",
                                                        "value": "2030-03-05T10:30:00.000Z"}], None)
    await meetings.cancel_meeting(ctx, booked.item.id, None)
    (outlook,) = [d for d in ctx.bookings.all("calendar") if d["id"].startswith("outlook:")]
    assert outlook == next(d for d in before if d["id"].startswith("outlook:"))


async def test_time_slots_of_an_employee_leave_outlook_time_out_of_booked_and_available(ctx):
    mette = await advisor_busy_at_nine(ctx)
    nine = tomorrow_at(ctx, 9)
    found = await availability.time_slots(ctx, TimeSlotsQuery.model_validate({
        "employeeId": mette, "startDate": (nine - timedelta(hours=1)).isoformat(),
        "endDate": (nine + timedelta(hours=2)).isoformat()}))
    assert [(s.start_time.hour, s.start_time.minute, s.status.value) for s in found] == [
        (8, 0, "Available"), (8, 30, "Available"), (10, 0, "Available"), (10, 30, "Available")]


async def test_outlook_time_counts_for_nothing_once_the_sync_is_off_or_the_employee_opted_out(ctx):
    mette = await advisor_busy_at_nine(ctx)
    lars = await advisor_busy_at_nine(ctx, name="Lars Jensen", outlook_sync=False)
    nine = tomorrow_at(ctx, 9)
    await meetings.create_meeting(ctx, meeting_request(lars, nine, bookedBy="Customer"))
    explained = await availability.explain_slots(ctx, search(ctx, lars))
    assert [day["reasons"] for day in explained["employees"][0]["days"] if day["date"] == "2030-03-05"] == [["Booked"]]
    anna = await advisor_busy_at_nine(ctx, name="Anna Holm")
    await set_outlook_sync(ctx, OutlookSync.OFF)
    await meetings.create_meeting(ctx, meeting_request(mette, nine, bookedBy="Customer"))
    slots = await availability.time_slots(ctx, TimeSlotsQuery.model_validate({
        "employeeId": anna, "startDate": nine.isoformat(), "endDate": (nine + timedelta(hours=1)).isoformat()}))
    assert [s.status.value for s in slots] == ["Available", "Available"]
