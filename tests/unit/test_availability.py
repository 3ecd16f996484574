"""One small scenario per availability rule (contract section 9). Times are UTC unless a test sets a zone."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.rules.availability import find_slots, resolve_daily_cap
from shared.rules.availability_time import local_to_utc
from tests.utils.availability_builders import (
    OFFSITE,
    ONLINE,
    PHYSICAL,
    TELEPHONE,
    advisor,
    busy,
    clock,
    hours,
    minutes,
    organization,
    query,
    room,
    utc,
    weekdays,
    workday,
)

ONE_TYPE = {"types": (PHYSICAL,)}


def starts(slots) -> list[str]:
    return [slot.start.strftime("%H:%M") for slot in slots]


def local_starts(slots, zone: str) -> list[str]:
    return [slot.start.astimezone(ZoneInfo(zone)).strftime("%H:%M") for slot in slots]


def monday_slots(*advisors, org=None, rooms=(), **query_fields):
    return find_slots(org or organization(), list(advisors), list(rooms), query(**query_fields))


# The :00/:30 grid and the workday


def test_offers_every_half_hour_start_whose_whole_slot_fits_the_workday():
    alice = advisor(workdays=weekdays("08:00", "10:00", **ONE_TYPE))
    assert starts(monday_slots(alice)) == ["08:00", "08:30", "09:00"]


def test_starts_on_the_half_hour_grid_when_the_window_and_workday_start_off_grid():
    alice = advisor(workdays=weekdays("08:10", "10:00", **ONE_TYPE))
    slots = monday_slots(alice, start="2025-10-06 08:05", duration=minutes(30))
    assert starts(slots) == ["08:30", "09:00", "09:30"]


def test_grid_follows_local_wall_clock_in_a_zone_with_a_quarter_hour_offset():
    alice = advisor(workdays=weekdays("09:00", "11:00", **ONE_TYPE))
    slots = monday_slots(alice, org=organization("Asia/Kathmandu"), start="2025-10-05 18:00")
    assert local_starts(slots, "Asia/Kathmandu") == ["09:00", "09:30", "10:00"]
    assert starts(slots) == ["03:15", "03:45", "04:15"]


def test_slot_must_lie_wholly_inside_the_search_window():
    alice = advisor(workdays=weekdays(**ONE_TYPE))
    assert starts(monday_slots(alice, start="2025-10-06 09:00", end="2025-10-06 11:00")) == ["09:00", "09:30", "10:00"]


def test_workday_ending_at_midnight_runs_to_the_end_of_the_day():
    alice = advisor(workdays=weekdays("22:00", "00:00", **ONE_TYPE))
    assert starts(monday_slots(alice)) == ["22:00", "22:30", "23:00"]


def test_no_slots_on_a_weekday_without_a_workday():
    alice = advisor(workdays=(workday(1, **ONE_TYPE),))
    assert monday_slots(alice) == []


def test_an_unavailable_workday_offers_nothing():
    alice = advisor(workdays=(workday(0, is_available=False, **ONE_TYPE),))
    assert monday_slots(alice) == []


# Meeting types


def test_offers_one_slot_per_meeting_type_of_the_workday():
    alice = advisor(workdays=weekdays("08:00", "09:00", types=(PHYSICAL, TELEPHONE)))
    assert [slot.meeting_type for slot in monday_slots(alice)] == [PHYSICAL, TELEPHONE]


def test_requested_meeting_types_narrow_the_workday_types():
    alice = advisor(workdays=weekdays("08:00", "09:00", types=(PHYSICAL, ONLINE)))
    assert [slot.meeting_type for slot in monday_slots(alice, types=(ONLINE, OFFSITE))] == [ONLINE]


def test_two_workdays_on_one_weekday_each_offer_their_own_types():
    alice = advisor(workdays=(workday(0, "08:00", "09:30", (PHYSICAL,)), workday(0, "09:00", "10:00", (ONLINE,))))
    slots = monday_slots(alice)
    assert [(slot.start.strftime("%H:%M"), slot.meeting_type) for slot in slots] == [
        ("08:00", PHYSICAL),
        ("08:30", PHYSICAL),
        ("09:00", ONLINE),
    ]


# Busy time and reservations


def test_a_meeting_blocks_overlapping_slots_but_not_adjacent_ones():
    alice = advisor(
        workdays=weekdays("08:00", "12:00", **ONE_TYPE), busy=(busy("2025-10-06 09:00", "2025-10-06 10:00"),)
    )
    assert starts(monday_slots(alice)) == ["08:00", "10:00", "10:30", "11:00"]


def test_a_meeting_overlapping_a_slot_by_one_microsecond_blocks_it():
    alice = advisor(
        workdays=weekdays("08:00", "11:00", **ONE_TYPE),
        busy=(busy("2025-10-06 09:59:59.999999", "2025-10-06 10:00:00.000001"),),
    )
    assert starts(monday_slots(alice)) == ["08:00", "08:30"]


def test_an_active_reservation_blocks_its_time():
    alice = advisor(
        workdays=weekdays("08:00", "10:00", **ONE_TYPE),
        busy=(busy("2025-10-06 08:00", "2025-10-06 09:00", expires_at="2025-10-06 07:05"),),
    )
    assert starts(monday_slots(alice, now="2025-10-06 07:00")) == ["09:00"]


def test_a_reservation_stops_blocking_at_expires_at_exactly():
    alice = advisor(
        workdays=weekdays("08:00", "10:00", **ONE_TYPE),
        busy=(busy("2025-10-06 08:00", "2025-10-06 09:00", expires_at="2025-10-06 07:05"),),
    )
    assert starts(monday_slots(alice, now="2025-10-06 07:05")) == ["08:00", "08:30", "09:00"]


def test_an_expired_reservation_neither_blocks_nor_counts_toward_the_cap():
    alice = advisor(
        workdays=weekdays("08:00", "10:00", **ONE_TYPE),
        daily_cap=hours(1),
        busy=(busy("2025-10-06 08:00", "2025-10-06 09:00", expires_at="2025-10-06 06:00"),),
    )
    assert starts(monday_slots(alice, now="2025-10-06 07:00")) == ["08:00", "08:30", "09:00"]


# Daily meeting-time cap: the reference's three scenarios, then the edges


def test_advisor_appears_when_booked_time_plus_request_stays_under_the_cap():
    alice = advisor(
        daily_cap=hours(4), busy=(busy("2025-10-06 08:00", "2025-10-06 10:00"),), workdays=weekdays(**ONE_TYPE)
    )
    assert starts(monday_slots(alice, duration=hours(1)))[0] == "10:00"


def test_excludes_advisor_for_the_day_when_booked_time_plus_request_exceeds_cap():
    alice = advisor(
        daily_cap=hours(4), busy=(busy("2025-10-06 08:00", "2025-10-06 11:30"),), workdays=weekdays(**ONE_TYPE)
    )
    slots = monday_slots(alice, duration=hours(1), end="2025-10-08 00:00")
    assert {slot.start.date() for slot in slots} == {date(2025, 10, 7)}


def test_excludes_advisor_on_every_day_when_the_request_alone_exceeds_the_cap():
    alice = advisor(daily_cap=hours(4), workdays=weekdays(**ONE_TYPE))
    assert monday_slots(alice, duration=hours(5), end="2025-10-11 00:00") == []


def test_advisor_whose_booked_time_plus_request_equals_the_cap_still_appears():
    alice = advisor(
        daily_cap=hours(4), busy=(busy("2025-10-06 08:00", "2025-10-06 11:00"),), workdays=weekdays(**ONE_TYPE)
    )
    assert starts(monday_slots(alice, duration=hours(1)))[0] == "11:00"


def test_busy_time_that_does_not_count_toward_the_cap_blocks_but_leaves_the_cap():
    alice = advisor(
        daily_cap=hours(2),
        busy=(busy("2025-10-06 08:00", "2025-10-06 12:00", counts_toward_cap=False),),
        workdays=weekdays("08:00", "14:00", **ONE_TYPE),
    )
    assert starts(monday_slots(alice)) == ["12:00", "12:30", "13:00"]


def test_the_cap_is_counted_per_local_calendar_day():
    # 23:00 UTC on Monday is already Tuesday in Copenhagen, so that meeting fills Tuesday's cap.
    alice = advisor(
        daily_cap=hours(2), busy=(busy("2025-10-06 22:00", "2025-10-07 00:00"),), workdays=weekdays(**ONE_TYPE)
    )
    slots = monday_slots(alice, org=organization("Europe/Copenhagen"), end="2025-10-08 00:00")
    assert {slot.start.date() for slot in slots} == {date(2025, 10, 6)}


def test_a_meeting_across_midnight_counts_toward_each_day_for_its_part_there():
    whole_day = weekdays("00:00", "00:00", **ONE_TYPE)
    alice = advisor(daily_cap=hours(2), busy=(busy("2025-10-06 23:00", "2025-10-07 01:00"),), workdays=whole_day)
    slots = monday_slots(alice, end="2025-10-08 00:00")
    assert {slot.start.date() for slot in slots} == {date(2025, 10, 6), date(2025, 10, 7)}
    assert monday_slots(alice, duration=minutes(90), end="2025-10-08 00:00") == []


# Time zones and daylight saving time (Europe/Copenhagen)


def test_workday_maps_to_the_right_utc_hours_on_the_spring_forward_sunday():
    sunday = (workday(6, "08:00", "10:00", **ONE_TYPE),)
    slots = monday_slots(
        advisor(workdays=sunday),
        org=organization("Europe/Copenhagen"),
        start="2025-03-30 00:00",
        end="2025-03-31 00:00",
        now="2025-03-01 00:00",
    )
    assert starts(slots) == ["06:00", "06:30", "07:00"]


def test_local_times_skipped_by_spring_forward_yield_no_slot():
    sunday = (workday(6, "00:00", "06:00", **ONE_TYPE),)
    slots = monday_slots(
        advisor(workdays=sunday),
        org=organization("Europe/Copenhagen"),
        start="2025-03-29 12:00",
        end="2025-03-31 00:00",
        now="2025-03-01 00:00",
        duration=minutes(30),
    )
    local = local_starts(slots, "Europe/Copenhagen")
    assert local == ["00:00", "00:30", "01:00", "01:30", "03:00", "03:30", "04:00", "04:30", "05:00", "05:30"]


def test_workday_maps_to_the_right_utc_hours_on_the_fall_back_sunday():
    sunday = (workday(6, "08:00", "10:00", **ONE_TYPE),)
    slots = monday_slots(
        advisor(workdays=sunday),
        org=organization("Europe/Copenhagen"),
        start="2025-10-26 00:00",
        end="2025-10-27 00:00",
    )
    assert starts(slots) == ["07:00", "07:30", "08:00"]


def test_the_local_hour_repeated_by_fall_back_yields_slots_in_both_passes():
    sunday = (workday(6, "00:00", "06:00", **ONE_TYPE),)
    slots = monday_slots(
        advisor(workdays=sunday),
        org=organization("Europe/Copenhagen"),
        start="2025-10-25 12:00",
        end="2025-10-27 00:00",
        duration=minutes(30),
    )
    assert len(slots) == 14
    assert local_starts(slots, "Europe/Copenhagen")[4:8] == ["02:00", "02:30", "02:00", "02:30"]
    assert starts(slots)[4:8] == ["00:00", "00:30", "01:00", "01:30"]


def test_a_wall_time_inside_the_spring_forward_gap_converts_to_the_moment_of_the_jump():
    zone = ZoneInfo("Europe/Copenhagen")
    assert local_to_utc(date(2025, 3, 30), clock("02:30"), zone) == utc("2025-03-30 01:00")
    assert local_to_utc(date(2025, 10, 26), clock("02:30"), zone) == utc("2025-10-26 00:30")


# Closing days, the past and customer-initiated limits


def test_no_slots_on_a_closing_day():
    alice = advisor(workdays=weekdays(**ONE_TYPE))
    slots = monday_slots(alice, org=organization(closing_days=(date(2025, 10, 6),)), end="2025-10-08 00:00")
    assert {slot.start.date() for slot in slots} == {date(2025, 10, 7)}


def test_slots_in_the_past_are_excluded():
    alice = advisor(workdays=weekdays("08:00", "11:00", **ONE_TYPE))
    assert starts(monday_slots(alice, now="2025-10-06 09:10")) == ["09:30", "10:00"]


def test_customer_initiated_search_keeps_slots_within_opening_hours():
    alice = advisor(workdays=weekdays("07:00", "19:00", **ONE_TYPE))
    org = organization(opening="09:00", closing="11:00")
    assert starts(monday_slots(alice, org=org, customer_initiated=True)) == ["09:00", "09:30", "10:00"]


def test_customer_initiated_search_respects_the_minimum_booking_notice():
    alice = advisor(workdays=weekdays("08:00", "12:00", **ONE_TYPE))
    org = organization(min_notice=hours(2))
    slots = monday_slots(alice, org=org, now="2025-10-06 08:30", customer_initiated=True)
    assert starts(slots) == ["10:30", "11:00"]


def test_customer_initiated_search_stops_at_the_max_time_ahead():
    alice = advisor(workdays=weekdays("08:00", "12:00", **ONE_TYPE))
    org = organization(max_ahead=hours(2))
    slots = monday_slots(alice, org=org, now="2025-10-06 07:30", customer_initiated=True)
    assert starts(slots) == ["08:00", "08:30", "09:00", "09:30"]


def test_employee_initiated_search_ignores_opening_hours_notice_and_horizon():
    alice = advisor(workdays=weekdays("07:00", "09:00", **ONE_TYPE))
    org = organization(opening="08:00", min_notice=hours(5), max_ahead=minutes(30))
    assert starts(monday_slots(alice, org=org, now="2025-10-06 06:00")) == ["07:00", "07:30", "08:00"]


# Who may appear


def test_an_advisor_that_cannot_be_booked_never_appears():
    alice = advisor(can_be_booked=False)
    assert monday_slots(alice) == []
    assert monday_slots(alice, explicit_ids=("alice",)) == []


def test_an_only_explicitly_available_advisor_appears_only_when_listed():
    alice = advisor(only_explicitly_available=True, workdays=weekdays("08:00", "09:00", **ONE_TYPE))
    assert monday_slots(alice) == []
    assert starts(monday_slots(alice, explicit_ids=("bob", "alice"))) == ["08:00"]


def test_a_local_only_advisor_appears_only_on_days_at_the_customer_location():
    days = (workday(0, location="Aarhus", **ONE_TYPE), workday(1, location="Odense", **ONE_TYPE))
    alice = advisor(local_only=True, workdays=days)
    slots = monday_slots(alice, end="2025-10-08 00:00", customer_location="  odense ")
    assert {slot.start.date() for slot in slots} == {date(2025, 10, 7)}
    assert monday_slots(alice, end="2025-10-08 00:00") == []


# requireEmployeeParticipation and rooms


def test_require_all_gives_one_slot_per_time_and_type_naming_the_others_as_additional_employees():
    alice = advisor("alice", workdays=weekdays("08:00", "10:00", types=(PHYSICAL, ONLINE)))
    bob = advisor(
        "bob",
        workdays=weekdays("08:00", "12:00", types=(ONLINE,)),
        busy=(busy("2025-10-06 08:00", "2025-10-06 08:30"),),
    )
    carol = advisor("carol", workdays=weekdays("06:00", "18:00", types=(ONLINE, TELEPHONE)))
    slots = monday_slots(alice, bob, carol, require_all=True, explicit_ids=("carol", "alice", "bob"))
    assert [(s.start.strftime("%H:%M"), s.meeting_type, s.employee_id, s.additional_employees) for s in slots] == [
        ("08:30", ONLINE, "carol", ("alice", "bob")),
        ("09:00", ONLINE, "carol", ("alice", "bob")),
    ]


def test_require_all_with_an_advisor_not_found_gives_no_slots():
    alice = advisor("alice")
    assert monday_slots(alice, require_all=True, explicit_ids=("alice", "ghost")) == []


def test_require_all_without_explicit_ids_gives_no_slots():
    assert monday_slots(advisor("alice"), require_all=True) == []


def test_require_room_names_the_first_free_room_in_preference_order():
    alice = advisor(workdays=weekdays("08:00", "10:00", **ONE_TYPE))
    rooms = [room("big", busy("2025-10-06 08:00", "2025-10-06 09:00")), room("small")]
    slots = monday_slots(alice, rooms=rooms, require_room=True)
    assert [(s.start.strftime("%H:%M"), s.room_id) for s in slots] == [
        ("08:00", "small"),
        ("08:30", "small"),
        ("09:00", "big"),
    ]


def test_require_room_drops_slots_when_no_room_is_free():
    alice = advisor(workdays=weekdays("08:00", "10:00", **ONE_TYPE))
    rooms = [room("only", busy("2025-10-06 08:30", "2025-10-06 09:30"))]
    assert starts(monday_slots(alice, rooms=rooms, require_room=True)) == []
    assert monday_slots(alice, rooms=[], require_room=True) == []


def test_slots_name_no_room_when_no_room_is_required():
    alice = advisor(workdays=weekdays("08:00", "09:00", **ONE_TYPE))
    assert [slot.room_id for slot in monday_slots(alice, rooms=[room("big")])] == [None]


# Output


def test_slots_are_sorted_by_start_then_employee_then_meeting_type():
    zed = advisor("zed", workdays=weekdays("08:00", "09:30", types=(TELEPHONE, ONLINE)))
    amy = advisor("amy", workdays=weekdays("08:30", "09:30", types=(PHYSICAL, OFFSITE)))
    slots = monday_slots(zed, amy)
    assert [(s.start.strftime("%H:%M"), s.employee_id, s.meeting_type.value) for s in slots] == [
        ("08:00", "zed", "Online"),
        ("08:00", "zed", "Telephone"),
        ("08:30", "amy", "Offsite"),
        ("08:30", "amy", "Physical"),
        ("08:30", "zed", "Online"),
        ("08:30", "zed", "Telephone"),
    ]


def test_slots_are_aware_utc_and_as_long_as_requested():
    slot = monday_slots(advisor(), duration=minutes(45))[0]
    assert slot.start.utcoffset() == timedelta(0)
    assert slot.end - slot.start == minutes(45)


def test_rejects_a_non_positive_duration():
    with pytest.raises(ValueError):
        monday_slots(advisor(), duration=timedelta(0))


def test_rejects_a_weekday_outside_monday_to_sunday():
    with pytest.raises(ValueError):
        workday(7)


def test_rejects_two_advisors_with_the_same_id():
    with pytest.raises(ValueError):
        monday_slots(advisor("alice"), advisor("alice"))


# Resolving the cap


def test_daily_cap_comes_from_the_schedule_first():
    assert resolve_daily_cap(hours(3), [hours(2)], hours(8)) == hours(3)


def test_daily_cap_falls_back_to_the_smallest_service_group_cap():
    assert resolve_daily_cap(None, [hours(5), None, hours(4)], hours(8)) == hours(4)


def test_daily_cap_falls_back_to_the_organization_cap():
    assert resolve_daily_cap(None, [None], hours(8)) == hours(8)
