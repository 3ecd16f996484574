"""The capacity report over the fakes (contract section 25): what it reads, what it counts, and
that its slots are the customer search's. The fakes' clock stands on Monday 4 March 2030, 08:00
in Copenhagen; advisors work 08:00 to 16:00 local, Monday to Friday."""

from collections import Counter
from datetime import time, timedelta

import pytest

from shared import kinds
from shared.errors import InvalidRequest
from shared.models.organization import OutlookSync
from shared.models.time_slots import AvailableSlotsQuery
from shared.services import availability, meetings, organization, reports
from tests.utils.booking_builders import add_employee, add_schedule, meeting_request, tomorrow_at
from tests.utils.outlook_builders import graph_event, put_outlook_time
from tests.utils.report_builders import (
    add_competence_group,
    add_service_group,
    add_topic,
    capacity_query,
    set_outlook_sync,
)

TUESDAY = "2030-03-05"


async def advisors(ctx, count: int = 2) -> list[str]:
    found = []
    for n in range(count):
        employee_id = await add_employee(ctx, name=f"Advisor {n} Test", email=f"advisor{n}@bank.example")
        await add_schedule(ctx, employee_id)
        found.append(employee_id)
    return found


async def test_a_report_reads_what_a_search_reads_in_three_requests(ctx):
    amy, bob = await advisors(ctx)
    group = await add_service_group(ctx, amy, bob)
    await reports.capacity_report(ctx, capacity_query(TUESDAY, serviceGroupId=group))  # creates the settings
    config, bookings = ctx.config.requests, ctx.bookings.requests
    await reports.capacity_report(ctx, capacity_query(TUESDAY, "2030-04-30", serviceGroupId=group))
    assert (ctx.config.requests - config, ctx.bookings.requests - bookings) == (2, 1)


async def test_a_day_counts_scheduled_booked_outlook_and_free_minutes_of_every_member(ctx):
    await set_outlook_sync(ctx, OutlookSync.FREE_BUSY)
    amy, bob = await advisors(ctx)
    group = await add_service_group(ctx, amy, bob)
    # 09:00 to 10:00 UTC is 10:00 to 11:00 in Copenhagen; Bob's Outlook holds 12:00 to 13:30 local.
    await meetings.create_meeting(ctx, meeting_request(amy, tomorrow_at(ctx, 9)))
    await put_outlook_time(ctx, bob, graph_event("AAMk-1", tomorrow_at(ctx, 11), tomorrow_at(ctx, 12) + timedelta(
        minutes=30)))
    found = await reports.capacity_report(ctx, capacity_query(TUESDAY, serviceGroupId=group))
    (day,) = found["days"]
    assert day == {"date": TUESDAY, "scheduledMinutes": 960, "bookedMinutes": 60, "bufferMinutes": 0,
                   "outlookBusyMinutes": 90, "freeMinutes": 810, "workingElsewhereMinutes": 0,
                   "utilization": 0.0625, "slots": day["slots"]}
    assert found["totals"] == {key: value for key, value in day.items() if key != "date"}
    assert (found["from"], found["to"], found["timeZone"]) == (TUESDAY, TUESDAY, "Europe/Copenhagen")
    assert found["employeeIds"] == sorted([amy, bob]) and "employees" not in found


async def test_slots_are_what_the_customer_search_returns_for_the_group_and_day(ctx):
    amy, bob = await advisors(ctx)
    topic = await add_topic(ctx, minutes=30)
    await add_competence_group(ctx, amy, bob, topic_ids=(topic,))
    group = await add_service_group(ctx, amy, bob, topic_ids=(topic,), meeting_types=("Online",))
    await meetings.create_meeting(ctx, meeting_request(amy, tomorrow_at(ctx, 9)))
    found = await reports.capacity_report(ctx, capacity_query("2030-03-04", "2030-03-08", serviceGroupId=group))
    first = found["days"][0]
    offered = await availability.available_slots(ctx, AvailableSlotsQuery.model_validate({
        "explicitEmployeeIds": [amy, bob], "employeeTypes": ["Explicit"], "requireEmployeeParticipation": False,
        "isCustomerInitiated": True, "topic": topic, "meetingTypes": ["Online"],
        "startDate": "2030-03-03T23:00:00Z", "lookForwardTime": "5.00:00:00"}))  # Copenhagen's midnight
    per_day = Counter(slot["startDate"][:10] for slot in offered)
    assert [day["slots"] for day in found["days"]] == [per_day[day["date"]] for day in found["days"]]
    assert first["slots"] > 0 and found["meetingDuration"] == "00:30:00" and found["meetingTypes"] == ["Online"]
    assert found["topic"] == topic


async def test_per_employee_a_member_the_topic_does_not_qualify_has_hours_and_no_slots(ctx):
    amy, bob = await advisors(ctx)
    topic = await add_topic(ctx)
    await add_competence_group(ctx, amy, topic_ids=(topic,))
    group = await add_service_group(ctx, amy, bob, topic_ids=(topic,))
    found = await reports.capacity_report(ctx, capacity_query(TUESDAY, serviceGroupId=group, groupBy="employee"))
    by_id = {employee["employeeId"]: employee for employee in found["employees"]}
    assert by_id[bob]["excluded"] == "NotQualifiedForTopic" and by_id[amy]["excluded"] is None
    assert by_id[bob]["days"][0]["scheduledMinutes"] == 480 and by_id[bob]["days"][0]["slots"] == 0
    assert by_id[amy]["days"][0]["slots"] > 0 and by_id[amy]["name"] == "Advisor 0 Test"
    assert found["days"][0]["scheduledMinutes"] == 960


