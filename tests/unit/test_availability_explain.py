"""The engine's notes on why time was removed (contract section 14): every code, one scenario each.
Times are UTC; the day searched is Monday 2025-10-06 unless a test says otherwise."""

from datetime import date

from shared.rules.availability import Notes, find_slots
from shared.rules.availability_explain import Exclusion, Reason
from tests.utils.availability_builders import (
    MONDAY,
    PHYSICAL,
    TELEPHONE,
    advisor,
    busy,
    hours,
    organization,
    query,
    room,
    weekdays,
    workday,
)


def explain(alice=None, org=None, rooms=(), **fields):
    notes = Notes()
    alice = alice or advisor()
    slots = find_slots(org or organization(), [alice], list(rooms), query(**fields), notes)
    return notes.employee(alice.employee_id), slots


def monday_reasons(alice=None, **kwargs) -> list[str]:
    note, _ = explain(alice, **kwargs)
    (day,) = [day for day in note.days if day.date == MONDAY]
    return list(day.reasons)


def test_a_free_day_has_its_slot_count_and_no_reason():
    note, slots = explain(types=(PHYSICAL,))
    assert note.excluded is None
    assert [(day.date, day.slot_count, day.reasons) for day in note.days] == [(MONDAY, len(slots), ())]
    assert len(slots) == 17


def test_slot_count_counts_every_meeting_type():
    note, slots = explain()
    assert note.days[0].slot_count == len(slots) == 34


def test_every_local_date_of_the_window_gets_a_day():
    note, _ = explain(start="2025-10-06 12:00", end="2025-10-08 12:00")
    assert [day.date for day in note.days] == [MONDAY, date(2025, 10, 7), date(2025, 10, 8)]


def test_closing_day():
    assert monday_reasons(org=organization(closing_days=(MONDAY,))) == ["ClosingDay"]


def test_not_a_workday_on_a_weekend_or_a_day_marked_unavailable():
    note, _ = explain(start="2025-10-11 00:00", end="2025-10-12 00:00")
    assert [list(day.reasons) for day in note.days] == [["NotAWorkday"]]
    unavailable = advisor(workdays=(workday(0, is_available=False),))
    assert monday_reasons(unavailable) == ["NotAWorkday"]


def test_meeting_type_not_offered():
    assert monday_reasons(types=(TELEPHONE,)) == ["MeetingTypeNotOffered"]


def test_not_local_for_an_employee_found_only_through_the_local_pool():
    alice = advisor(workdays=weekdays(location="Aarhus"), local_only=True)
    assert monday_reasons(alice, customer_location="Odense") == ["NotLocal"]
    assert monday_reasons(alice, customer_location="aarhus") == []


def test_in_the_past():
    assert monday_reasons(now="2025-10-06 12:00", start="2025-10-05 00:00") == ["InThePast"]


def test_a_search_from_now_names_the_past_not_the_window():
    assert monday_reasons(now="2025-10-06 12:00", start="2025-10-06 12:00") == ["InThePast"]


def test_the_window_is_named_where_it_cuts_deeper_than_the_past():
    assert monday_reasons(now="2025-10-06 10:00", start="2025-10-06 12:00") == ["InThePast", "OutsideSearchWindow"]


def test_before_minimum_notice():
    org = organization(min_notice=hours(3))
    assert monday_reasons(org=org, now="2025-10-06 07:00", customer_initiated=True) == ["BeforeMinimumNotice"]


def test_beyond_booking_horizon():
    org = organization(max_ahead=hours(5))
    assert monday_reasons(org=org, now="2025-10-06 06:00", customer_initiated=True) == ["BeyondBookingHorizon"]


def test_outside_opening_hours_only_for_customer_initiated_searches():
    org = organization(opening="10:00")
    assert monday_reasons(org=org, customer_initiated=True) == ["OutsideOpeningHours"]
    assert monday_reasons(org=org) == []


