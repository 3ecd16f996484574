"""Buffers in the availability engine (contract section 12). Times are UTC, Monday 2025-10-06."""

from datetime import timedelta

from shared.rules.availability import Busy, find_slots
from tests.utils.availability_builders import (
    PHYSICAL,
    advisor,
    busy,
    hours,
    minutes,
    organization,
    query,
    room,
    utc,
    weekdays,
)


def starts(slots) -> list[str]:
    return [slot.start.strftime("%H:%M") for slot in slots]


def buffered(start: str, end: str, before: timedelta, after: timedelta) -> Busy:
    return Busy(utc(start), utc(end), buffer_before=before, buffer_after=after)


def monday(alice, rooms=(), **fields):
    return find_slots(organization(), [alice], list(rooms), query(types=(PHYSICAL,), **fields))


def test_a_meetings_own_buffers_hold_the_advisor_around_it():
    alice = advisor(workdays=weekdays("08:00", "13:00"),
                    busy=(buffered("2025-10-06 10:00", "2025-10-06 11:00", minutes(30), minutes(30)),))
    assert starts(monday(alice)) == ["08:00", "08:30", "11:30", "12:00"]


def test_the_searched_meetings_buffers_keep_its_slots_clear_of_other_meetings():
    alice = advisor(workdays=weekdays("08:00", "13:00"), busy=(busy("2025-10-06 10:00", "2025-10-06 11:00"),))
    # A slot's buffers may fall outside the workday; only the meeting itself must fit it.
    assert starts(monday(alice, buffer_before=minutes(30), buffer_after=minutes(30))) == [
        "08:00", "08:30", "11:30", "12:00"]


def test_buffered_spans_that_only_touch_do_not_collide():
    alice = advisor(workdays=weekdays("08:00", "14:00"),
                    busy=(buffered("2025-10-06 10:00", "2025-10-06 11:00", minutes(0), minutes(30)),))
    with_buffers = starts(monday(alice, buffer_before=minutes(30), buffer_after=minutes(30)))
    assert "08:30" in with_buffers and "09:00" not in with_buffers
    assert "12:00" in with_buffers and "11:30" not in with_buffers


def test_buffers_do_not_count_toward_the_daily_cap():
    alice = advisor(workdays=weekdays("08:00", "17:00"), daily_cap=hours(2),
                    busy=(buffered("2025-10-06 10:00", "2025-10-06 11:00", hours(1), hours(1)),))
    assert starts(monday(alice)) == ["08:00", "12:00", "12:30", "13:00", "13:30", "14:00", "14:30", "15:00", "15:30",
                                     "16:00"]


def test_rooms_are_held_for_the_meeting_time_only():
    alice = advisor(workdays=weekdays("08:00", "10:00"))
    small = room("small", buffered("2025-10-06 07:00", "2025-10-06 08:00", hours(0), hours(2)))
    slots = monday(alice, rooms=[small], require_room=True)
    assert starts(slots) == ["08:00", "08:30", "09:00"]
    assert {slot.room_id for slot in slots} == {"small"}


def test_an_expired_reservation_holds_no_buffer():
    alice = advisor(workdays=weekdays("08:00", "10:00"),
                    busy=(Busy(utc("2025-10-06 07:00"), utc("2025-10-06 07:30"), expires_at=utc("2025-09-30 00:00"),
                               buffer_after=hours(2)),))
    assert starts(monday(alice)) == ["08:00", "08:30", "09:00"]
