"""The stand-in's mailboxes: events, recurring series, transactionId, Teams join URLs, the
calendar view and its delta query, kept in memory the way Microsoft Graph v1.0 documents them
for what BookMe calls. A mailbox exists for any address, created on first use.

Shapes follow the Graph documentation's own examples (event, event: delta, calendarView).
Where the documentation is silent, the choice is a guess and says so:
- a repeated transactionId gives back the event made the first time while it exists (201);
- occurrence ids are the master's id, `_OCC_` and the local date; deleting one cancels that date;
- a changed series master sends all its occurrences again in the next delta round, and the master
  itself (with its first occurrence's times) whenever an occurrence falls in the window; dates a
  changed pattern no longer has are not sent as removed (BookMe's daily full round drops them);
- all-day events keep their dates at midnight with timeZone `UTC` when UTC is asked for;
- a state token is forgotten (410) only when a test tells the stand-in to forget it.
"""

import base64
import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NAMESPACE = uuid.UUID("3b0d64b1-5ad4-4d35-9a37-0c6f2f1b8e21")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_OCCURRENCES = 1000
READ_ONLY = {"id", "@odata.etag", "createdDateTime", "lastModifiedDateTime", "transactionId", "type",
             "seriesMasterId", "onlineMeeting", "iCalUId"}


class Expired(Exception):
    """The delta state token is no longer known (Graph answers 410 Gone)."""


class Invalid(Exception):
    """The request body is not an event Graph would accept (400)."""


def graph_time(moment: datetime) -> str:
    """Graph's dateTime: no offset, seven fractional digits."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}0"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo("UTC" if name.upper() == "UTC" else name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"Unknown time zone '{name}' (the stand-in takes UTC and IANA names).") from None


def _read_time(value: Any, all_day: bool = False) -> tuple[datetime, str]:
    """A dateTimeTimeZone as an aware datetime and the zone name it was given in. An all-day
    event's times are dates: kept as midnight UTC of the date as written."""
    try:
        moment = datetime.fromisoformat(value["dateTime"].rstrip("Z"))
        name = value.get("timeZone") or "UTC"
    except (KeyError, TypeError, AttributeError, ValueError):
        raise Invalid("start and end must be dateTimeTimeZone objects.") from None
    if all_day:
        return midnight(moment.date()), "UTC"
    return moment.replace(tzinfo=_zone(name)) if moment.tzinfo is None else moment, name


