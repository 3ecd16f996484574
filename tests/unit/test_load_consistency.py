"""The consistency scan of `make load` (bench/load/consistency.py) over hand-made documents."""

from datetime import UTC, datetime

from bench.load.consistency import scan

NOW = datetime(2030, 3, 4, 7, tzinfo=UTC)
ANNA, BO = "employee:anna", "employee:bo"


def meeting(id: str, start: str, end: str, employee: str = "anna", sequence: int = 0, **fields) -> dict:
    return {"id": id, "type": "meeting", "pk": "2030-03-05", "employeeId": employee, "additionalEmployees": [],
            "startDate": f"2030-03-05T{start}:00.000Z", "endDate": f"2030-03-05T{end}:00.000Z",
            "sequence": sequence, "dateModified": "2030-03-04T06:00:00.000Z", **fields}


def reservation(id: str, start: str, end: str, expires: str = "2030-03-04T07:05:00.000Z", **fields) -> dict:
    return {"id": id, "type": "reservation", "pk": "2030-03-05", "employeeId": "anna", "roomId": None,
            "startDate": f"2030-03-05T{start}:00.000Z", "endDate": f"2030-03-05T{end}:00.000Z",
            "expiresAt": expires, **fields}


def calendar(resource: str, *held: dict) -> dict:
    return {"id": resource, "type": "calendar", "pk": "2030-03-05", "entries": [
        {"ref": d["id"], "kind": d["type"], "start": d["startDate"], "end": d["endDate"],
         "expiresAt": d.get("expiresAt")} for d in held]}


def test_a_consistent_day_has_no_findings():
    first, second = meeting("m1", "09:00", "10:00"), meeting("m2", "10:00", "11:00")
    held = reservation("r1", "12:00", "13:00")
    findings = scan([first, second, held, calendar(ANNA, first, second, held)], NOW,
                    {"m1@bookme": {"REQUEST"}, "m2@bookme": {"REQUEST", "CANCEL"}}, ["m1"], ["m2"])
    assert findings.double_bookings == findings.orphaned_reservations == findings.lost_notifications == []
    assert findings.unheld_meetings == findings.stale_holds == []


def test_overlapping_meetings_and_a_reservation_over_a_meeting_are_double_bookings():
    first, second = meeting("m1", "09:00", "10:00"), meeting("m2", "09:30", "10:30")
    held = reservation("r1", "09:45", "10:15")
    findings = scan([first, second, held, calendar(ANNA, first, second, held)], NOW)
    assert len(findings.double_bookings) == 3


def test_a_reservation_to_move_a_meeting_may_overlap_it_and_different_people_never_clash():
    first = meeting("m1", "09:00", "10:00")
    moving = reservation("r1", "09:30", "10:30", existingMeetingId="m1")
    other = meeting("m2", "09:00", "10:00", employee="bo")
    findings = scan([first, moving, other, calendar(ANNA, first, moving), calendar(BO, other)], NOW)
    assert findings.double_bookings == []


def test_only_the_current_copy_of_a_moved_meeting_counts():
    old, new = meeting("m1", "09:00", "10:00"), meeting("m1", "11:00", "12:00", sequence=1)
    later = meeting("m2", "09:00", "10:00")
    assert scan([old, new, later, calendar(ANNA, new, later)], NOW).double_bookings == []


def test_reservations_without_their_calendar_entry_or_entries_without_their_document_are_orphans():
    unheld = reservation("r1", "09:00", "10:00")
    gone = reservation("r2", "11:00", "12:00")
    expired = reservation("r3", "13:00", "14:00", expires="2030-03-04T06:59:00.000Z")
    findings = scan([unheld, expired, calendar(ANNA, gone)], NOW)
    assert sorted(findings.orphaned_reservations) == [
        "employee:anna hold reservation r2, which is gone", "reservation r1 is not held by its calendars"]


def test_meetings_missing_from_their_calendars_and_holds_of_gone_meetings_are_found():
    unheld, gone = meeting("m1", "09:00", "10:00"), meeting("m2", "11:00", "12:00")
    findings = scan([unheld, calendar(ANNA, gone)], NOW)
    assert findings.unheld_meetings == ["meeting m1 is not held by all its calendars"]
    assert findings.stale_holds == ["employee:anna hold meeting m2, which is gone"]


def test_missing_mail_and_unpublished_outbox_documents_are_lost_notifications():
    booked = meeting("m1", "09:00", "10:00")
    published = {"id": "outbox:1", "type": "outbox", "pk": "2030-03-05"}
    pending = {"id": "outbox:2:pending", "type": "outboxPending", "outbox": "outbox:2", "pk": "2030-03-05"}
    aside = {"id": "outbox:3:pending", "type": "outboxSetAside", "outbox": "outbox:3", "pk": "2030-03-05"}
    findings = scan([booked, calendar(ANNA, booked), published, pending, aside], NOW, {"m2@bookme": {"REQUEST"}},
                    ["m1"], ["m2"])
    assert findings.lost_notifications == ["no invitation for meeting m1", "no cancellation for meeting m2",
                                           "outbox outbox:2 never published", "outbox outbox:3 never published"]
