"""Booking decisions over day calendars: conflicts, the daily cap, releases, local days."""

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.errors import Conflict, InvalidRequest
from shared.rules.booking import (
    MEETING_ENTRY,
    RESERVATION_ENTRY,
    Calendar,
    Claim,
    Entry,
    booked_time,
    check_participants,
    employee_calendar,
    not_in_past,
    plan,
    release,
    room_calendar,
)
from shared.rules.local_days import booking_day

NOW = datetime(2030, 3, 4, 7, 0, tzinfo=UTC)
ANNA = employee_calendar("anna")
BO = employee_calendar("bo")
ROOM = room_calendar("havnen")


def at(hour: float) -> datetime:
    return datetime(2030, 3, 4, tzinfo=UTC) + timedelta(hours=hour)


def meeting(ref: str, start: float, end: float) -> Entry:
    return Entry(ref, MEETING_ENTRY, at(start), at(end))


def held(ref: str, start: float, end: float, expires: datetime, token: str = "t") -> Entry:
    return Entry(ref, RESERVATION_ENTRY, at(start), at(end), expires_at=expires, token=token)


def claim(ref: str, start: float, end: float, *resources: str, **options) -> Claim:
    return Claim(ref, MEETING_ENTRY, at(start), at(end), resources or (ANNA,), **options)


def test_a_free_time_is_planned_into_every_resource_calendar():
    planned = plan(claim("m1", 9, 10, ANNA, ROOM), {}, NOW)
    assert set(planned) == {ANNA, ROOM}
    assert planned[ANNA] == (meeting("m1", 9, 10),)


def test_an_overlapping_meeting_of_the_employee_is_a_conflict():
    calendars = {ANNA: Calendar(ANNA, (meeting("m0", 9.5, 10.5),), "e1")}
    with pytest.raises(Conflict, match="employee anna"):
        plan(claim("m1", 9, 10), calendars, NOW)


def test_an_overlapping_booking_of_the_room_is_a_conflict_even_for_another_employee():
    calendars = {ROOM: Calendar(ROOM, (meeting("m0", 9, 10),), "e1")}
    with pytest.raises(Conflict, match="room havnen"):
        plan(claim("m1", 9, 10, BO, ROOM), calendars, NOW)


def test_back_to_back_meetings_do_not_overlap():
    calendars = {ANNA: Calendar(ANNA, (meeting("m0", 8, 9), meeting("m2", 10, 11)), "e1")}
    planned = plan(claim("m1", 9, 10), calendars, NOW)
    assert [e.ref for e in planned[ANNA]] == ["m0", "m1", "m2"]


def test_an_active_reservation_of_another_token_blocks():
    calendars = {ANNA: Calendar(ANNA, (held("r0", 9, 10, NOW + timedelta(minutes=5), token="other"),), "e1")}
    with pytest.raises(Conflict):
        plan(claim("m1", 9, 10), calendars, NOW)


def test_a_reservation_stops_blocking_at_its_expiry_exactly():
    expires = NOW + timedelta(minutes=5)
    calendars = {ANNA: Calendar(ANNA, (held("r0", 9, 10, expires),), "e1")}
    with pytest.raises(Conflict):
        plan(claim("m1", 9, 10), calendars, expires - timedelta(microseconds=1))
    planned = plan(claim("m1", 9, 10), calendars, expires)
    assert [e.ref for e in planned[ANNA]] == ["m1"], "the expired reservation is pruned as well"


def test_the_consumed_reservation_is_released_and_never_conflicts():
    calendars = {ANNA: Calendar(ANNA, (held("r1", 9, 10, NOW + timedelta(minutes=5)),), "e1"),
                 ROOM: Calendar(ROOM, (held("r1", 9, 10, NOW + timedelta(minutes=5)),), "e2")}
    planned = plan(claim("m1", 9, 10, releases=frozenset({"r1"})), calendars, NOW)
    assert planned[ANNA] == (meeting("m1", 9, 10),)
    assert planned[ROOM] == (), "the reservation's room no longer holds it, although the meeting has no room"


