"""A customer books only what the search offers (contract section 20): the rule runs the engine.
Times are UTC; Monday 2025-10-06, searched at 2025-10-01 unless a test says otherwise."""

import dataclasses
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from shared.rules.availability import SlotQuery, find_slots
from shared.rules.availability_time import LocalCalendar, from_us, to_us
from shared.rules.customer_offer import CustomerBooking, refusal
from tests.utils.availability_builders import (
    ONLINE,
    PHYSICAL,
    TELEPHONE,
    advisor,
    busy,
    hours,
    minutes,
    organization,
    room,
    utc,
    weekdays,
)
from tests.utils.availability_strategies import examples, scenarios

NOW = utc("2025-10-01 00:00")


def booking(start: str, length: timedelta = timedelta(hours=1), meeting_type=PHYSICAL, **fields) -> CustomerBooking:
    return CustomerBooking(utc(start), utc(start) + length, meeting_type, **fields)


def why(start: str, alice=None, org=None, rooms=(), now=NOW, **fields):
    found = refusal(org or organization(), alice or advisor(), list(rooms), booking(start, **fields), now)
    return None if found is None else [str(code) for code in found]


def test_a_slot_the_search_offers_may_be_booked():
    assert why("2025-10-06 10:00") is None
    assert why("2025-10-06 10:00", meeting_type=None) is None


def test_off_the_grid_is_refused_as_off_grid():
    assert why("2025-10-06 10:15") == ["OffGrid"]
    assert why("2025-10-11 10:15") == ["NotAWorkday", "OffGrid"], "with every other rule that forbids it"


def test_weekend_closing_day_and_after_the_workday():
    assert why("2025-10-11 10:00") == ["NotAWorkday"]
    assert why("2025-10-06 10:00", org=organization(closing_days=(utc("2025-10-06 00:00").date(),))) == [
        "ClosingDay"]
    assert why("2025-10-06 17:00", alice=advisor(workdays=weekdays("08:00", "17:00")),
               org=organization(closing="20:00")) == ["NotAWorkday"]


def test_a_meeting_type_the_workday_does_not_offer():
    assert why("2025-10-06 10:00", meeting_type=TELEPHONE) == ["MeetingTypeNotOffered"]
    assert why("2025-10-06 10:00", meeting_type=ONLINE) is None


def test_opening_hours_notice_and_horizon():
    late = advisor(workdays=weekdays("08:00", "19:00"))
    assert why("2025-10-06 16:30", alice=late, org=organization(closing="17:00")) == ["OutsideOpeningHours"]
    assert why("2025-10-06 10:00", org=organization(min_notice=hours(3)), now=utc("2025-10-06 08:00")) == [
        "BeforeMinimumNotice"]
    assert why("2025-10-06 10:00", org=organization(max_ahead=timedelta(days=2))) == ["BeyondBookingHorizon"]


def test_conflicts_and_buffers_name_booked():
    taken = advisor(busy=(busy("2025-10-06 10:00", "2025-10-06 11:00"),))
    assert why("2025-10-06 10:30", alice=taken) == ["Booked"]
    assert why("2025-10-06 11:00", alice=taken) is None
    assert why("2025-10-06 11:00", alice=taken, buffer_before=minutes(15)) == ["Booked"]


def test_daily_cap_and_a_meeting_longer_than_the_cap():
    capped = advisor(daily_cap=hours(2), busy=(busy("2025-10-06 08:00", "2025-10-06 09:30"),))
    assert why("2025-10-06 14:00", alice=capped) == ["DailyCapReached"]
    assert why("2025-10-06 10:00", length=hours(3), alice=advisor(daily_cap=hours(2))) == ["MeetingLongerThanDailyCap"]


def test_a_required_room():
    taken = room("r1", busy("2025-10-06 10:00", "2025-10-06 11:00"))
    assert why("2025-10-06 10:00", rooms=[taken], require_room=True) == ["NoRoomAvailable"]
    assert why("2025-10-06 11:00", rooms=[taken], require_room=True) is None
    assert why("2025-10-06 11:00", rooms=[], require_room=True) == ["NoRoomAvailable"]


def test_a_not_bookable_employee():
    assert why("2025-10-06 10:00", alice=advisor(can_be_booked=False)) == ["NotBookable"]


def test_an_employee_shown_only_when_named_is_bookable_by_name():
    assert why("2025-10-06 10:00", alice=advisor(only_explicitly_available=True)) is None


def test_several_reasons_at_once():
    taken = advisor(workdays=weekdays("08:00", "19:00"), busy=(busy("2025-10-06 16:00", "2025-10-06 18:00"),))
    assert why("2025-10-06 16:30", alice=taken, org=organization(closing="17:00")) == [
        "OutsideOpeningHours", "Booked"]


@st.composite
def bookings(draw):
    """A scenario's first advisor and a booking inside its search window: mostly on the grid."""
    org, advisors, rooms, query = draw(scenarios())
    alice = dataclasses.replace(advisors[0], local_only=False)
    calendar = LocalCalendar(org.time_zone)
    grid = [start for day in calendar.days(to_us(query.start), to_us(query.end)) for start in day.grid]
    start = from_us(draw(st.sampled_from(grid))) if grid and draw(st.booleans()) else \
        query.start + timedelta(minutes=draw(st.integers(0, 72 * 4)) * 15)
    wanted = draw(st.sampled_from([None, *query.meeting_types] or [None, PHYSICAL]))
    return org, alice, rooms, query, start, wanted


@examples(200)
@given(bookings())
def test_a_customer_booking_succeeds_exactly_when_the_search_offers_its_slot(case):
    org, alice, rooms, query, start, wanted = case
    end = start + query.duration
    if calendar_day(org, start) != calendar_day(org, end - timedelta(microseconds=1)) or end > query.end:
        return  # a booking crossing local midnight or leaving the window is refused earlier (400)
    search = SlotQuery(now=query.now, start=query.start, end=query.end, duration=query.duration,
                       meeting_types=frozenset({wanted}) if wanted else frozenset(), customer_initiated=True,
                       explicit_ids=(alice.employee_id,), require_room=query.require_room,
                       buffer_before=query.buffer_before, buffer_after=query.buffer_after)
    offered = any(slot.start == start for slot in find_slots(org, [alice], rooms, search))
    found = refusal(org, alice, rooms, CustomerBooking(start, end, wanted, query.require_room, query.buffer_before,
                                                       query.buffer_after), query.now)
    if start < query.start:
        return
    assert (found is None) == offered
    on_grid = to_us(start) in {s for d in LocalCalendar(org.time_zone).days(to_us(start), to_us(end)) for s in d.grid}
    if found is not None and on_grid:
        assert found, "a refused booking on the grid names at least one reason"


def calendar_day(org, moment):
    return LocalCalendar(org.time_zone).local_date(to_us(moment))
