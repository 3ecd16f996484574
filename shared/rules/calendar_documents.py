"""The documents of a day partition of the bookings container, as plain JSON: the calendar
format the availability engine reads (keep it stable; docs/data-model.md), and the batch
operations that write calendars back at the ETag they were read at. Pure."""

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from shared.models.common import format_utc, parse_utc
from shared.ports import Op
from shared.rules.booking import Calendar, Entry

# The `type` of each document of a day partition.
CALENDAR_DOC, MEETING_DOC, RESERVATION_DOC, OUTBOX_DOC = "calendar", "meeting", "reservation", "outbox"
# What a cancellation leaves of a meeting: its ids and times, no personal data (docs/data-model.md).
CANCELLED_MEETING_DOC = "cancelledMeeting"
# One record of a meeting's history, in the day partition of the change it records.
MEETING_HISTORY_DOC = "meetingHistory"
# The outcome of one move of a meeting to another day, in the day it moves to (shared/rules/moves.py).
MOVE_RECORD_DOC = "moveRecord"
# An outbox not yet published (its attempts), and one set aside after too many (shared/rules/outbox.py).
OUTBOX_PENDING_DOC, OUTBOX_SET_ASIDE_DOC = "outboxPending", "outboxSetAside"


def stored_fields(document: Mapping[str, Any]) -> dict[str, Any]:
    """A stored document as it is written back: without Cosmos DB's own `_` properties."""
    return {k: v for k, v in document.items() if not k.startswith("_")}


def entry_from_json(raw: Mapping[str, Any]) -> Entry:
    """Buffers are seconds; entries written before buffers existed have none."""
    expires, since = raw.get("expiresAt"), raw.get("since")
    return Entry(raw["ref"], raw["kind"], parse_utc(raw["start"]), parse_utc(raw["end"]),
                 parse_utc(expires) if expires else None, raw.get("token"), raw.get("countsTowardCap", True),
                 timedelta(seconds=raw.get("bufferBefore") or 0), timedelta(seconds=raw.get("bufferAfter") or 0),
                 parse_utc(since) if since else None, raw.get("showAs"))


def entry_to_json(entry: Entry) -> dict[str, Any]:
    raw = {"ref": entry.ref, "kind": entry.kind, "start": format_utc(entry.start), "end": format_utc(entry.end),
           "expiresAt": format_utc(entry.expires_at) if entry.expires_at else None, "token": entry.token,
           "countsTowardCap": entry.counts_toward_cap,
           "bufferBefore": int(entry.buffer_before.total_seconds()),
           "bufferAfter": int(entry.buffer_after.total_seconds())}
    return {**raw, "since": format_utc(entry.since)} if entry.since else raw


def calendar_from_document(document: Mapping[str, Any]) -> Calendar:
    return Calendar(document["id"], tuple(entry_from_json(e) for e in document.get("entries", [])),
                    document["_etag"])


def calendars_in(documents: Mapping[str, Mapping[str, Any]], resources: Iterable[str]) -> dict[str, Calendar]:
    """The calendar of each resource among a day's documents by id; missing ones are empty, with no ETag."""
    return {r: calendar_from_document(documents[r]) if r in documents else Calendar(r) for r in resources}


def calendar_document(day: str, resource: str, entries: Iterable[Entry]) -> dict[str, Any]:
    return {"id": resource, "pk": day, "type": CALENDAR_DOC, "resource": resource, "day": day,
            "entries": [entry_to_json(e) for e in entries]}


def calendar_ops(day: str, calendars: Mapping[str, Calendar], planned: Mapping[str, tuple[Entry, ...]]) -> list[Op]:
    """Replace each changed calendar at the ETag it was read at, or create it if it was missing."""
    ops = []
    for resource, entries in sorted(planned.items()):
        current = calendars.get(resource)
        document = calendar_document(day, resource, entries)
        if current is None or current.etag is None:
            ops.append(Op("create", resource, document))
        else:
            ops.append(Op("replace", resource, document, current.etag))
    return ops


def is_calendar(op: Op) -> bool:
    return op.id.startswith(("employee:", "room:"))
