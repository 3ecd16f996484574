"""The consistency scan after a load run, over every document of the bookings container. Pure.

- double bookings: two current meetings sharing an employee or a room at overlapping times,
  or an active reservation overlapping a meeting of the same employee or room (not the
  meeting it is a reservation to move);
- orphaned reservations: an active reservation that no calendar holds, or an active
  reservation entry in a calendar whose reservation document is gone;
- unheld meetings: a future meeting missing from one of its calendars, and stale holds:
  a future meeting entry whose meeting is gone (either lets the next booking go wrong);
- lost notifications: a booking answered 201 without its REQUEST mail, a cancellation
  answered 204 without its CANCEL mail, and outbox documents never published (still pending, or set aside).
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.models.common import parse_utc

Document = Mapping[str, Any]


@dataclass
class Findings:
    double_bookings: list[str] = field(default_factory=list)
    orphaned_reservations: list[str] = field(default_factory=list)
    unheld_meetings: list[str] = field(default_factory=list)
    stale_holds: list[str] = field(default_factory=list)
    lost_notifications: list[str] = field(default_factory=list)


def current_meetings(documents: Iterable[Document]) -> dict[str, Document]:
    """One copy per meeting: an interrupted move can leave two; the higher sequence is current."""
    found: dict[str, Document] = {}
    for d in documents:
        if d.get("type") == "meeting":
            kept = found.get(d["id"])
            if kept is None or (d.get("sequence", 0), d["dateModified"]) > (kept.get("sequence", 0),
                                                                            kept["dateModified"]):
                found[d["id"]] = d
    return found


def meeting_resources(meeting: Document) -> set[str]:
    held = {f"employee:{e}" for e in (meeting["employeeId"], *(meeting.get("additionalEmployees") or ()))}
    return held | ({f"room:{meeting['roomId']}"} if meeting.get("roomId") else set())


def reservation_resources(reservation: Document) -> set[str]:
    held = {f"employee:{reservation['employeeId']}"} if reservation.get("employeeId") else set()
    return held | ({f"room:{reservation['roomId']}"} if reservation.get("roomId") else set())


def _span(document: Document) -> tuple[datetime, datetime]:
    return parse_utc(document["startDate"]), parse_utc(document["endDate"])


def _overlaps(first: tuple[datetime, datetime], second: tuple[datetime, datetime]) -> bool:
    return first[0] < second[1] and second[0] < first[1]


def double_bookings(meetings: Mapping[str, Document], reservations: Iterable[Document]) -> list[str]:
    holders: dict[str, list[tuple[str, Document]]] = defaultdict(list)
    for meeting in meetings.values():
        for resource in meeting_resources(meeting):
            holders[resource].append(("meeting", meeting))
    for reservation in reservations:
        for resource in reservation_resources(reservation):
            holders[resource].append(("reservation", reservation))
    found = []
    for resource, held in holders.items():
        for i, (kind, first) in enumerate(held):
            for other_kind, second in held[i + 1:]:
                if kind == other_kind == "reservation" or not _overlaps(_span(first), _span(second)):
                    continue
                moving = {first.get("existingMeetingId"), second.get("existingMeetingId")}
                if {first["id"], second["id"]} & moving:
                    continue  # a reservation to move a meeting overlaps that meeting by design
                found.append(f"{resource}: {kind} {first['id']} and {other_kind} {second['id']}")
    return found


def scan(documents: Iterable[Document], now: datetime, mail: Mapping[str, set[str]] | None = None,
         booked: Iterable[str] = (), cancelled: Iterable[str] = ()) -> Findings:
    """Everything wrong in the container at `now`. `mail`: the iCal METHODs received per event
    UID; `booked` and `cancelled`: meeting ids the API answered 201 and 204 for."""
    documents = list(documents)
    meetings = current_meetings(documents)
    active = {d["id"]: d for d in documents
              if d.get("type") == "reservation" and parse_utc(d["expiresAt"]) > now}
    entries: dict[tuple[str, str], set[str]] = defaultdict(set)  # (kind, ref) -> calendars holding it
    for calendar in (d for d in documents if d.get("type") == "calendar"):
        for entry in calendar.get("entries", []):
            if entry["kind"] == "reservation" and entry.get("expiresAt") and parse_utc(entry["expiresAt"]) <= now:
                continue
            if parse_utc(entry["end"]) > now:
                entries[(entry["kind"], entry["ref"])].add(calendar["id"])
    findings = Findings(double_bookings=double_bookings(
        {k: m for k, m in meetings.items() if _span(m)[1] > now}, active.values()))
    for id, reservation in active.items():
        if reservation_resources(reservation) - entries[("reservation", id)]:
            findings.orphaned_reservations.append(f"reservation {id} is not held by its calendars")
    for (kind, ref), calendars in entries.items():
        if kind == "reservation" and ref not in active:
            findings.orphaned_reservations.append(f"{', '.join(sorted(calendars))} hold reservation {ref}, "
                                                  "which is gone")
        if kind == "meeting" and ref not in meetings:
            findings.stale_holds.append(f"{', '.join(sorted(calendars))} hold meeting {ref}, which is gone")
    for id, meeting in meetings.items():
        if _span(meeting)[1] > now and meeting_resources(meeting) - entries[("meeting", id)]:
            findings.unheld_meetings.append(f"meeting {id} is not held by all its calendars")
    if mail is not None:
        for id in booked:
            if "REQUEST" not in mail.get(f"{id}@bookme", set()):
                findings.lost_notifications.append(f"no invitation for meeting {id}")
        for id in cancelled:
            if "CANCEL" not in mail.get(f"{id}@bookme", set()):
                findings.lost_notifications.append(f"no cancellation for meeting {id}")
    # Published outbox documents stay (queue messages refer to them); their pending entries go.
    findings.lost_notifications += [f"outbox {d['outbox']} never published" for d in documents
                                    if d.get("type") in ("outboxPending", "outboxSetAside")]
    return findings
