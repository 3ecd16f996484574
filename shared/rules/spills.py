"""Buffers that reach across local midnight (contract sections 12 and 22). Pure.

A booking's employees are held from start - bufferBefore to end + bufferAfter, and a buffer is at
most four hours, so a booking late on its day may collide with a booking early on the next day,
whose calendar is in another partition. Such a booking also holds a copy of its employee entries,
a *spill*, in the next day's calendars, written (at their ETag) before its own batch: two bookings
either side of midnight then always meet in one calendar document, the next day's, where the
conflict check and the ETag decide between them as they do within a day. It is enough to spill
forward: whenever two bookings either side of midnight collide, the earlier one's buffered time
plus the longest buffer reaches past midnight, so it has spilled.

A spill is written before its booking and removed after the booking is cancelled or moved; one
left behind by a process that died (its booking never committed, or moved on) blocks time that is
free, never the other way round, and the repair timer removes it once SPILL_LEASE has passed.
"""

from datetime import date, datetime, timedelta

from shared.models.common import MAX_BUFFER
from shared.rules.booking import SPILL_ENTRY, Claim
from shared.rules.local_days import day_bounds, day_key, local_date

# A spill newer than this may belong to a booking still being written: the repair leaves it.
SPILL_LEASE = timedelta(minutes=2)
_PREFIX = "spill:"


def spill_day(start: datetime, end: datetime, buffer_after: timedelta, zone: str) -> str | None:
    """The day whose calendars a booking must spill into (the next one), or None."""
    day = local_date(start, zone)
    _, day_end = day_bounds(day, zone)
    return day_key(day + timedelta(days=1)) if end + buffer_after + MAX_BUFFER > day_end else None


def spill_ref(owner: str, write_id: str) -> str:
    """The ref of one spill of a meeting or reservation: each write has its own, so a new spill
    never overwrites the one the committed booking still relies on."""
    return f"{_PREFIX}{owner}:{write_id}"


def owner_of(ref: str) -> str | None:
    """The meeting or reservation a spill's ref belongs to; None for a ref that is no spill's."""
    return ref[len(_PREFIX):].rsplit(":", 1)[0] if ref.startswith(_PREFIX) else None


def spill_claim(booking: Claim, ref: str, employees: tuple[str, ...], ignores: frozenset[str],
                since: datetime) -> Claim:
    """The claim of a booking's spill: its employees' entry (times, buffers, expiry), never counted
    toward a daily cap; `ignores` are the refs it may overlap (its own booking's earlier spill, the
    spill of the reservation it consumes)."""
    return Claim(ref, SPILL_ENTRY, booking.start, booking.end, employees, booking.expires_at, booking.token,
                 ignores=ignores | booking.releases | {booking.ref}, buffer_before=booking.buffer_before,
                 buffer_after=booking.buffer_after, since=since)


def next_day(day: str) -> str:
    return day_key(date.fromisoformat(day) + timedelta(days=1))
