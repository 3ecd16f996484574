"""Booking decisions over per-resource day calendars: pure functions, no I/O.

A calendar lists what holds one employee or room on one organization-local day. A booking
reads the calendars it touches, asks `plan` for their new contents (or a refusal), and
writes them back in one conditional batch; see docs/data-model.md, "Bookings".
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shared.errors import Conflict, InvalidRequest

# The kinds of calendar entry. Outlook entries live in calendars of their own, written only by the
# Outlook sync (shared/rules/outlook_blocks.py); a booking never writes or checks them.
MEETING_ENTRY = "meeting"
RESERVATION_ENTRY = "reservation"
# A copy of a late booking's employee entry in the next day's calendar (shared/rules/spills.py).
SPILL_ENTRY = "spill"
OUTLOOK_ENTRY = "outlook"
# The Outlook showAs that keeps an advisor from the branch only: it holds Physical meetings alone.
WORKING_ELSEWHERE = "workingElsewhere"


def employee_calendar(employee_id: str) -> str:
    return f"employee:{employee_id}"


def room_calendar(room_id: str) -> str:
    return f"room:{room_id}"


def describe(resource: str) -> str:
    """`employee:<id>` as `employee <id>`, for error details."""
    kind, _, id = resource.partition(":")
    return f"{kind} {id}"


def is_employee(resource: str) -> bool:
    return resource.startswith("employee:")


def outlook_calendar(employee_id: str) -> str:
    """The id of an employee's Outlook time in a day partition, beside their calendar `employee:<id>`."""
    return f"outlook:{employee_calendar(employee_id)}"


def is_outlook(resource: str) -> bool:
    return resource.startswith("outlook:")


@dataclass(frozen=True, slots=True)
class Entry:
    """One meeting or reservation holding a resource over [start, end).

    The buffers were taken when it was booked (contract section 12): an employee is held from
    start - buffer_before to end + buffer_after; a room for [start, end) only.
    """

    ref: str
    kind: str
    start: datetime
    end: datetime
    expires_at: datetime | None = None
    token: str | None = None
    counts_toward_cap: bool = True
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    since: datetime | None = None  # when a spill was written (its repair waits for its booking)
    show_as: str | None = None  # Outlook entries only: the event's showAs

    def active(self, now: datetime) -> bool:
        """A reservation stops holding its time at expiresAt exactly; meetings never expire."""
        return self.expires_at is None or now < self.expires_at

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end

    def collides(self, other: "Entry", buffered: bool) -> bool:
        """Whether the two hold the same time; `buffered` (employee calendars) widens both by their buffers."""
        if not buffered:
            return self.overlaps(other.start, other.end)
        return (self.start - self.buffer_before < other.end + other.buffer_after
                and other.start - other.buffer_before < self.end + self.buffer_after)


@dataclass(frozen=True, slots=True)
class Calendar:
    """A resource's entries on one day; `etag` None means no document exists yet."""

    resource: str
    entries: tuple[Entry, ...] = ()
    etag: str | None = None


@dataclass(frozen=True)
class Claim:
    """What one booking wants: hold `resources` over [start, end) under `ref`.

    `releases`: refs whose entries this booking removes (the reservation it consumes, the
    meeting's own old time, the reservation replaced by the same token); they never conflict.
    `ignores`: refs that do not conflict but stay (the meeting a reservation reschedules).
    `caps`: the daily meeting-time cap per employee resource, for customer bookings only.
    `buffer_before`/`buffer_after`: the buffers the booking takes (topic's, else organization's).
    """

    ref: str
    kind: str
    start: datetime
    end: datetime
    resources: tuple[str, ...]
    expires_at: datetime | None = None
    token: str | None = None
    releases: frozenset[str] = frozenset()
    ignores: frozenset[str] = frozenset()
    caps: Mapping[str, timedelta] = field(default_factory=dict)
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    since: datetime | None = None

    def entry(self) -> Entry:
        # A spill copies time the booking counts on its own day: it never counts twice.
        return Entry(self.ref, self.kind, self.start, self.end, self.expires_at, self.token,
                     self.kind != SPILL_ENTRY, self.buffer_before, self.buffer_after, self.since)