def _token(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _untoken(text: str) -> dict[str, Any]:
    try:
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except ValueError:
        raise Expired() from None


@dataclass
class Stored:
    """One event or series master: its properties as written, times in UTC."""

    id: str
    data: dict[str, Any]
    start: datetime
    end: datetime
    zone: str  # the zone its times were given in: a series recurs on that zone's wall clock
    version: int
    created: datetime
    cancelled: dict[str, int] = field(default_factory=dict)  # occurrence date -> version it was cancelled at
    deleted: int | None = None

    @property
    def is_series(self) -> bool:
        return bool(self.data.get("recurrence"))

    def occurrences(self, start: datetime, end: datetime) -> list[tuple[str, datetime, datetime, int | None]]:
        """(date, start, end, cancelled version) of each occurrence overlapping [start, end)."""
        zone, length = ZoneInfo(self.zone) if self.zone.upper() != "UTC" else UTC, self.end - self.start
        wall = self.start.astimezone(zone)
        found = []
        for day in _recurring_dates(self.data["recurrence"], wall.date()):
            first = datetime.combine(day, wall.time(), tzinfo=zone).astimezone(UTC)
            if first >= end:
                break
            if first + length > start:
                key = day.isoformat()
                found.append((key, first, first + length, self.cancelled.get(key)))
        return found


def _recurring_dates(recurrence: dict[str, Any], first: date):
    """The dates of a daily or weekly pattern with an endDate, numbered or open range."""
    pattern, span = recurrence.get("pattern", {}), recurrence.get("range", {})
    kind, interval = pattern.get("type", "daily"), max(int(pattern.get("interval", 1)), 1)
    start = date.fromisoformat(span.get("startDate", first.isoformat()))
    last = date.fromisoformat(span["endDate"]) if span.get("type") == "endDate" else None
    count = int(span.get("numberOfOccurrences", 0)) if span.get("type") == "numbered" else None
    days = {WEEKDAYS.index(d.lower()) for d in pattern.get("daysOfWeek", [])} or {start.weekday()}
    made, day = 0, start
    while made < (count or MAX_OCCURRENCES) and (last is None or day <= last):
        weeks = (day - (start - timedelta(days=start.weekday()))).days // 7
        if (kind == "daily" and (day - start).days % interval == 0) or \
                (kind == "weekly" and weeks % interval == 0 and day.weekday() in days):
            made += 1
            yield day
        day += timedelta(days=1)


class Mailbox:
    def __init__(self, address: str) -> None:
        self.address = address
        self.user_id = str(uuid.uuid5(NAMESPACE, address))
        self.events: dict[str, Stored] = {}
        self.transactions: dict[str, str] = {}
        self.version = 0
        self.epoch = 0

    def _next(self) -> int:
        self.version += 1
        return self.version

    # --- the event resource as Graph shows it -------------------------------------------------

    def full(self, stored: Stored) -> dict[str, Any]:
        data = stored.data
        when = {"dateTime": graph_time(stored.start), "timeZone": "UTC"}
        until = {"dateTime": graph_time(stored.end), "timeZone": "UTC"}
        if data.get("isAllDay"):
            when = {"dateTime": f"{stored.start.date().isoformat()}T00:00:00.0000000", "timeZone": "UTC"}
            until = {"dateTime": f"{stored.end.date().isoformat()}T00:00:00.0000000", "timeZone": "UTC"}
        return {
            "@odata.type": "#microsoft.graph.event", "@odata.etag": f'W/"{stored.version}"', "id": stored.id,
            "createdDateTime": stored.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "transactionId": data.get("transactionId"), "iCalUId": f"040000008200E00074C5B7101A82E008{stored.id}",
            "subject": data.get("subject"), "body": data.get("body", {"contentType": "html", "content": ""}),
            "start": when, "end": until, "location": data.get("location", {"displayName": ""}),
            "showAs": data.get("showAs", "busy"), "isAllDay": bool(data.get("isAllDay")),
            "isCancelled": bool(data.get("isCancelled")), "isOnlineMeeting": bool(data.get("isOnlineMeeting")),
            "onlineMeetingProvider": data.get("onlineMeetingProvider", "unknown"),
            "onlineMeeting": data.get("onlineMeeting"),
            "type": "seriesMaster" if stored.is_series else "singleInstance", "seriesMasterId": None,
            "recurrence": data.get("recurrence"),
            "organizer": {"emailAddress": {"name": self.address.split("@")[0], "address": self.address}},
            "attendees": data.get("attendees", []),
        }

    def _occurrence(self, master: Stored, key: str, start: datetime, end: datetime, full: bool) -> dict[str, Any]:
        stub = {"@odata.type": "#microsoft.graph.event", "@odata.etag": f'W/"{master.version}"',
                "id": f"{master.id}_OCC_{key.replace('-', '')}", "seriesMasterId": master.id, "type": "occurrence",
                "start": {"dateTime": graph_time(start), "timeZone": "UTC"},
                "end": {"dateTime": graph_time(end), "timeZone": "UTC"}}
        if not full:
            return stub  # what the delta query sends for an occurrence
        return {**self.full(master), **stub, "recurrence": None}

    # --- writes ---------------------------------------------------------------------------------

    def create(self, body: dict[str, Any], now: datetime) -> tuple[dict[str, Any], bool]:
        """The new event, or the one this transactionId made before; True when it is new."""
        transaction = body.get("transactionId")
        if transaction and (known := self.events.get(self.transactions.get(transaction, ""))) and not known.deleted:
            return self.full(known), False
        data = {k: v for k, v in body.items() if k not in READ_ONLY or k == "transactionId"}
        start, zone = _read_time(body.get("start"), bool(body.get("isAllDay")))
        end, _ = _read_time(body.get("end"), bool(body.get("isAllDay")))
        if end < start:
            raise Invalid("The event's end is before its start.")
        if data.get("isOnlineMeeting") and data.get("onlineMeetingProvider", "teamsForBusiness") == "teamsForBusiness":
            data["onlineMeetingProvider"] = "teamsForBusiness"
            data["onlineMeeting"] = {"joinUrl": "https://teams.microsoft.com/l/meetup-join/19%3ameeting_"
                                                f"{secrets.token_urlsafe(24)}%40thread.v2/0"}
        id = "AAMkAGI2" + secrets.token_urlsafe(30)
        self.events[id] = Stored(id, data, start.astimezone(UTC), end.astimezone(UTC), zone, self._next(), now)
        if transaction:
            self.transactions[transaction] = id
        return self.full(self.events[id]), True

    def _find(self, id: str) -> tuple[Stored, str | None] | None:
        """The live event with this id, or the master of the occurrence with this id and its date."""
        master_id, _, day = id.partition("_OCC_")
        stored = self.events.get(master_id)
        if stored is None or stored.deleted:
            return None
        if not day:
            return stored, None
        key = f"{day[:4]}-{day[4:6]}-{day[6:]}"
        return (stored, key) if stored.is_series and key not in stored.cancelled else None

    def get(self, id: str) -> dict[str, Any] | None:
        found = self._find(id)
        if found is None:
            return None
        stored, key = found
        if key is None:
            return self.full(stored)
        around = midnight(date.fromisoformat(key))
        occurrence = next((o for o in stored.occurrences(around - timedelta(days=1), around + timedelta(days=2))
                           if o[0] == key), None)
        return self._occurrence(stored, key, occurrence[1], occurrence[2], full=True) if occurrence else None

    def update(self, id: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        """PATCH: occurrences are not edited one by one here (no exceptions in the stand-in)."""
        found = self._find(id)
        if found is None or found[1] is not None:
            return None
        stored = found[0]
        all_day = bool(changes.get("isAllDay", stored.data.get("isAllDay")))
        if "start" in changes:
            start, stored.zone = _read_time(changes["start"], all_day)
            stored.start = start.astimezone(UTC)
        if "end" in changes:
            stored.end = _read_time(changes["end"], all_day)[0].astimezone(UTC)
        stored.data.update({k: v for k, v in changes.items() if k not in READ_ONLY})
        stored.version = self._next()
        return self.full(stored)

    def delete(self, id: str) -> bool:
        found = self._find(id)
        if found is None:
            return False
        stored, key = found
        if key is None:
            stored.deleted = self._next()
        else:
            stored.cancelled[key] = self._next()
        return True

    # --- reads ----------------------------------------------------------------------------------

    def listed(self) -> list[dict[str, Any]]:
        """GET /events: single events and series masters, as created."""
        return [self.full(s) for s in sorted(self.events.values(), key=lambda s: (s.created, s.id)) if not s.deleted]

    def view(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """GET /calendarView: every instance overlapping [start, end), occurrences expanded, by start."""
        found = []
        for stored in self.events.values():
            if stored.deleted:
                continue
            if stored.is_series:
                found += [self._occurrence(stored, key, first, last, full=True)
                          for key, first, last, cancelled in stored.occurrences(start, end) if cancelled is None]
            elif stored.start < end and stored.end > start:
                found.append(self.full(stored))
        return sorted(found, key=lambda e: (e["start"]["dateTime"], e["id"]))

    def _changes(self, start: datetime, end: datetime, since: int) -> list[tuple[int, str, dict[str, Any] | None]]:
        """(version, id, item or None for a removal) of everything changed after `since` in the view."""
        found: list[tuple[int, str, dict[str, Any] | None]] = []
        for stored in self.events.values():
            if stored.is_series:
                occurrences = stored.occurrences(start, end)
                for key, first, last, cancelled in occurrences:
                    version = max(stored.version, cancelled or 0, stored.deleted or 0)
                    item = None if stored.deleted or cancelled else self._occurrence(stored, key, first, last, False)
                    if version > since and (item is not None or since):
                        found.append((version, f"{stored.id}_OCC_{key.replace('-', '')}", item))
                version = max(stored.version, stored.deleted or 0)
                master = None if stored.deleted or not occurrences else self.full(stored)
                if master is not None and occurrences:
                    first = occurrences[0]
                    master["start"] = {"dateTime": graph_time(first[1]), "timeZone": "UTC"}
                    master["end"] = {"dateTime": graph_time(first[2]), "timeZone": "UTC"}
                if version > since and (master is not None or since):
                    found.append((version, stored.id, master))
                continue
            version = max(stored.version, stored.deleted or 0)
            inside = stored.deleted is None and stored.start < end and stored.end > start
            if version > since and (inside or since):
                found.append((version, stored.id, self.full(stored) if inside else None))
        return sorted(found, key=lambda change: (change[0], change[1]))

    def delta(self, token: str | None, start: datetime | None, end: datetime | None,
              page_size: int) -> tuple[list[dict[str, Any]], str | None, str | None]:
        """One page of calendarView/delta: (items, skip token, delta token); Expired for a forgotten token."""
        if token is None:
            if start is None or end is None:
                raise Invalid("startDateTime and endDateTime are required.")
            state = {"s": start.isoformat(), "e": end.isoformat(), "since": 0, "upto": self.version, "off": 0}
        else:
            state = _untoken(token)
            if state.get("epoch") != self.epoch or state.get("m") != self.address:
                raise Expired()
            if "upto" not in state:  # a delta token: a new round from where the last one ended
                state = {**state, "upto": self.version, "off": 0}
        changes = [c for c in self._changes(datetime.fromisoformat(state["s"]), datetime.fromisoformat(state["e"]),
                                            state["since"]) if c[0] <= state["upto"]]
        page = changes[state["off"]: state["off"] + page_size]
        items = [item if item is not None else {"@odata.type": "#microsoft.graph.event", "id": id,
                                                  "@removed": {"reason": "deleted"}} for _, id, item in page]
        base = {"m": self.address, "epoch": self.epoch, "s": state["s"], "e": state["e"], "since": state["since"]}
        if state["off"] + page_size < len(changes):
            return items, _token({**base, "upto": state["upto"], "off": state["off"] + page_size}), None
        return items, None, _token({**base, "since": state["upto"]})

    def forget_delta_state(self) -> None:
        self.epoch += 1


class Calendars:
    """Every mailbox of the stand-in, by lower-case address (or user id)."""

    def __init__(self) -> None:
        self.mailboxes: dict[str, Mailbox] = {}

    def mailbox(self, user: str) -> Mailbox:
        key = user.strip().lower()
        found = self.mailboxes.get(key) or next((m for m in self.mailboxes.values() if m.user_id == key), None)
        if found is None:
            found = self.mailboxes[key] = Mailbox(key)
        return found


def parse_instant(text: str) -> datetime:
    """startDateTime / endDateTime query values: ISO 8601, UTC when no offset is given."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