def test_booked_by_a_meeting_or_its_buffers():
    assert monday_reasons(advisor(busy=(busy("2025-10-06 10:00", "2025-10-06 11:00"),))) == ["Booked"]
    assert monday_reasons(advisor(busy=(busy("2025-10-06 07:00", "2025-10-06 08:00"),)), buffer_before=hours(1)) \
        == ["Booked"]


def test_daily_cap_reached():
    full = advisor(daily_cap=hours(2), busy=(busy("2025-10-06 10:00", "2025-10-06 12:00"),))
    assert monday_reasons(full) == ["Booked", "DailyCapReached"]
    note, slots = explain(full)
    assert slots == [] and note.days[0].slot_count == 0


def test_no_room_available():
    taken = room("r1", busy("2025-10-06 08:00", "2025-10-06 12:00"))
    note, slots = explain(rooms=[taken], require_room=True, types=(PHYSICAL,))
    assert list(note.days[0].reasons) == ["NoRoomAvailable"]
    assert note.days[0].slot_count == len(slots) == 9


def test_outside_search_window():
    assert monday_reasons(start="2025-10-06 12:00") == ["OutsideSearchWindow"]
    assert monday_reasons(end="2025-10-06 12:00") == ["OutsideSearchWindow"]


def test_reasons_come_in_the_contracts_order():
    org = organization(opening="10:00", min_notice=hours(1))
    reasons = monday_reasons(advisor(busy=(busy("2025-10-06 14:00", "2025-10-06 15:00"),)), org=org,
                             now="2025-10-06 08:30", customer_initiated=True, start="2025-10-06 00:00")
    assert reasons == sorted(reasons, key=list(Reason).index)
    assert reasons == ["InThePast", "BeforeMinimumNotice", "OutsideOpeningHours", "Booked"]


def test_excluded_employees_have_a_code_and_no_days():
    notes = Notes()
    people = [advisor("a", can_be_booked=False), advisor("b", only_explicitly_available=True),
              advisor("c", daily_cap=hours(1)), advisor("d", only_explicitly_available=True)]
    find_slots(organization(), people, [], query(duration=hours(2), explicit_ids=("a", "c", "d")), notes)
    assert [(notes.employee(i).excluded, notes.employee(i).days) for i in "abc"] == [
        (Exclusion.NOT_BOOKABLE, ()), (Exclusion.ONLY_EXPLICITLY_AVAILABLE, ()),
        (Exclusion.MEETING_LONGER_THAN_DAILY_CAP, ())]
    assert notes.employee("d").excluded is None


def test_joint_searches_count_each_joint_slot_for_every_listed_employee():
    notes = Notes()
    alice, bob = advisor("alice"), advisor("bob", busy=(busy("2025-10-06 08:00", "2025-10-06 15:00"),))
    slots = find_slots(organization(), [alice, bob], [],
                       query(types=(PHYSICAL,), require_all=True, explicit_ids=("alice", "bob")), notes)
    assert len(slots) == 3
    assert [notes.employee(i).days[0].slot_count for i in ("alice", "bob")] == [3, 3]
    assert notes.employee("bob").days[0].reasons == (Reason.BOOKED,)


def test_pool_members_are_left_out_for_the_directory_or_their_qualifications():
    from shared.rules.availability_pools import pool_exclusion

    active = {"a", "b", "c"}
    assert pool_exclusion("ghost", active, None, None) is Exclusion.INACTIVE
    assert pool_exclusion("a", active, {"b", "c"}, None) is Exclusion.NOT_QUALIFIED_FOR_TOPIC
    assert pool_exclusion("b", active, {"b", "c"}, {"c"}) is Exclusion.NOT_QUALIFIED_FOR_CUSTOMER_TYPE
    assert pool_exclusion("c", active, {"b", "c"}, {"c"}) is None
    assert pool_exclusion("a", active, None, None) is None
