"""Spills (shared/rules/spills.py): a late booking's copy of its employee entries in the next
day's calendars, held before the booking's own batch, released after it is cancelled or moved,
and repaired when a process died in between."""

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.context import Context
from shared.errors import Conflict
from shared.models.common import new_id, parse_utc
from shared.rules import moves as move_rules
from shared.rules.availability_explain import Reason
from shared.rules.booking import SPILL_ENTRY, Claim, is_employee, plan, release
from shared.rules.calendar_documents import MEETING_DOC
from shared.rules.spills import SPILL_LEASE, owner_of, spill_claim, spill_day, spill_ref
from shared.services.booking.day_batch import write_day

log = logging.getLogger(__name__)
FIELD = "spill"  # where a meeting or reservation document keeps its spill


@dataclass(frozen=True)
class Spill:
    """Where a booking's spill is: its day, its ref and the employee calendars holding it."""

    day: str
    ref: str
    resources: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day, "ref": self.ref, "resources": list(self.resources)}


def spill_of(document: Mapping[str, Any] | None) -> Spill | None:
    """The spill a stored meeting or reservation holds, if any."""
    raw = (document or {}).get(FIELD)
    return Spill(raw["day"], raw["ref"], tuple(raw["resources"])) if raw else None


async def hold(ctx: Context, booking: Claim, zone: str, ignores: Iterable[Spill | None] = ()) -> Spill | None:
    """Hold the booking's spill when its buffered time may meet the next day's bookings (409, with
    the reason Booked, when it does); None when it needs none. `ignores`: the booking's own earlier
    spill and that of the reservation it consumes, which it may overlap."""
    day = spill_day(booking.start, booking.end, booking.buffer_after, zone)
    employees = tuple(r for r in booking.resources if is_employee(r))
    if day is None or not employees:
        return None
    spill = Spill(day, spill_ref(booking.ref, new_id()), employees)
    claim = spill_claim(booking, spill.ref, employees, frozenset(s.ref for s in ignores if s), ctx.clock())
    try:
        await write_day(ctx, day, employees, lambda calendars, at: plan(claim, calendars, at), [])
    except Conflict as taken:
        raise Conflict(f"{taken.detail} (the next day's bookings, with buffers across midnight)",
                       extensions={"reasons": [Reason.BOOKED.value]}) from None
    return spill


async def release_spill(ctx: Context, spill: Spill | None) -> None:
    """Remove a spill from its day's calendars (already gone is fine)."""
    if spill is not None:
        refs = {spill.ref}
        await write_day(ctx, spill.day, spill.resources, lambda calendars, at: release(calendars, refs, at), [])


async def repair(ctx: Context) -> int:
    """Remove every spill past the lease that no meeting holds any more (its booking failed, was
    cancelled or moved, and the process died before removing it); returns how many."""
    now = ctx.clock()
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # day -> ref -> calendars
    for calendar in await ctx.bookings.spilled_calendars():
        for entry in calendar.get("entries", []):
            since = entry.get("since")
            # A reservation's spill expires with it; a fresh one may belong to a booking still being written.
            if entry.get("kind") == SPILL_ENTRY and not entry.get("expiresAt") and since \
                    and parse_utc(since) <= now - SPILL_LEASE:
                found[calendar["pk"]][entry["ref"]].add(calendar["id"])
    owners = {owner_of(ref) for refs in found.values() for ref in refs} - {None}
    if not owners:
        return 0
    held = _held_spills(await ctx.bookings.find_many(owners, [MEETING_DOC]))
    removed = 0
    for day, refs in found.items():
        for ref, calendars in refs.items():
            if ref not in held:
                log.info("Removing a spill on %s that no meeting holds", day)
                await release_spill(ctx, Spill(day, ref, tuple(calendars)))
                removed += 1
    return removed


def _held_spills(copies: list[dict[str, Any]]) -> set[str]:
    """The spill refs the meetings still rely on: every copy's, while a move is in progress."""
    by_meeting: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for copy in copies:
        by_meeting[copy["id"]].append(copy)
    held = set()
    for meeting_copies in by_meeting.values():
        deciding = move_rules.current(meeting_copies)
        kept = meeting_copies if any(move_rules.mark_of(c) for c in meeting_copies) else [deciding]
        held |= {spill.ref for spill in map(spill_of, kept) if spill is not None}
    return held
