"""Outlook time in the day partitions (contract section 23): which Microsoft Graph events hold an
employee, cut into organization-local days, and the document that keeps them beside the
employee's own calendar. Pure.

One document per employee and day, written only by the Outlook sync, so Graph never contends
with bookings; the search's calendar query reads it with the employee's calendar (same `type`
and `resource`), and a customer booking reads it in the same query as the calendars:

    {"id": "outlook:employee:<id>", "pk": day, "type": "calendar", "source": "outlook",
     "resource": "employee:<id>", "day": day,
     "entries": [{"ref": "outlook:<event id>", "kind": "outlook", "start", "end", "expiresAt": null,
                  "token": null, "countsTowardCap": false, "bufferBefore": 0, "bufferAfter": 0,
                  "showAs": "busy" | "oof" | "tentative" | "unknown" | "workingElsewhere"}]}

Only an event's id, times and showAs are kept: never its subject, body, location or attendees.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.models.common import format_utc
from shared.rules.availability_time import local_to_utc
from shared.rules.booking import OUTLOOK_ENTRY, WORKING_ELSEWHERE, employee_calendar, outlook_calendar
from shared.rules.calendar_documents import CALENDAR_DOC
from shared.rules.local_days import day_bounds, local_date

OUTLOOK_SOURCE = "outlook"
# showAs values that hold the employee; `free` holds nothing, anything else unknown reads as `unknown`.
HOLDING = ("busy", "oof", "tentative", "unknown", WORKING_ELSEWHERE)
UNKNOWN = "unknown"
# transactionId of every event BookMe writes (shared/rules/outlook_events.py): never mirrored back.
OWN_TRANSACTION_PREFIX = "bookme-"
SERIES_MASTER, OCCURRENCE = "seriesMaster", "occurrence"

Entry = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Block:
    """The part of one event that holds an employee on one organization-local day."""

    event_id: str
    day: date
    start: datetime
    end: datetime
    show_as: str


def ref(event_id: str) -> str:
    return f"{OUTLOOK_SOURCE}:{event_id}"


def is_removed(event: Mapping[str, Any]) -> bool:
    return "@removed" in event


def is_own(event: Mapping[str, Any]) -> bool:
    """An event BookMe wrote itself (its transactionId says so): BookMe's own calendar already holds it."""
    return str(event.get("transactionId") or "").startswith(OWN_TRANSACTION_PREFIX)


def master_id(event: Mapping[str, Any]) -> str | None:
    """The series master an occurrence stub takes its showAs from (delta sends occurrences without it)."""
    return event.get("seriesMasterId") if event.get("type") == OCCURRENCE and "showAs" not in event else None


def shown_as(event: Mapping[str, Any], master: Mapping[str, Any] | None = None) -> str | None:
    """The showAs that holds the employee, or None when the event holds nothing (free or cancelled)."""
    if event.get("isCancelled") or (master is not None and master.get("isCancelled")):
        return None
    value = event.get("showAs") or (master.get("showAs") if master is not None else None) or UNKNOWN
    if value == "free":
        return None
    return value if value in HOLDING else UNKNOWN


def _instant(value: Mapping[str, Any]) -> datetime:
    """A Graph dateTimeTimeZone; BookMe asks for UTC (Prefer: outlook.timezone), an IANA zone is read too."""
    moment = datetime.fromisoformat(value["dateTime"])
    name = value.get("timeZone") or "UTC"
    try:
        zone = UTC if name.upper() == "UTC" else ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return moment.replace(tzinfo=zone).astimezone(UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def event_span(event: Mapping[str, Any], zone: ZoneInfo) -> tuple[datetime, datetime]:
    """When the event holds the employee. An all-day event holds whole local days of the
    organization, from its start date to (not including) its end date."""
    if event.get("isAllDay"):
        first = date.fromisoformat(event["start"]["dateTime"][:10])
        last = date.fromisoformat(event["end"]["dateTime"][:10])
        return local_to_utc(first, time(0), zone), local_to_utc(max(last, first + timedelta(days=1)), time(0), zone)
    return _instant(event["start"]), _instant(event["end"])


def local_pieces(start: datetime, end: datetime, zone: ZoneInfo) -> list[tuple[date, datetime, datetime]]:
    """[start, end) cut at each local midnight: (local day, piece start, piece end)."""
    pieces = []
    day = local_date(start, zone)
    while start < end:
        midnight = day_bounds(day, zone)[1]
        pieces.append((day, start, min(end, midnight)))
        start, day = midnight, day + timedelta(days=1)
    return pieces


def blocks(event: Mapping[str, Any], zone: ZoneInfo, master: Mapping[str, Any] | None = None) -> list[Block]:
    """What one delta item holds, per local day: nothing for a removal, a series master (its
    occurrences come one by one), an event of BookMe's own, a free or cancelled one."""
    if is_removed(event) or event.get("type") == SERIES_MASTER or is_own(event):
        return []
    show_as = shown_as(event, master)
    if show_as is None:
        return []
    start, end = event_span(event, zone)
    return [Block(event["id"], day, first, last, show_as) for day, first, last in local_pieces(start, end, zone)]


def entry(block: Block) -> Entry:
    return {"ref": ref(block.event_id), "kind": OUTLOOK_ENTRY, "start": format_utc(block.start),
            "end": format_utc(block.end), "expiresAt": None, "token": None, "countsTowardCap": False,
            "bufferBefore": 0, "bufferAfter": 0, "showAs": block.show_as}


def entries_by_day(found: Iterable[Block]) -> dict[str, list[Entry]]:
    days: dict[str, list[Entry]] = {}
    for block in found:
        days.setdefault(block.day.isoformat(), []).append(entry(block))
    return {day: ordered(items) for day, items in days.items()}


def ordered(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e["start"], e["ref"]))


def changed(entries: Iterable[Entry], dropped: set[str], added: Iterable[Entry] = ()) -> list[Entry]:
    """A day's entries without those of the `dropped` refs, plus `added`."""
    return ordered([*(e for e in entries if e["ref"] not in dropped), *added])


def document(employee_id: str, day: str, entries: Iterable[Entry]) -> dict[str, Any]:
    return {"id": outlook_calendar(employee_id), "pk": day, "type": CALENDAR_DOC, "source": OUTLOOK_SOURCE,
            "resource": employee_calendar(employee_id), "day": day, "entries": ordered(entries)}