def test_an_ignored_meeting_does_not_conflict_and_stays():
    calendars = {ANNA: Calendar(ANNA, (meeting("m0", 9, 10),), "e1")}
    planned = plan(Claim("r1", RESERVATION_ENTRY, at(9.5), at(10.5), (ANNA,), expires_at=NOW + timedelta(minutes=5),
                         token="t", ignores=frozenset({"m0"})), calendars, NOW)
    assert [e.ref for e in planned[ANNA]] == ["m0", "r1"]


def test_moving_a_meeting_releases_its_old_time():
    calendars = {ANNA: Calendar(ANNA, (meeting("m1", 9, 10),), "e1")}
    planned = plan(claim("m1", 9.5, 10.5), calendars, NOW)
    assert planned[ANNA] == (meeting("m1", 9.5, 10.5),)


def test_the_daily_cap_refuses_a_customer_booking_over_the_limit():
    calendars = {ANNA: Calendar(ANNA, (meeting("m0", 8, 11), meeting("m2", 12, 12.5)), "e1")}
    caps = {ANNA: timedelta(hours=4)}
    assert booked_time(calendars[ANNA], NOW) == timedelta(hours=3.5)
    with pytest.raises(Conflict, match="daily meeting time"):
        plan(claim("m1", 13, 14, caps=caps), calendars, NOW)
    planned = plan(claim("m1", 13, 13.5, caps=caps), calendars, NOW)
    assert len(planned[ANNA]) == 3, "exactly reaching the cap is allowed"


def test_a_meeting_longer_than_the_cap_is_refused_on_an_empty_day():
    with pytest.raises(Conflict):
        plan(claim("m1", 8, 13, caps={ANNA: timedelta(hours=4)}), {}, NOW)


def test_without_a_cap_an_employee_booking_may_exceed_it():
    calendars = {ANNA: Calendar(ANNA, (meeting("m0", 8, 12),), "e1")}
    assert plan(claim("m1", 13, 14), calendars, NOW)[ANNA][-1].ref == "m1"


def test_expired_reservations_do_not_count_toward_the_cap():
    calendars = {ANNA: Calendar(ANNA, (held("r0", 8, 12, NOW),), "e1")}
    assert plan(claim("m1", 13, 14, caps={ANNA: timedelta(hours=1)}), calendars, NOW)


def test_release_changes_only_calendars_holding_the_refs():
    calendars = {ANNA: Calendar(ANNA, (meeting("m1", 9, 10), meeting("m2", 11, 12)), "e1"),
                 BO: Calendar(BO, (meeting("m2", 11, 12),), "e2")}
    assert release(calendars, {"m1"}, NOW) == {ANNA: (meeting("m2", 11, 12),)}


def test_a_booking_day_is_the_organization_local_date():
    # 23:30 UTC on 3 March is 00:30 on 4 March in Copenhagen.
    start = datetime(2030, 3, 3, 23, 30, tzinfo=UTC)
    assert booking_day(start, start + timedelta(hours=1), "Europe/Copenhagen") == date(2030, 3, 4)


def test_a_booking_may_end_at_local_midnight_but_not_cross_it():
    end = datetime(2030, 3, 4, 23, 0, tzinfo=UTC)  # midnight in Copenhagen
    assert booking_day(end - timedelta(hours=1), end, "Europe/Copenhagen") == date(2030, 3, 4)
    with pytest.raises(InvalidRequest, match="same day"):
        booking_day(end - timedelta(hours=1), end + timedelta(minutes=30), "Europe/Copenhagen")


def test_an_empty_or_reversed_booking_is_invalid():
    with pytest.raises(InvalidRequest, match="after startDate"):
        booking_day(at(10), at(10), "UTC")
    with pytest.raises(InvalidRequest):
        booking_day(at(10), at(9), "UTC")


def test_a_start_in_the_past_is_invalid():
    with pytest.raises(InvalidRequest) as raised:
        not_in_past(NOW - timedelta(seconds=1), NOW, "timeSlot.")
    assert "timeSlot.startDate" in raised.value.errors
    not_in_past(NOW, NOW)


def test_the_employee_is_not_also_an_additional_employee_and_none_twice():
    check_participants("anna", ["bo"])
    with pytest.raises(InvalidRequest, match="also"):
        check_participants("anna", ["anna"])
    with pytest.raises(InvalidRequest, match="twice"):
        check_participants("anna", ["bo", "bo"])
