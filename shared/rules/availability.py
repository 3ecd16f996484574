"""Available time slots (contract section 9): pure functions over plain frozen dataclasses.

Per advisor and organization-local day, the allowed slot starts are one interval (workday,
opening hours, search window, notice and horizon intersected) minus the advisor's merged busy
time; the :00/:30 grid starts inside what is left are the slots. Busy time is merged once per
advisor and walked with bisect, and the daily totals are summed once per advisor.

Buffers (section 12): each busy interval is widened by its own buffers and by the buffers the
searched meeting would hold, so the slot's buffered span never overlaps another's. Given
`Notes`, the same pass also records why time was removed (section 14, see availability_explain);
given `Minutes`, each advisor's scheduled, booked, Outlook, buffer and free time per local day
(section 25, see availability_minutes).
"""

from collections.abc import Sequence
from datetime import date, datetime

from shared.rules.availability_explain import Notes, Reason
from shared.rules.availability_minutes import DayMinutes, Minutes, tally, window_days
from shared.rules.availability_model import (
    TYPE_ORDER,
    Advisor,
    Busy,
    BusyKind,
    MeetingType,
    Organization,
    Room,
    Slot,
    SlotQuery,
    Workday,
    resolve_daily_cap,
)
from shared.rules.availability_search import Search
from shared.rules.availability_time import from_us

__all__ = [
    "Advisor",
    "Busy",
    "BusyKind",
    "DayMinutes",
    "MeetingType",
    "Minutes",
    "Notes",
    "Organization",
    "Room",
    "Slot",
    "SlotQuery",
    "Workday",
    "count_minutes",
    "find_slots",
    "resolve_daily_cap",
]

def find_slots(org: Organization, advisors: Sequence[Advisor], rooms: Sequence[Room], query: SlotQuery,
               notes: Notes | None = None, minutes: Minutes | None = None) -> list[Slot]:
    """Every bookable slot for the query, sorted by (start, employee_id, meeting type); `notes`, when
    given, receives why each advisor has the slots it has, and `minutes` each advisor's time per day."""
    ids = [advisor.employee_id for advisor in advisors]
    if len(set(ids)) != len(ids):
        raise ValueError("advisor employee ids must be unique")
    search = Search(org, rooms, query)
    if notes is not None:
        notes.dates = [item.day.day for item in search.window]
    if minutes is not None:
        _tally(search, advisors, minutes)
    if query.require_all:
        return _joint_slots(search, advisors, query, notes)
    explicit = set(query.explicit_ids)
    duration = search.duration
    # Slots are filed per start as they are made: advisors go in by id and types in value order,
    # so each start's list is already sorted and the result needs no sort of its own.
    buckets: dict[int, tuple[datetime, datetime, list[Slot]]] = {}
    for advisor in sorted(advisors, key=lambda each: each.employee_id):
        employee_id = advisor.employee_id
        excluded = search.exclusion(advisor, explicit)
        if excluded is not None:
            if notes is not None:
                notes.exclude(employee_id, excluded)
            if minutes is not None:
                minutes.excluded[employee_id] = excluded
            continue
        for day, starts, types in search.offers(advisor, notes):
            offered = 0
            for start in starts:
                room_id = None
                if query.require_room:
                    room_id = search.room_at(start)
                    if room_id is None:
                        if notes is not None:
                            notes.day(employee_id, day).add(Reason.NO_ROOM_AVAILABLE)
                        continue
                bucket = buckets.get(start)
                if bucket is None:
                    bucket = buckets[start] = (from_us(start), from_us(start + duration), [])
                start_at, end_at, found = bucket
                for kind in types:
                    found.append(Slot(start_at, end_at, kind, employee_id, room_id))
                offered += len(types)
            if notes is not None and offered:
                notes.count(employee_id, day, offered)
    return [slot for start in sorted(buckets) for slot in buckets[start][2]]


def count_minutes(org: Organization, advisors: Sequence[Advisor], query: SlotQuery, minutes: Minutes) -> None:
    """Each advisor's time per local day of the query's window, for advisors the search itself
    leaves out (a report still counts the hours of a group member the topic does not qualify)."""
    _tally(Search(org, (), query), advisors, minutes)


def _tally(search: Search, advisors: Sequence[Advisor], minutes: Minutes) -> None:
    minutes.dates = [item.day.day for item in search.window]
    days = window_days(search)
    for advisor in advisors:
        minutes.days[advisor.employee_id] = tally(search, advisor, days)


def _joint_slots(search: Search, advisors: Sequence[Advisor], query: SlotQuery, notes: Notes | None) -> list[Slot]:
    """requireEmployeeParticipation: every explicit advisor free and offering the type at once.
    With notes, each listed advisor's own reasons are noted and every joint slot counts for each of them."""
    ids = list(dict.fromkeys(query.explicit_ids))
    by_id = {advisor.employee_id: advisor for advisor in advisors}
    if not ids or any(employee_id not in by_id for employee_id in ids):
        for advisor in (by_id[i] for i in ids if i in by_id) if notes is not None else ():
            excluded = search.exclusion(advisor)
            if excluded is not None:
                notes.exclude(advisor.employee_id, excluded)
            else:
                search.offers(advisor, notes)  # their own reasons, though no joint slot can exist
        return []
    common: dict[int, set[MeetingType]] | None = None
    day_of: dict[int, date] = {}
    for employee_id in ids:
        excluded = search.exclusion(by_id[employee_id])
        offered: dict[int, set[MeetingType]] = {}
        if excluded is not None and notes is not None:
            notes.exclude(employee_id, excluded)
        for day, starts, types in search.offers(by_id[employee_id], notes) if excluded is None else ():
            for start in starts:
                if common is None or start in common:
                    offered.setdefault(start, set()).update(types)
                    day_of[start] = day
        if common is not None:
            offered = {start: types & common[start] for start, types in offered.items() if types & common[start]}
        common = offered
        if not common and notes is None:
            return []
    slots = []
    others = tuple(ids[1:])
    for start in sorted(common or {}):
        room_id = search.room_at(start) if query.require_room else None
        if query.require_room and room_id is None:
            for employee_id in ids if notes is not None else ():
                notes.day(employee_id, day_of[start]).add(Reason.NO_ROOM_AVAILABLE)
            continue
        start_at, end_at = from_us(start), from_us(start + search.duration)
        kinds = [kind for kind in TYPE_ORDER if kind in common[start]]
        for kind in kinds:
            slots.append(Slot(start_at, end_at, kind, ids[0], room_id, others))
        for employee_id in ids if notes is not None else ():
            notes.count(employee_id, day_of[start], len(kinds))
    return slots
