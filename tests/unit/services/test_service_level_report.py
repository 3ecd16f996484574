"""The service-level report over the fakes (contract section 25): which bookings count, what is
measured of them, and the first slot a customer can have now. The fakes' clock stands on Monday
4 March 2030, 08:00 in Copenhagen."""

from datetime import timedelta

import pytest

from shared.errors import InvalidRequest
from shared.models.groups import ServiceLevel
from shared.services import meetings, reports
from tests.utils.booking_builders import add_employee, add_schedule, meeting_request, tomorrow_at
from tests.utils.report_builders import add_service_group, service_level_query

MONDAY = "2030-03-04"
A_DAY = ServiceLevel(max_response_time=timedelta(days=1), target_percentage=50)


async def advisor(ctx, name: str = "Amy Advisor") -> str:
    employee_id = await add_employee(ctx, name=name, email=f"{name.split()[0].lower()}@bank.example")
    await add_schedule(ctx, employee_id)
    return employee_id


async def book(ctx, employee_id: str, start, booked_by: str = "Customer") -> str:
    made = await meetings.create_meeting(ctx, meeting_request(employee_id, start, bookedBy=booked_by))
    return made.item.id


async def test_the_report_reads_in_four_requests_and_names_the_target(ctx):
    amy = await advisor(ctx)
    group = await add_service_group(ctx, amy, level=A_DAY)
    await reports.service_level_report(ctx, service_level_query(group, MONDAY))  # creates the settings
    config, bookings = ctx.config.requests, ctx.bookings.requests
    found = await reports.service_level_report(ctx, service_level_query(group, MONDAY))
    assert (ctx.config.requests - config, ctx.bookings.requests - bookings) == (2, 2)
    assert found["serviceLevel"] == {"maxResponseTime": "1.00:00:00", "targetPercentage": 50.0,
                                     "maxMeetingsPerDay": None}
    assert found["measured"] == {"bookings": 0, "withinMaxResponseTime": 0, "percentage": None, "meetsTarget": None,
                                 "medianLeadTime": None, "percentile90LeadTime": None}


async def test_customer_bookings_of_members_count_with_their_lead_times(ctx):
    amy, bob = await advisor(ctx), await advisor(ctx, "Bob Advisor")
    group = await add_service_group(ctx, amy, level=A_DAY)
    # Booked at 07:00 UTC: tomorrow 09:00 is 26 hours ahead, 12:00 29 hours; today 13:00 six.
    await book(ctx, amy, tomorrow_at(ctx, 9))
    await book(ctx, amy, tomorrow_at(ctx, 12))
    await book(ctx, amy, tomorrow_at(ctx, 13) - timedelta(days=1))
    await book(ctx, amy, tomorrow_at(ctx, 14), booked_by="Employee")  # not a customer's booking
    await book(ctx, bob, tomorrow_at(ctx, 9))  # not a member
    found = await reports.service_level_report(ctx, service_level_query(group, MONDAY))
    assert found["measured"] == {"bookings": 3, "withinMaxResponseTime": 1, "percentage": 33.33,
                                 "meetsTarget": False, "medianLeadTime": "1.02:00:00",
                                 "percentile90LeadTime": "1.04:24:00"}


async def test_cancelled_bookings_do_not_count_and_moved_ones_count_with_their_new_start(ctx):
    amy = await advisor(ctx)
    group = await add_service_group(ctx, amy, level=A_DAY)
    cancelled = await book(ctx, amy, tomorrow_at(ctx, 9))
    await meetings.cancel_meeting(ctx, cancelled, None)
    moved = await book(ctx, amy, tomorrow_at(ctx, 10))
    ctx.clock.advance(timedelta(hours=1))
    await meetings.patch_meeting(ctx, moved, [
        {"op": "replace", "path": "/startDate", "value": "2030-03-04T12:00:00.000Z"},
        {"op": "replace", "path": "/endDate", "value": "2030-03-04T13:00:00.000Z"}], None)
    found = await reports.service_level_report(ctx, service_level_query(group, MONDAY))
    assert found["measured"]["bookings"] == 1 and found["measured"]["medianLeadTime"] == "05:00:00"


async def test_a_member_who_joined_after_the_booking_and_a_booking_outside_the_window_do_not_count(ctx):
    amy, bob = await advisor(ctx), await advisor(ctx, "Bob Advisor")
    group = await add_service_group(ctx, amy, level=A_DAY)
    late = await add_service_group(ctx, bob, since=ctx.clock() + timedelta(minutes=1))
    await book(ctx, amy, tomorrow_at(ctx, 9))
    await book(ctx, bob, tomorrow_at(ctx, 9))
    ctx.clock.advance(timedelta(days=1))
    await book(ctx, amy, tomorrow_at(ctx, 9))  # booked on Tuesday
    assert (await reports.service_level_report(ctx, service_level_query(group, MONDAY)))["measured"]["bookings"] == 1
    assert (await reports.service_level_report(ctx, service_level_query(late, MONDAY)))["measured"]["bookings"] == 0
    both_days = await reports.service_level_report(ctx, service_level_query(group, MONDAY, "2030-03-05"))
    assert both_days["measured"]["bookings"] == 2


async def test_the_first_free_slot_is_the_first_a_customer_search_offers_now(ctx):
    amy = await advisor(ctx)
    group = await add_service_group(ctx, amy, meeting_types=("Online",))
    # Now is 07:00 UTC, the minimum notice two hours, and the hour from then is booked.
    await book(ctx, amy, ctx.clock() + timedelta(hours=2), booked_by="Employee")
    found = await reports.service_level_report(ctx, service_level_query(group, MONDAY))
    assert found["firstFreeSlot"] == {"startDate": "2030-03-04T10:00:00.000Z", "employeeId": amy,
                                      "meetingType": "Online", "leadTime": "03:00:00"}


async def test_a_group_nobody_can_be_booked_in_has_no_first_free_slot(ctx):
    amy = await add_employee(ctx)
    group = await add_service_group(ctx, amy)
    found = await reports.service_level_report(ctx, service_level_query(group, MONDAY))
    assert found["firstFreeSlot"] is None


async def test_an_unknown_group_and_a_window_over_a_year_are_400s(ctx):
    with pytest.raises(InvalidRequest) as refused:
        await reports.service_level_report(ctx, service_level_query("1b7a4a52-1111-4c1f-9a57-0c6f2f8e4b10", MONDAY))
    assert list(refused.value.errors) == ["serviceGroupId"]
    group = await add_service_group(ctx)
    with pytest.raises(InvalidRequest) as refused:
        await reports.service_level_report(ctx, service_level_query(group, MONDAY, "2031-03-05"))
    assert list(refused.value.errors) == ["to"]
