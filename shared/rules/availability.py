"""Available time slots (contract section 9): pure functions over plain frozen dataclasses.

Per advisor and organization-local day, the allowed slot starts are one interval (workday,
opening hours, search window, notice and horizon intersected) minus the advisor's merged busy
time; the :00/:30 grid starts inside what is left are the slots. Busy time is merged once per
advisor and walked with bisect, and the daily totals are summed once per advisor.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta

from shared.rules.availability_intervals import BlockedStarts, grid_in, totals_per_day
from shared.rules.availability_model import (
    TYPE_ORDER,
    Advisor,
    Busy,
    MeetingType,
    Organization,
    Room,
    Slot,
    SlotQuery,
    Workday,
    resolve_daily_cap,
    same_location,
)
from shared.rules.availability_time import LocalCalendar, LocalDay, from_us, span_us, to_us

__all__ = [
    "Advisor",
    "Busy",
    "MeetingType",
    "Organization",
    "Room",
    "Slot",
    "SlotQuery",
    "Workday",
    "find_slots",
    "resolve_daily_cap",
]


class _Search:
    """What one query fixes for every advisor: local days with their allowed start range, types, rooms."""

    def __init__(self, org: Organization, rooms: Sequence[Room], query: SlotQuery) -> None:
        if query.duration <= timedelta(0):
            raise ValueError("the meeting duration must be positive")
        self.query = query
        self.calendar = calendar = LocalCalendar(org.time_zone)
        self.duration = duration = span_us(query.duration)
        now = to_us(query.now)
        self.types = frozenset(query.meeting_types) or frozenset(MeetingType)
        self.days: list[tuple[LocalDay, int, int]] = []  # (day, lowest start, highest start)
        earliest = max(to_us(query.start), now)
        latest = to_us(query.end) - duration
        if query.customer_initiated:
            earliest = max(earliest, now + span_us(org.min_notice))
            latest = min(latest, now + span_us(org.max_ahead))
        for day in calendar.days(to_us(query.start), to_us(query.end)):
            if day.day in org.closing_days:
                continue
            low, high = max(earliest, day.start_us), min(latest, day.end_us - 1)
            if query.customer_initiated:
                low = max(low, calendar.wall_us(day.day, org.opening))
                high = min(high, calendar.wall_us(day.day, org.closing, is_end=True) - duration)
            if low <= high:
                self.days.append((day, low, high))
        self.day_starts = [day.start_us for day, _, _ in self.days]
        self.day_ends = [day.end_us for day, _, _ in self.days]
        self.rooms = [(room.room_id, BlockedStarts(self.active(room.busy), duration)) for room in rooms]
        self._room_at: dict[int, str | None] = {}

    def active(self, busy: Iterable[Busy], counting_only: bool = False) -> list[tuple[int, int]]:
        now = self.query.now
        return [
            (to_us(item.start), to_us(item.end))
            for item in busy
            if (item.expires_at is None or now < item.expires_at) and (item.counts_toward_cap or not counting_only)
        ]

    def room_at(self, start_us: int) -> str | None:
        """The first room, in preference order, free for the whole slot starting here."""
        if start_us in self._room_at:
            return self._room_at[start_us]
        found = next((room_id for room_id, blocked in self.rooms if not blocked.is_blocked(start_us)), None)
        self._room_at[start_us] = found
        return found

    def offers(self, advisor: Advisor) -> list[tuple[Sequence[int], tuple[MeetingType, ...]]]:
        """The advisor's bookable starts as (starts, meeting types) chunks in time order."""
        cap = span_us(advisor.daily_cap)
        if not advisor.can_be_booked or self.duration > cap or not self.days:
            return []
        options = self._workday_options(advisor)
        if not any(options):
            return []
        blocked = BlockedStarts(self.active(advisor.busy), self.duration)
        booked = totals_per_day(self.active(advisor.busy, counting_only=True), self.day_starts, self.day_ends)
        allowed = cap - self.duration
        wall = self.calendar.wall_us
        chunks: list[tuple[Sequence[int], tuple[MeetingType, ...]]] = []
        for index, (day, low, high) in enumerate(self.days):
            choices = options[day.weekday]
            if not choices or booked[index] > allowed:
                continue
            merged: dict[int, set[MeetingType]] = {}
            for begin, finish, types in choices:
                start_low = max(low, wall(day.day, begin))
                start_high = min(high, wall(day.day, finish, is_end=True) - self.duration)
                if start_low > start_high:
                    continue
                for piece_low, piece_high in blocked.free_pieces(start_low, start_high):
                    starts = grid_in(day.grid, piece_low, piece_high)
                    if not starts:
                        continue
                    if len(choices) == 1:
                        chunks.append((starts, types))
                    else:
                        for start in starts:
                            merged.setdefault(start, set()).update(types)
            for start in sorted(merged):
                chunks.append(((start,), tuple(kind for kind in TYPE_ORDER if kind in merged[start])))
        return chunks

    def _workday_options(self, advisor: Advisor) -> list[list[tuple[time, time, tuple[MeetingType, ...]]]]:
        by_weekday: list[list[tuple[time, time, tuple[MeetingType, ...]]]] = [[] for _ in range(7)]
        for workday in advisor.workdays:
            if not workday.is_available:
                continue
            if advisor.local_only and not same_location(workday.location, self.query.customer_location):
                continue
            types = tuple(kind for kind in TYPE_ORDER if kind in workday.meeting_types and kind in self.types)
            if types:
                by_weekday[workday.day_of_week].append((workday.start, workday.end, types))
        return by_weekday