async def test_a_competence_group_reports_on_its_child_groups_members_too(ctx):
    amy, bob, cyd = await advisors(ctx, 3)
    child = await add_competence_group(ctx, bob)
    group = await add_competence_group(ctx, amy, children=(child,))
    await add_competence_group(ctx, cyd)
    found = await reports.capacity_report(ctx, capacity_query(TUESDAY, competenceGroupId=group))
    assert found["employeeIds"] == sorted([amy, bob]) and found["topic"] is None


async def test_a_closing_day_and_a_weekend_have_no_capacity_and_no_utilization(ctx):
    (amy,) = await advisors(ctx, 1)
    found = await reports.capacity_report(ctx, capacity_query("2030-03-09", "2030-03-10", employeeIds=[amy]))
    assert [(day["scheduledMinutes"], day["utilization"], day["slots"]) for day in found["days"]] == [
        (0, None, 0), (0, None, 0)]


async def test_a_member_without_schedule_is_reported_with_nothing(ctx):
    amy = await add_employee(ctx)
    found = await reports.capacity_report(ctx, capacity_query(TUESDAY, employeeIds=[amy], groupBy="Employee"))
    assert found["employees"][0]["excluded"] == "NoSchedule"
    assert found["employees"][0]["totals"]["scheduledMinutes"] == 0


async def test_a_group_without_members_reports_nothing_and_searches_nobody(ctx):
    await advisors(ctx, 1)
    group = await add_service_group(ctx)
    found = await reports.capacity_report(ctx, capacity_query(TUESDAY, serviceGroupId=group))
    assert found["employeeIds"] == [] and found["totals"]["slots"] == 0 and found["days"][0]["date"] == TUESDAY


@pytest.mark.parametrize(("fields", "field"), [
    ({}, "serviceGroupId"),
    ({"serviceGroupId": "GROUP", "employeeIds": ["AMY"]}, "serviceGroupId"),
    ({"serviceGroupId": "1b7a4a52-1111-4c1f-9a57-0c6f2f8e4b10"}, "serviceGroupId"),
    ({"competenceGroupId": "1b7a4a52-1111-4c1f-9a57-0c6f2f8e4b10"}, "competenceGroupId"),
    ({"employeeIds": ["1b7a4a52-1111-4c1f-9a57-0c6f2f8e4b10"]}, "employeeIds"),
    ({"employeeIds": ["AMY"], "topic": "1b7a4a52-1111-4c1f-9a57-0c6f2f8e4b10"}, "topic"),
    ({"employeeIds": ["AMY"], "to": "2030-03-03"}, "to"),
    ({"employeeIds": ["AMY"], "to": "2030-06-04"}, "to"),
])
async def test_a_report_that_cannot_be_made_is_a_400_saying_what_to_send(ctx, fields, field):
    (amy,) = await advisors(ctx, 1)
    group = await add_service_group(ctx, amy)
    named = {"GROUP": group, "AMY": amy}
    fields = {key: named.get(value, value) if isinstance(value, str) else [named.get(v, v) for v in value]
              for key, value in fields.items()}
    with pytest.raises(InvalidRequest) as refused:
        await reports.capacity_report(ctx, capacity_query("2030-03-04", **{"to": "2030-03-08", **fields}))
    assert list(refused.value.errors) == [field]


async def test_a_group_of_several_topics_needs_the_topic_named(ctx):
    (amy,) = await advisors(ctx, 1)
    topics = [await add_topic(ctx, name="Boliglån"), await add_topic(ctx, name="Pension")]
    group = await add_competence_group(ctx, amy, topic_ids=tuple(topics))
    with pytest.raises(InvalidRequest) as refused:
        await reports.capacity_report(ctx, capacity_query(TUESDAY, competenceGroupId=group))
    assert "give topic" in refused.value.detail
    found = await reports.capacity_report(ctx, capacity_query(TUESDAY, competenceGroupId=group, topic=topics[1]))
    assert found["topic"] == topics[1]


async def test_92_days_are_reported_and_a_date_time_stands_for_its_local_day(ctx):
    (amy,) = await advisors(ctx, 1)
    found = await reports.capacity_report(ctx, capacity_query("2030-03-03T23:30:00Z", "2030-06-02",
                                                              employeeIds=[amy]))
    assert (found["from"], found["to"], len(found["days"])) == ("2030-03-04", "2030-06-02", 91)
    found = await reports.capacity_report(ctx, capacity_query("2030-03-04", "2030-06-03", employeeIds=[amy]))
    assert len(found["days"]) == 92


async def test_a_late_bookings_spill_is_booked_time_of_its_own_day_only(ctx):
    current = await organization.current_settings(ctx)
    await ctx.store(kinds.ORGANIZATION_SETTING).replace(current.item.model_copy(update={
        "opening_time": time(0), "closing_time": time(23, 45), "buffer_after": timedelta(hours=2)}), current)
    amy = await add_employee(ctx, name="Amy Late", email="amy@bank.example")
    await add_schedule(ctx, amy, start="00:00:00", end="00:00:00")  # all day, Monday to Friday
    # 22:00 to 23:00 in Copenhagen on Tuesday, held two hours after: its spill holds Wednesday's first hour.
    await meetings.create_meeting(ctx, meeting_request(amy, tomorrow_at(ctx, 21)))
    assert any(e["kind"] == "spill" for c in ctx.bookings.all("calendar") for e in c["entries"])
    found = await reports.capacity_report(ctx, capacity_query(TUESDAY, "2030-03-06", employeeIds=[amy]))
    tuesday, wednesday = found["days"]
    assert (tuesday["bookedMinutes"], tuesday["bufferMinutes"], tuesday["scheduledMinutes"]) == (60, 45, 23 * 60 + 45)
    assert (wednesday["bookedMinutes"], wednesday["bufferMinutes"]) == (0, 60)
