"""The engine's capacity minutes (contract section 25): scheduled time split into booked, Outlook,
buffer and free time per advisor and local day, in the pass that finds the slots."""

import dataclasses
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

from hypothesis import given

from bench.naive_availability import naive_minutes
from shared.rules.availability import (
    Busy,
    BusyKind,
    DayMinutes,
    Minutes,
    count_minutes,
    find_slots,
)
from shared.rules.availability_time import span_us
from tests.utils.availability_builders import (
    MONDAY,
    PHYSICAL,
    advisor,
    hours,
    minutes,
    organization,
    query,
    utc,
    weekdays,
)
from tests.utils.availability_strategies import examples, reports

MINUTE = span_us(timedelta(minutes=1))


def in_minutes(day: DayMinutes) -> dict[str, float]:
    return {name: value / MINUTE for name, value in day._asdict().items()}


def monday(org, *advisors_, start="2025-10-06 00:00", end="2025-10-07 00:00"):
    """A customer search of one Monday: the slots and the minutes of the same pass."""
    found = Minutes()
    slots = find_slots(org, list(advisors_), [], query(start=start, end=end, customer_initiated=True), minutes=found)
    return slots, found


def test_a_day_with_nothing_booked_is_free_from_opening_to_the_end_of_the_workday():
    # Copenhagen in October is UTC+2: opening 08:00 local, the workday 07:00 to 15:00 local.
    slots, found = monday(organization("Europe/Copenhagen"), advisor("amy", weekdays("07:00", "15:00")),
                          start="2025-10-05 22:00", end="2025-10-06 22:00")
    (day,) = found.employee("amy")
    assert found.dates == [MONDAY]
    assert in_minutes(day) == {"scheduled": 420, "booked": 0, "outlook_busy": 0, "buffer": 0, "free": 420,
                               "elsewhere": 0}
    assert slots


def test_booked_time_counts_without_its_buffers_and_the_buffers_are_not_free():
    meeting = dataclasses.replace(Busy(utc("2025-10-06 08:00"), utc("2025-10-06 09:00")),
                                  buffer_before=minutes(15), buffer_after=minutes(30))
    _, found = monday(organization(), advisor("amy", weekdays("08:00", "16:00"), busy=(meeting,)))
    (day,) = found.employee("amy")
    # The buffer before lies outside the workday: only the half hour after counts.
    assert in_minutes(day) == {"scheduled": 480, "booked": 60, "outlook_busy": 0, "buffer": 30, "free": 390,
                               "elsewhere": 0}


def test_outlook_time_is_not_booked_and_working_elsewhere_stays_free():
    items = (
        Busy(utc("2025-10-06 08:00"), utc("2025-10-06 09:00"), counts_toward_cap=False, kind=BusyKind.OUTLOOK),
        Busy(utc("2025-10-06 08:30"), utc("2025-10-06 09:30")),  # overlaps the Outlook hour: booked wins
        Busy(utc("2025-10-06 10:00"), utc("2025-10-06 12:00"), counts_toward_cap=False,
             kind=BusyKind.OUTLOOK_ELSEWHERE),
    )
    _, found = monday(organization(), advisor("amy", weekdays("08:00", "16:00"), busy=items))
    (day,) = found.employee("amy")
    assert in_minutes(day) == {"scheduled": 480, "booked": 60, "outlook_busy": 30, "buffer": 0, "free": 390,
                               "elsewhere": 120}


def test_a_spill_and_an_expired_reservation_count_as_nothing_booked():
    late = utc("2025-10-06 10:00")
    spill = Busy(late, late + hours(1), counts_toward_cap=False)
    expired = Busy(utc("2025-10-06 12:00"), utc("2025-10-06 13:00"), expires_at=utc("2025-09-30 12:00"))
    _, found = monday(organization(), advisor("amy", weekdays("08:00", "16:00"), busy=(spill, expired)))
    (day,) = found.employee("amy")
    assert (day.booked, day.buffer / MINUTE, day.free / MINUTE) == (0, 60, 420)


def test_a_closing_day_and_a_day_off_schedule_nothing():
    org = organization(closing_days=(MONDAY,))
    _, found = monday(org, advisor("amy", weekdays()))
    assert found.employee("amy") == [DayMinutes()]
    _, found = monday(organization(), advisor("bob", weekdays()[1:]))
    assert found.employee("bob") == [DayMinutes()]


def test_advisors_the_search_leaves_out_are_still_counted():
    org = organization()
    unbookable = advisor("amy", weekdays("08:00", "16:00"), can_be_booked=False)
    slots, found = monday(org, unbookable)
    assert slots == [] and found.employee("amy")[0].scheduled == 8 * 60 * MINUTE
    left_out = Minutes()
    count_minutes(org, [advisor("bob", weekdays("08:00", "16:00"))], query(), left_out)
    assert left_out.employee("bob")[0].free == 8 * 60 * MINUTE


def test_two_shifts_on_a_day_are_scheduled_once_where_they_overlap():
    shifts = (*weekdays("08:00", "12:00"), *weekdays("11:00", "14:00", types=(PHYSICAL,)))
    _, found = monday(organization(), advisor("amy", shifts))
    assert found.employee("amy")[0].scheduled == 6 * 60 * MINUTE


@examples(120)
@given(reports())
def test_minutes_are_the_naive_answer_and_leave_the_slots_unchanged(scenario):
    org, advisors, rooms, window = scenario
    found = Minutes()
    assert find_slots(org, advisors, rooms, window, minutes=found) == find_slots(org, advisors, rooms, window)
    for each in advisors:
        tallied = dict(zip(found.dates, found.employee(each.employee_id), strict=True))
        expected = naive_minutes(org, each, window)
        assert {day: minutes_._asdict() for day, minutes_ in tallied.items()} == expected


@examples(120)
@given(reports())
def test_every_slot_of_a_customer_search_lies_in_free_time(scenario):
    org, advisors, rooms, window = scenario
    found = Minutes()
    slots = find_slots(org, advisors, rooms, window, minutes=found)
    zone = ZoneInfo(org.time_zone)
    per_day: Counter = Counter()
    physical: Counter = Counter()
    for slot in slots:
        key = slot.employee_id, slot.start.astimezone(zone).date()
        per_day[key] += 1
        physical[key] += slot.meeting_type is PHYSICAL
    duration = span_us(window.duration)
    for each in advisors:
        for day, tallied in zip(found.dates, found.employee(each.employee_id), strict=True):
            assert tallied.scheduled == tallied.booked + tallied.outlook_busy + tallied.buffer + tallied.free
            assert 0 <= tallied.elsewhere <= tallied.free
            if per_day[each.employee_id, day]:
                assert tallied.free >= duration
            if physical[each.employee_id, day]:
                assert tallied.free - tallied.elsewhere >= duration
