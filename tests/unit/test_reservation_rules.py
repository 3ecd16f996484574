"""Reservation rules: what is held, for how long, replacement by token, consumption."""

from datetime import UTC, datetime, timedelta

import pytest

from shared.errors import Conflict, InvalidRequest
from shared.rules import reservations
from shared.rules.booking import (
    MEETING_ENTRY,
    RESERVATION_ENTRY,
    Calendar,
    Entry,
    employee_calendar,
    plan,
    room_calendar,
)

NOW = datetime(2030, 3, 4, 7, 0, tzinfo=UTC)
START, END = datetime(2030, 3, 4, 9, tzinfo=UTC), datetime(2030, 3, 4, 10, tzinfo=UTC)
ANNA = employee_calendar("anna")


def test_a_reservation_lives_for_the_configured_ttl():
    assert reservations.expiry(NOW, timedelta(minutes=5)) == NOW + timedelta(minutes=5)


def test_a_reservation_is_active_strictly_before_it_expires():
    expires = NOW + timedelta(minutes=5)
    assert reservations.is_active(expires, expires - timedelta(microseconds=1))
    assert not reservations.is_active(expires, expires)


def test_a_reservation_holds_its_employee_and_its_room():
    assert reservations.resources("anna", "havnen") == (ANNA, room_calendar("havnen"))
    assert reservations.resources(None, "havnen") == (room_calendar("havnen"),)


def test_a_reservation_without_employee_or_room_is_invalid():
    with pytest.raises(InvalidRequest) as raised:
        reservations.resources(None, None)
    assert "timeSlot.employeeId" in raised.value.errors


def test_the_same_token_replaces_the_earlier_reservation():
    expires = NOW + timedelta(minutes=5)
    calendars = {ANNA: Calendar(ANNA, (Entry("r0", RESERVATION_ENTRY, START, END, expires, "tok"),), "e")}
    claim = reservations.claim("r1", "tok", START, END, expires, (ANNA,), replaced={"r0"})
    planned = plan(claim, calendars, NOW)
    assert [(e.ref, e.token) for e in planned[ANNA]] == [("r1", "tok")]


def test_a_different_token_does_not_replace_and_so_conflicts():
    expires = NOW + timedelta(minutes=5)
    calendars = {ANNA: Calendar(ANNA, (Entry("r0", RESERVATION_ENTRY, START, END, expires, "other"),), "e")}
    with pytest.raises(Conflict):
        plan(reservations.claim("r1", "tok", START, END, expires, (ANNA,)), calendars, NOW)


def test_rescheduling_a_meeting_does_not_conflict_with_its_own_time():
    calendars = {ANNA: Calendar(ANNA, (Entry("m1", MEETING_ENTRY, START, END),), "e")}
    claim = reservations.claim("r1", "tok", START + timedelta(minutes=30), END + timedelta(minutes=30),
                               NOW + timedelta(minutes=5), (ANNA,), existing_meeting_id="m1")
    planned = plan(claim, calendars, NOW)
    assert {e.ref for e in planned[ANNA]} == {"m1", "r1"}


def test_the_cap_applies_to_customer_reservations():
    calendars = {ANNA: Calendar(ANNA, (Entry("m1", MEETING_ENTRY, START - timedelta(hours=2), START),), "e")}
    claim = reservations.claim("r1", "tok", START, END, NOW + timedelta(minutes=5), (ANNA,),
                               caps={ANNA: timedelta(hours=2)})
    with pytest.raises(Conflict, match="daily meeting time"):
        plan(claim, calendars, NOW)


def test_an_active_reservation_can_be_consumed():
    reservations.check_consumable("r1", NOW + timedelta(seconds=1), None, NOW)


def test_an_expired_or_missing_reservation_cannot_be_consumed():
    with pytest.raises(InvalidRequest, match="No active reservation"):
        reservations.check_consumable("r1", NOW, None, NOW)
    with pytest.raises(InvalidRequest, match="No active reservation"):
        reservations.check_consumable("r1", None, None, NOW)


def test_a_rescheduling_reservation_serves_only_its_meeting():
    reservations.check_consumable("r1", NOW + timedelta(minutes=1), "m1", NOW, meeting_id="m1")
    with pytest.raises(InvalidRequest, match="reschedule"):
        reservations.check_consumable("r1", NOW + timedelta(minutes=1), "m1", NOW)
    with pytest.raises(InvalidRequest):
        reservations.check_consumable("r1", NOW + timedelta(minutes=1), "m1", NOW, meeting_id="m2")
