"""Capacity minutes (contract section 25): per advisor and organization-local day, the scheduled
time and what holds it, taken by the availability engine in the pass that finds the slots
(`find_slots(..., minutes=Minutes())`), over the same busy time, workdays and local days.

Scheduled time is the available workdays of the day within opening hours; a closing day has
none. It is split exactly, each instant counted once, in this order of precedence:

- booked: the meeting time of BookMe's meetings and active reservations that count toward the
  daily cap (a spill, the copy of a late booking's entry in the next day, is counted on its own
  day only);
- Outlook busy: Outlook time that holds the advisor for every meeting type;
- buffers: the buffers around bookings (which the daily cap does not count either), and any
  other time a booking holds;
- free: the rest.

So scheduled = booked + outlookBusy + buffer + free. Outlook's workingElsewhere keeps only
Physical meetings out (contract section 23): the advisor is working, so that time is free, and
`elsewhere` says how much of the free time it is. Every slot the search offers lies in free time.
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import TYPE_CHECKING, NamedTuple

from shared.rules.availability_explain import Exclusion
from shared.rules.availability_intervals import merge
from shared.rules.availability_model import Advisor, Busy, BusyKind
from shared.rules.availability_time import span_us, to_us

if TYPE_CHECKING:
    from shared.rules.availability_search import Search


class DayMinutes(NamedTuple):
    """One advisor's local day, in microseconds: scheduled = booked + outlook_busy + buffer + free.
    A tuple of integers: a report keeps one per advisor and day while the engine makes the slots,
    and the garbage collector need not walk tuples of plain numbers."""

    scheduled: int = 0
    booked: int = 0
    outlook_busy: int = 0
    buffer: int = 0
    free: int = 0
    elsewhere: int = 0  # the part of `free` the advisor works elsewhere (no Physical meetings)


@dataclass
class Minutes:
    """What one engine run tallied, per employee and organization-local day of the search window."""

    dates: list[date] = field(default_factory=list)  # every local date of the window, set by the engine
    days: dict[str, list[DayMinutes]] = field(default_factory=dict)  # per employee, one per date
    excluded: dict[str, Exclusion] = field(default_factory=dict)  # advisors the search left out, and why

    def employee(self, employee_id: str) -> list[DayMinutes]:
        """The employee's minutes for every date of the window (zero for one never tallied)."""
        return self.days.get(employee_id) or [NOTHING] * len(self.dates)


NOTHING = DayMinutes()


class _Cover:
    """A union of half-open intervals, sorted and merged, that measures its overlap with a span."""

    __slots__ = ("starts", "ends", "before")

    def __init__(self, intervals: Iterable[tuple[int, int]]) -> None:
        merged = merge(intervals)
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]
        self.before = [0]  # the covered length before each interval
        for start, end in merged:
            self.before.append(self.before[-1] + end - start)

    def within(self, low: int, high: int) -> int:
        """How much of [low, high) is covered."""
        first = bisect_right(self.ends, low)
        last = bisect_left(self.starts, high)
        if first >= last:
            return 0
        total = self.before[last] - self.before[first]
        total -= max(0, low - self.starts[first])
        total -= max(0, self.ends[last - 1] - high)
        return total


def _span(item: Busy) -> tuple[int, int]:
    return to_us(item.start), to_us(item.end)


def _held(item: Busy) -> tuple[int, int]:
    start, end = _span(item)
    return start - span_us(item.buffer_before), end + span_us(item.buffer_after)


@dataclass(frozen=True, slots=True)
class WindowDay:
    """A local day of the window with its opening hours, in epoch microseconds."""

    day: date
    weekday: int
    closed: bool
    opening: int
    closing: int


def window_days(search: "Search") -> list[WindowDay]:
    """The search window's days, worked out once for every advisor of a search."""
    wall, org = search.calendar.wall_us, search.org
    return [WindowDay(item.day.day, item.day.weekday, item.closed, wall(item.day.day, org.opening),
                      wall(item.day.day, org.closing, is_end=True)) for item in search.window]


def tally(search: "Search", advisor: Advisor, days: Sequence[WindowDay]) -> list[DayMinutes]:
    """The advisor's minutes on each local day of the search window (`days`, from window_days)."""
    now = search.query.now
    active = [item for item in advisor.busy if item.holds_at(now)]
    booked = [_span(item) for item in active if item.kind is BusyKind.BOOKED and item.counts_toward_cap]
    outlook = [_span(item) for item in active if item.kind is BusyKind.OUTLOOK]
    elsewhere = [_span(item) for item in active if item.kind is BusyKind.OUTLOOK_ELSEWHERE]
    # Bookings hold more than their meeting time only with buffers, or when they do not count (spills).
    beyond = [_held(item) for item in active if item.kind is BusyKind.BOOKED
              and (item.buffer_before or item.buffer_after or not item.counts_toward_cap)]
    # Each cover adds the next kind in order of precedence, so a kind's share is what its cover
    # adds; a cover that adds nothing is the one before, and measured once.
    covers = [_Cover(booked)]
    covers.append(_Cover(booked + outlook) if outlook else covers[-1])
    covers.append(_Cover(booked + outlook + beyond) if beyond else covers[-1])
    covers.append(_Cover([*zip(covers[-1].starts, covers[-1].ends, strict=True), *elsewhere]) if elsewhere
                  else covers[-1])
    by_weekday: list[list[tuple[time, time]]] = [[] for _ in range(7)]
    for workday in advisor.workdays:
        if workday.is_available:
            by_weekday[workday.day_of_week].append((workday.start, workday.end))
    wall = search.calendar.wall_us
    found: list[DayMinutes] = []
    for item in days:
        hours = by_weekday[item.weekday]
        if item.closed or not hours:
            found.append(NOTHING)
            continue
        spans = [(max(wall(item.day, start), item.opening), min(wall(item.day, end, is_end=True), item.closing))
                 for start, end in hours]
        scheduled = merge(spans) if len(spans) > 1 else [span for span in spans if span[0] < span[1]]
        found.append(_split(scheduled, covers) if scheduled else NOTHING)
    return found


def _split(scheduled: list[tuple[int, int]], covers: list[_Cover]) -> DayMinutes:
    """The scheduled time split by the covers, in order of precedence (plain loops: this runs for
    every advisor and day of a report)."""
    total = 0
    for start, end in scheduled:
        total += end - start
    measured = [0, 0, 0, 0]
    previous, value = None, 0
    for index, cover in enumerate(covers):
        if cover is not previous:
            previous, value = cover, 0
            if cover.starts:
                for start, end in scheduled:
                    value += cover.within(start, end)
        measured[index] = value
    booked, up_to_outlook, held, with_elsewhere = measured
    return DayMinutes(total, booked, up_to_outlook - booked, held - up_to_outlook, total - held,
                      with_elsewhere - held)