def overlapping(calendar: Calendar, start: datetime, end: datetime, now: datetime,
                excluded: Iterable[str] = ()) -> list[Entry]:
    """The active entries of `calendar` overlapping [start, end), except those of `excluded` refs."""
    skip = set(excluded)
    return [e for e in calendar.entries if e.ref not in skip and e.active(now) and e.overlaps(start, end)]


def colliding(calendar: Calendar, wanted: Entry, now: datetime, excluded: Iterable[str] = ()) -> list[Entry]:
    """The active entries holding time `wanted` needs: buffers count on employee calendars, not on rooms."""
    skip = set(excluded)
    buffered = is_employee(calendar.resource)
    return [e for e in calendar.entries if e.ref not in skip and e.active(now) and e.collides(wanted, buffered)]


def booked_time(calendar: Calendar, now: datetime, excluded: Iterable[str] = ()) -> timedelta:
    """The meeting time already held on the calendar's day that counts toward the daily cap."""
    skip = set(excluded)
    return sum((e.end - e.start for e in calendar.entries
                if e.ref not in skip and e.active(now) and e.counts_toward_cap), timedelta(0))


def pruned(entries: Iterable[Entry], now: datetime, released: Iterable[str] = ()) -> tuple[Entry, ...]:
    """The entries worth keeping: released refs and expired reservations go, in time order."""
    gone = set(released)
    return tuple(sorted((e for e in entries if e.ref not in gone and e.active(now)), key=lambda e: (e.start, e.ref)))


def plan(claim: Claim, calendars: Mapping[str, Calendar], now: datetime) -> dict[str, tuple[Entry, ...]]:
    """The new entries of every calendar the claim touches, or Conflict when the time is taken.

    `calendars` must hold every resource of the claim and every calendar where a released
    ref has entries (missing ones count as empty).
    """
    excluded = claim.releases | claim.ignores | {claim.ref}
    wanted = claim.entry()
    # Employees may book over their Outlook time (contract section 23), and Outlook's documents are
    # the sync's to write: a booking never rewrites one, whatever order its entries are in.
    calendars = {resource: calendar for resource, calendar in calendars.items() if not is_outlook(resource)}
    for resource in claim.resources:
        calendar = calendars.get(resource, Calendar(resource))
        taken = colliding(calendar, wanted, now, excluded)
        if taken:
            held = "overlaps" if taken[0].overlaps(claim.start, claim.end) else "is too close, with buffers, to"
            raise Conflict(f"The time is not free for {describe(resource)}: it {held} "
                           f"{taken[0].kind} {taken[0].ref}.")
        cap = claim.caps.get(resource)
        if cap is not None and booked_time(calendar, now, excluded) + (claim.end - claim.start) > cap:
            raise Conflict(f"The booking would exceed the daily meeting time of {describe(resource)} "
                           f"({_hours(cap)}).")
    return release(calendars, claim.releases | {claim.ref}, now, add={r: claim.entry() for r in claim.resources})


def release(calendars: Mapping[str, Calendar], refs: Iterable[str], now: datetime,
            add: Mapping[str, Entry] | None = None) -> dict[str, tuple[Entry, ...]]:
    """Calendars without the entries of `refs` (plus `add`), only those that change."""
    refs = set(refs)
    add = add or {}
    changed: dict[str, tuple[Entry, ...]] = {}
    for resource in set(calendars) | set(add):
        calendar = calendars.get(resource, Calendar(resource))
        kept = pruned(calendar.entries, now, refs)
        if resource in add:
            kept = pruned((*kept, add[resource]), now)
        if kept != calendar.entries:
            changed[resource] = kept
    return changed


def check_participants(employee_id: str, additional: list[str]) -> None:
    """400 when the employee is also listed as additional, or an additional one twice."""
    if employee_id in additional:
        raise InvalidRequest("The employee cannot also be an additional employee.",
                             {"additionalEmployees": ["Must not contain employeeId."]})
    if len(set(additional)) != len(additional):
        raise InvalidRequest("additionalEmployees lists an employee twice.",
                             {"additionalEmployees": ["Must not repeat an employee."]})


def not_in_past(start: datetime, now: datetime, prefix: str = "") -> None:
    """400 for a start before now."""
    if start < now:
        raise InvalidRequest("startDate is in the past.", {f"{prefix}startDate": ["Must not be in the past."]})


def _hours(span: timedelta) -> str:
    minutes = int(span.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"
