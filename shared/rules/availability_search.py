"""One search's pass over each advisor (contract sections 9, 12 and 14): local days with their
allowed start range, busy time widened by buffers, and optional notes on what removed time."""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from shared.rules.availability_explain import Exclusion, Notes, Reason
from shared.rules.availability_intervals import BlockedStarts, grid_in, totals_per_day
from shared.rules.availability_model import (
    TYPE_ORDER,
    Advisor,
    Busy,
    BusyKind,
    MeetingType,
    Organization,
    Room,
    SlotQuery,
    Workday,
)
from shared.rules.availability_time import LocalCalendar, LocalDay, span_us, to_us
from shared.rules.locations import same_location

Chunk = tuple[date, Sequence[int], tuple[MeetingType, ...]]


@dataclass(frozen=True, slots=True)
class _WindowDay:
    """One local day of the search: its allowed start range and the named bounds that make it."""

    day: LocalDay
    low: int
    high: int
    closed: bool
    lows: tuple[tuple[Reason, int], ...]  # a start must be at or after each
    highs: tuple[tuple[Reason, int], ...]  # a start must be at or before each


def _grid_count(grid: Sequence[int], low: int, high: int) -> int:
    return bisect_right(grid, high) - bisect_left(grid, low) if low <= high else 0


def _free_count(blocked: BlockedStarts, grid: Sequence[int], low: int, high: int) -> int:
    return sum(len(grid_in(grid, first, last)) for first, last in blocked.free_pieces(low, high))


class _Blocking:
    """One advisor's busy time as blocked slot starts per meeting type: Outlook's workingElsewhere
    holds Physical meetings only (contract section 23); everything else holds every type, so for
    most advisors both are one and the same."""

    __slots__ = ("search", "busy", "physical", "other", "outlook", "_by_kind")

    def __init__(self, search: "Search", busy: Sequence[Busy]) -> None:
        self.search, self.busy = search, busy
        self.physical = BlockedStarts(search.held(busy), search.duration)
        partial = any(not item.kind.blocks_every_type for item in busy)
        self.other = BlockedStarts(search.held(item for item in busy if item.kind.blocks_every_type),
                                   search.duration) if partial else self.physical
        self.outlook = any(item.kind is not BusyKind.BOOKED for item in busy)
        # Without Outlook time, BookMe's own bookings are all the busy time there is.
        self._by_kind: dict[tuple[bool, bool], BlockedStarts] = {} if self.outlook else {(False, False): self.physical}

    def groups(self, types: tuple[MeetingType, ...]) -> list[tuple[tuple[MeetingType, ...], BlockedStarts]]:
        """The searched types split by what blocks them, each group in type order."""
        if self.other is self.physical or MeetingType.PHYSICAL not in types:
            return [(types, self.other)]
        rest = tuple(kind for kind in types if kind is not MeetingType.PHYSICAL)
        return [((MeetingType.PHYSICAL,), self.physical), *([(rest, self.other)] if rest else [])]

    def _of(self, outlook: bool, physical: bool) -> BlockedStarts:
        """BookMe's own bookings alone, or the Outlook time alone (that holds Physical meetings, or the other types)."""
        key = (outlook, physical and outlook)
        found = self._by_kind.get(key)
        if found is None:
            items = (item for item in self.busy if (item.kind is not BusyKind.BOOKED) == outlook
                     and (physical or item.kind.blocks_every_type))
            found = self._by_kind[key] = BlockedStarts(self.search.held(items), self.search.duration)
        return found

    def note(self, grid: Sequence[int], low: int, high: int, types: tuple[MeetingType, ...],
             reasons: set[Reason], free: int) -> None:
        """Name each kind of busy time that, on its own, removes a grid start in [low, high] for some
        searched type; `free`: the starts all busy time together leaves."""
        total = _grid_count(grid, low, high)
        if not self.outlook:
            if free < total:
                reasons.add(Reason.BOOKED)
            return
        if _free_count(self._of(False, False), grid, low, high) < total:
            reasons.add(Reason.BOOKED)
        if _free_count(self._of(True, MeetingType.PHYSICAL in types), grid, low, high) < total:
            reasons.add(Reason.OUTLOOK_BUSY)

    def forbidding(self, start_us: int, types: Iterable[MeetingType]) -> set[Reason]:
        """The kinds of busy time that on their own forbid a slot starting at `start_us` for every one of `types`."""
        reasons = set()
        if self._of(False, False).is_blocked(start_us):
            reasons.add(Reason.BOOKED)
        if all(self._of(True, kind is MeetingType.PHYSICAL).is_blocked(start_us) for kind in types):
            reasons.add(Reason.OUTLOOK_BUSY)
        return reasons


