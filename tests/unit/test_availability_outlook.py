"""Outlook time in the one rule set (contract section 23): the search, /explain and the customer
check see it alike. Times are UTC; Monday 2025-10-06, searched at 2025-10-01."""

from datetime import timedelta

from shared.rules.availability import Notes, find_slots
from shared.rules.availability_inputs import busy as busy_from_entries
from shared.rules.availability_model import BusyKind
from shared.rules.customer_offer import CustomerBooking, refusal
from tests.utils.availability_builders import (
    MONDAY,
    ONLINE,
    PHYSICAL,
    advisor,
    busy,
    hours,
    minutes,
    organization,
    outlook,
    query,
    utc,
    weekdays,
)

NOW = utc("2025-10-01 00:00")


def starts(alice, **fields) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for slot in find_slots(organization(), [alice], [], query(**fields)):
        found.setdefault(slot.start.strftime("%H:%M"), set()).add(slot.meeting_type.value)
    return found


def monday_reasons(alice, **fields) -> list[str]:
    notes = Notes()
    find_slots(organization(), [alice], [], query(**fields), notes)
    (day,) = [day for day in notes.employee(alice.employee_id).days if day.date == MONDAY]
    return [reason.value for reason in day.reasons]


def why(start: str, alice, meeting_type=PHYSICAL, length=timedelta(hours=1), **fields):
    found = refusal(organization(), alice, [], CustomerBooking(utc(start), utc(start) + length, meeting_type,
                                                               **fields), NOW)
    return None if found is None else [str(code) for code in found]


def test_outlook_time_removes_the_slots_it_overlaps_for_every_meeting_type():
    alice = advisor(busy=(outlook("2025-10-06 10:00", "2025-10-06 11:00"),))
    found = starts(alice)
    assert "10:00" not in found and "09:30" not in found and "10:30" not in found
    assert found["09:00"] == found["11:00"] == {"Physical", "Online"}


def test_working_elsewhere_keeps_only_physical_meetings_out():
    alice = advisor(busy=(outlook("2025-10-06 10:00", "2025-10-06 11:00", elsewhere=True),))
    found = starts(alice)
    assert found["10:00"] == {"Online"}
    assert found["11:00"] == {"Physical", "Online"}
    assert "10:00" not in starts(alice, types=(PHYSICAL,))
    assert "10:00" in starts(alice, types=(ONLINE,))


def test_outlook_time_does_not_count_toward_the_daily_cap():
    # Seven Outlook hours and a two-hour cap: the free hour is still offered.
    alice = advisor(daily_cap=hours(2), busy=(outlook("2025-10-06 08:00", "2025-10-06 15:00"),))
    assert set(starts(alice)) == {"15:00", "15:30", "16:00"}


def test_a_searched_meetings_buffers_keep_clear_of_outlook_time_which_has_none_of_its_own():
    alice = advisor(busy=(outlook("2025-10-06 10:00", "2025-10-06 11:00"),))
    plain = starts(alice)
    assert "09:00" in plain and "11:00" in plain
    buffered = starts(alice, buffer_before=minutes(15), buffer_after=minutes(15))
    assert "09:00" not in buffered and "11:00" not in buffered and "11:30" in buffered


def test_explain_names_outlook_time_apart_from_bookme_bookings():
    outlook_only = advisor(busy=(outlook("2025-10-06 10:00", "2025-10-06 11:00"),))
    assert monday_reasons(outlook_only) == ["OutlookBusy"]
    both = advisor(busy=(outlook("2025-10-06 10:00", "2025-10-06 11:00"), busy("2025-10-06 13:00", "2025-10-06 14:00")))
    assert monday_reasons(both) == ["Booked", "OutlookBusy"]
    assert monday_reasons(advisor(busy=(busy("2025-10-06 13:00", "2025-10-06 14:00"),))) == ["Booked"]


def test_working_elsewhere_is_a_reason_only_when_physical_meetings_are_searched():
    alice = advisor(busy=(outlook("2025-10-06 10:00", "2025-10-06 11:00", elsewhere=True),))
    assert monday_reasons(alice, types=(ONLINE,)) == []
    assert monday_reasons(alice, types=(PHYSICAL,)) == ["OutlookBusy"]
    assert monday_reasons(alice) == ["OutlookBusy"]


def test_a_customer_booking_over_outlook_time_is_refused_with_outlook_busy():
    alice = advisor(busy=(outlook("2025-10-06 10:00", "2025-10-06 11:00"),))
    assert why("2025-10-06 10:00", alice) == ["OutlookBusy"]
    assert why("2025-10-06 10:00", alice, meeting_type=None) == ["OutlookBusy"]
    assert why("2025-10-06 11:00", alice) is None


def test_a_customer_booking_over_booked_and_outlook_time_names_both():
    alice = advisor(busy=(outlook("2025-10-06 10:00", "2025-10-06 11:00"),
                          busy("2025-10-06 10:30", "2025-10-06 11:30")))
    assert why("2025-10-06 10:00", alice) == ["Booked", "OutlookBusy"]


def test_working_elsewhere_refuses_a_physical_booking_but_not_an_online_one_or_a_reservation():
    alice = advisor(busy=(outlook("2025-10-06 10:00", "2025-10-06 11:00", elsewhere=True),))
    assert why("2025-10-06 10:00", alice, meeting_type=PHYSICAL) == ["OutlookBusy"]
    assert why("2025-10-06 10:00", alice, meeting_type=ONLINE) is None
    assert why("2025-10-06 10:00", alice, meeting_type=None) is None
    physical_only = advisor(workdays=weekdays(types=(PHYSICAL,)), busy=alice.busy)
    assert why("2025-10-06 10:00", physical_only, meeting_type=None) == ["OutlookBusy"]


def test_the_inputs_read_outlook_entries_as_outlook_time_by_their_show_as():
    def entry(kind: str, show_as: str | None = None) -> dict:
        return {"ref": "x", "kind": kind, "start": "2025-10-06T10:00:00.000Z", "end": "2025-10-06T11:00:00.000Z",
                "countsTowardCap": kind != "outlook", "bufferBefore": 0, "bufferAfter": 0,
                **({"showAs": show_as} if show_as else {})}

    kinds = [item.kind for item in busy_from_entries([
        entry("meeting"), entry("reservation"), entry("outlook", "busy"), entry("outlook", "oof"),
        entry("outlook", "tentative"), entry("outlook", "unknown"), entry("outlook", "workingElsewhere")])]
    assert kinds == [BusyKind.BOOKED, BusyKind.BOOKED] + [BusyKind.OUTLOOK] * 4 + [BusyKind.OUTLOOK_ELSEWHERE]