def find_slots(org: Organization, advisors: Sequence[Advisor], rooms: Sequence[Room], query: SlotQuery) -> list[Slot]:
    """Every bookable slot for the query, sorted by (start, employee_id, meeting type)."""
    ids = [advisor.employee_id for advisor in advisors]
    if len(set(ids)) != len(ids):
        raise ValueError("advisor employee ids must be unique")
    search = _Search(org, rooms, query)
    if query.require_all:
        return _joint_slots(search, advisors, query)
    explicit = set(query.explicit_ids)
    duration = search.duration
    # Slots are filed per start as they are made: advisors go in by id and types in value order,
    # so each start's list is already sorted and the result needs no sort of its own.
    buckets: dict[int, tuple[datetime, datetime, list[Slot]]] = {}
    for advisor in sorted(advisors, key=lambda each: each.employee_id):
        if advisor.only_explicitly_available and advisor.employee_id not in explicit:
            continue
        employee_id = advisor.employee_id
        for starts, types in search.offers(advisor):
            for start in starts:
                room_id = None
                if query.require_room:
                    room_id = search.room_at(start)
                    if room_id is None:
                        continue
                bucket = buckets.get(start)
                if bucket is None:
                    bucket = buckets[start] = (from_us(start), from_us(start + duration), [])
                start_at, end_at, found = bucket
                for kind in types:
                    found.append(Slot(start_at, end_at, kind, employee_id, room_id))
    return [slot for start in sorted(buckets) for slot in buckets[start][2]]


def _joint_slots(search: _Search, advisors: Sequence[Advisor], query: SlotQuery) -> list[Slot]:
    """requireEmployeeParticipation: every explicit advisor free and offering the type at once."""
    ids = list(dict.fromkeys(query.explicit_ids))
    by_id = {advisor.employee_id: advisor for advisor in advisors}
    if not ids or any(employee_id not in by_id for employee_id in ids):
        return []
    common: dict[int, set[MeetingType]] | None = None
    for employee_id in ids:
        offered: dict[int, set[MeetingType]] = {}
        for starts, types in search.offers(by_id[employee_id]):
            for start in starts:
                if common is None or start in common:
                    offered.setdefault(start, set()).update(types)
        if common is not None:
            offered = {start: types & common[start] for start, types in offered.items() if types & common[start]}
        common = offered
        if not common:
            return []
    slots = []
    others = tuple(ids[1:])
    for start in sorted(common):
        room_id = search.room_at(start) if query.require_room else None
        if query.require_room and room_id is None:
            continue
        start_at, end_at = from_us(start), from_us(start + search.duration)
        for kind in TYPE_ORDER:
            if kind in common[start]:
                slots.append(Slot(start_at, end_at, kind, ids[0], room_id, others))
    return slots