class Search:
    """What one query fixes for every advisor: local days with their allowed start range, types, rooms."""

    def __init__(self, org: Organization, rooms: Sequence[Room], query: SlotQuery) -> None:
        if query.duration <= timedelta(0):
            raise ValueError("the meeting duration must be positive")
        self.org, self.query = org, query
        self.calendar = calendar = LocalCalendar(org.time_zone)
        self.duration = duration = span_us(query.duration)
        self.pad_before, self.pad_after = span_us(query.buffer_before), span_us(query.buffer_after)
        now = to_us(query.now)
        self.types = frozenset(query.meeting_types) or frozenset(MeetingType)
        self.window: list[_WindowDay] = []
        for day in calendar.days(to_us(query.start), to_us(query.end)):
            # In the contract's order of reasons (see _note_bounds).
            lows = [(Reason.IN_THE_PAST, now)]
            highs = []
            if query.customer_initiated:
                closing = calendar.wall_us(day.day, org.closing, is_end=True)
                lows += [(Reason.BEFORE_MINIMUM_NOTICE, now + span_us(org.min_notice)),
                         (Reason.OUTSIDE_OPENING_HOURS, calendar.wall_us(day.day, org.opening))]
                highs += [(Reason.BEYOND_BOOKING_HORIZON, now + span_us(org.max_ahead)),
                          (Reason.OUTSIDE_OPENING_HOURS, closing - duration)]
            lows.append((Reason.OUTSIDE_SEARCH_WINDOW, to_us(query.start)))
            highs.append((Reason.OUTSIDE_SEARCH_WINDOW, to_us(query.end) - duration))
            low = max(day.start_us, *(bound for _, bound in lows))
            high = min(day.end_us - 1, *(bound for _, bound in highs))
            self.window.append(_WindowDay(day, low, high, day.day in org.closing_days, tuple(lows), tuple(highs)))
        self.days = [item for item in self.window if not item.closed and item.low <= item.high]
        self.bounds = {id(days): ([item.day.start_us for item in days], [item.day.end_us for item in days])
                       for days in (self.window, self.days)}
        self.rooms = [(room.room_id, BlockedStarts(self.active(room.busy), duration)) for room in rooms]
        self._room_at: dict[int, str | None] = {}

    def active(self, busy: Iterable[Busy], counting_only: bool = False) -> list[tuple[int, int]]:
        """The meeting time of the busy items that still hold: what rooms and the daily cap see."""
        now = self.query.now
        return [
            (to_us(item.start), to_us(item.end))
            for item in busy
            if item.holds_at(now) and (item.counts_toward_cap or not counting_only)
        ]

    def held(self, busy: Iterable[Busy]) -> list[tuple[int, int]]:
        """An advisor's busy time widened so that a slot of plain length overlaps it exactly when the
        buffered spans of the two overlap: by the item's own buffers and the searched meeting's."""
        now = self.query.now
        spans = []
        for item in busy:
            if not item.holds_at(now):
                continue
            start, end = to_us(item.start), to_us(item.end)
            if end <= start:
                continue
            if item.buffer_before:
                start -= span_us(item.buffer_before)
            if item.buffer_after:
                end += span_us(item.buffer_after)
            spans.append((start - self.pad_after, end + self.pad_before))
        return spans

    def room_at(self, start_us: int) -> str | None:
        """The first room, in preference order, free for the whole slot starting here."""
        if start_us in self._room_at:
            return self._room_at[start_us]
        found = next((room_id for room_id, blocked in self.rooms if not blocked.is_blocked(start_us)), None)
        self._room_at[start_us] = found
        return found

    def exclusion(self, advisor: Advisor, explicit: set[str] | None = None) -> Exclusion | None:
        """Why the advisor takes no part at all (`explicit` None: listed by name, as in joint searches)."""
        if not advisor.can_be_booked:
            return Exclusion.NOT_BOOKABLE
        if explicit is not None and advisor.only_explicitly_available and advisor.employee_id not in explicit:
            return Exclusion.ONLY_EXPLICITLY_AVAILABLE
        if self.duration > span_us(advisor.daily_cap):
            return Exclusion.MEETING_LONGER_THAN_DAILY_CAP
        return None

    def offers(self, advisor: Advisor, notes: Notes | None = None) -> list[Chunk]:
        """The bookable starts of an advisor that `exclusion` let in, as (date, starts, types) chunks in time order."""
        days = self.days if notes is None else self.window
        if not days:
            return []
        options, dropped = self._workday_options(advisor, notes is not None)
        if notes is None and not any(options):
            return []
        blocking = _Blocking(self, advisor.busy)
        booked = totals_per_day(self.active(advisor.busy, counting_only=True), *self.bounds[id(days)])
        allowed = span_us(advisor.daily_cap) - self.duration
        wall = self.calendar.wall_us
        chunks: list[Chunk] = []
        for index, item in enumerate(days):
            day = item.day
            choices = options[day.weekday]
            reasons = None
            if notes is not None:
                reasons = notes.day(advisor.employee_id, day.day)
                if item.closed:
                    reasons.add(Reason.CLOSING_DAY)
                    continue
                reasons.update(dropped[day.weekday])
            capped = booked[index] > allowed
            if not choices or (capped and reasons is None):
                continue
            merged: dict[int, set[MeetingType]] = {}
            for begin, finish, types in choices:
                first, last = wall(day.day, begin), wall(day.day, finish, is_end=True) - self.duration
                if reasons is not None:
                    _note_bounds(item, first, last, reasons)
                start_low, start_high = max(item.low, first), min(item.high, last)
                if start_low > start_high:
                    continue
                groups = blocking.groups(types)
                free = 0
                for kinds, blocked in groups:
                    pieces = [grid_in(day.grid, low, high) for low, high in blocked.free_pieces(start_low, start_high)]
                    if reasons is not None:
                        free += sum(len(starts) for starts in pieces)
                        if capped:
                            continue
                    for starts in pieces:
                        if not starts:
                            continue
                        if len(choices) == 1 and len(groups) == 1:
                            chunks.append((day.day, starts, kinds))
                        else:
                            for start in starts:
                                merged.setdefault(start, set()).update(kinds)
                if reasons is not None:
                    blocking.note(day.grid, start_low, start_high, types, reasons, free)
                    if capped and free:
                        reasons.add(Reason.DAILY_CAP_REACHED)
            for start in sorted(merged):
                chunks.append((day.day, (start,), tuple(kind for kind in TYPE_ORDER if kind in merged[start])))
        return chunks

    def busy_forbidding(self, advisor: Advisor, start_us: int, types: Iterable[MeetingType]) -> set[Reason]:
        """`Booked` and `OutlookBusy`: each kind of the advisor's busy time that on its own forbids
        a slot starting at `start_us` for every one of `types`."""
        return _Blocking(self, advisor.busy).forbidding(start_us, types)

    def dropped_for(self, advisor: Advisor, workday: Workday) -> Reason | None:
        """Why an available workday offers nothing to this search, if it does not."""
        if not self.types & workday.meeting_types:
            return Reason.MEETING_TYPE_NOT_OFFERED
        if advisor.local_only and not same_location(workday.location, self.query.customer_location):
            return Reason.NOT_LOCAL
        return None

    def _workday_options(
        self, advisor: Advisor, noting: bool
    ) -> tuple[list[list[tuple[time, time, tuple[MeetingType, ...]]]], list[set[Reason]]]:
        """Per weekday, the workdays that can offer the searched types; when noting, why others were dropped."""
        by_weekday: list[list[tuple[time, time, tuple[MeetingType, ...]]]] = [[] for _ in range(7)]
        dropped: list[set[Reason]] = [set() for _ in range(7)] if noting else []
        worked = [False] * 7
        for workday in advisor.workdays:
            if not workday.is_available:
                continue
            worked[workday.day_of_week] = True
            reason = self.dropped_for(advisor, workday)
            if reason is not None:
                if noting:
                    dropped[workday.day_of_week].add(reason)
                continue
            types = tuple(kind for kind in TYPE_ORDER if kind in workday.meeting_types and kind in self.types)
            by_weekday[workday.day_of_week].append((workday.start, workday.end, types))
        if noting:
            for weekday in range(7):
                if not worked[weekday]:
                    dropped[weekday].add(Reason.NOT_A_WORKDAY)
        return by_weekday, dropped


def _note_bounds(item: _WindowDay, first: int, last: int, reasons: set[Reason]) -> None:
    """Name the time bounds that remove grid starts of the workday range [first, last]. Bounds on one
    side are taken in the contract's order, each named only where it cuts deeper than those before
    it: a search from now names the past, not the window that starts at the same instant."""
    first, last = max(first, item.day.start_us), min(last, item.day.end_us - 1)
    if (first >= item.low and last <= item.high) or not _grid_count(item.day.grid, first, last):
        return
    grid = item.day.grid
    cut = first
    for reason, bound in item.lows:
        if bound > cut and _grid_count(grid, cut, min(last, bound - 1)):
            reasons.add(reason)
        cut = max(cut, bound)
    cut = last
    for reason, bound in item.highs:
        if bound < cut and _grid_count(grid, max(first, bound + 1), cut):
            reasons.add(reason)
        cut = min(cut, bound)
