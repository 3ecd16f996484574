"""The obvious availability algorithm, kept as the reference the engine must agree with.

For each advisor, each :00/:30 local start in the window and each meeting type, check every rule
directly, scanning every busy interval every time. Slow on purpose; only the wall-clock-to-UTC
conversion (with its DST conventions) is shared with the engine.
"""

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from shared.rules.availability import (
    Advisor,
    Busy,
    BusyKind,
    MeetingType,
    Organization,
    Room,
    Slot,
    SlotQuery,
)
from shared.rules.availability_time import local_end_to_utc, local_to_utc


def naive_find_slots(org: Organization, advisors: list[Advisor], rooms: list[Room], query: SlotQuery) -> list[Slot]:
    zone = ZoneInfo(org.time_zone)
    to_utc = lru_cache(maxsize=None)(lambda day, at: local_to_utc(day, at, zone))
    end_to_utc = lru_cache(maxsize=None)(lambda day, at: local_end_to_utc(day, at, zone))
    starts = [(start, start.astimezone(zone).date()) for start in _local_grid(zone, query)]
    slots: list[Slot] = []
    if query.require_all:
        ids = list(dict.fromkeys(query.explicit_ids))
        by_id = {advisor.employee_id: advisor for advisor in advisors}
        if not ids or any(employee_id not in by_id for employee_id in ids):
            return []
        for start, day in starts:
            for kind in MeetingType:
                if all(_bookable(org, by_id[i], query, start, day, kind, to_utc, end_to_utc) for i in ids):
                    room_id = _first_free_room(rooms, query, start)
                    if room_id is not None or not query.require_room:
                        slots.append(Slot(start, start + query.duration, kind, ids[0], room_id, tuple(ids[1:])))
    else:
        for advisor in advisors:
            for start, day in starts:
                for kind in MeetingType:
                    if _bookable(org, advisor, query, start, day, kind, to_utc, end_to_utc):
                        room_id = _first_free_room(rooms, query, start)
                        if room_id is not None or not query.require_room:
                            slots.append(Slot(start, start + query.duration, kind, advisor.employee_id, room_id))
    return sorted(slots, key=lambda slot: (slot.start, slot.employee_id, slot.meeting_type.value))


def _local_grid(zone: ZoneInfo, query: SlotQuery) -> list[datetime]:
    """Every instant whose local wall clock reads hh:00 or hh:30, found by trying every such wall time."""
    found = set()
    day = query.start.astimezone(zone).date() - timedelta(days=1)
    while day <= query.end.astimezone(zone).date() + timedelta(days=1):
        for hour in range(24):
            for minute in (0, 30):
                for fold in (0, 1):
                    wall = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone, fold=fold)
                    instant = wall.astimezone(UTC)
                    if instant.astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
                        found.add(instant)
        day += timedelta(days=1)
    return sorted(instant for instant in found if query.start <= instant < query.end)


def _active(item: Busy, query: SlotQuery) -> bool:
    return (item.expires_at is None or query.now < item.expires_at) and item.end > item.start


def _bookable(org, advisor, query, start, day, kind, to_utc, end_to_utc) -> bool:
    end = start + query.duration
    if not (query.start <= start and end <= query.end and start >= query.now):
        return False
    if not advisor.can_be_booked:
        return False
    if advisor.only_explicitly_available and advisor.employee_id not in query.explicit_ids:
        return False
    if query.meeting_types and kind not in query.meeting_types:
        return False
    if day in org.closing_days:
        return False
    if not any(
        workday.day_of_week == day.weekday()
        and workday.is_available
        and kind in workday.meeting_types
        and to_utc(day, workday.start) <= start
        and end <= end_to_utc(day, workday.end)
        and (not advisor.local_only or _same_place(workday.location, query.customer_location))
        for workday in advisor.workdays
    ):
        return False
    if query.customer_initiated:
        if not (to_utc(day, org.opening) <= start and end <= end_to_utc(day, org.closing)):
            return False
        if start < query.now + org.min_notice or start > query.now + org.max_ahead:
            return False
    # Buffers (section 12): the slot's buffered span must not overlap any busy item's buffered span.
    own_start, own_end = start - query.buffer_before, end + query.buffer_after
    for item in advisor.busy:
        held_from, held_until = item.start - item.buffer_before, item.end + item.buffer_after
        if _active(item, query) and held_from < own_end and own_start < held_until:
            return False
    day_start, day_end = to_utc(day, datetime.min.time()), end_to_utc(day, datetime.min.time())
    booked = timedelta(0)
    for item in advisor.busy:
        if _active(item, query) and item.counts_toward_cap:
            booked += max(timedelta(0), min(item.end, day_end) - max(item.start, day_start))
    return booked + query.duration <= advisor.daily_cap


def _same_place(first: str | None, second: str | None) -> bool:
    return first is not None and second is not None and first.strip().casefold() == second.strip().casefold()


def _first_free_room(rooms: list[Room], query: SlotQuery, start: datetime) -> str | None:
    if not query.require_room:
        return None
    end = start + query.duration
    for room in rooms:
        if not any(_active(item, query) and item.start < end and start < item.end for item in room.busy):
            return room.room_id
    return None


def naive_minutes(org: Organization, advisor: Advisor, query: SlotQuery) -> dict:
    """Each local day's time of the advisor in microseconds, by brute force: every piece between
    two neighbouring boundaries of the day's scheduled time is classified by looking at every busy
    item, in the order of precedence of shared/rules/availability_minutes.py."""
    zone = ZoneInfo(org.time_zone)
    found = {}
    day, last = query.start.astimezone(zone).date(), (query.end - timedelta(microseconds=1)).astimezone(zone).date()
    while query.start < query.end and day <= last:
        totals = dict.fromkeys(("scheduled", "booked", "outlook_busy", "buffer", "free", "elsewhere"), 0)
        if day not in org.closing_days:
            opening, closing = local_to_utc(day, org.opening, zone), local_end_to_utc(day, org.closing, zone)
            spans = [(max(local_to_utc(day, w.start, zone), opening), min(local_end_to_utc(day, w.end, zone), closing))
                     for w in advisor.workdays if w.is_available and w.day_of_week == day.weekday()]
            spans = [(start, end) for start, end in spans if start < end]
            active = [b for b in advisor.busy if b.expires_at is None or query.now < b.expires_at]
            cuts = sorted({moment for span in spans for moment in span}
                          | {m for b in active for m in (b.start, b.end, b.start - b.buffer_before,
                                                         b.end + b.buffer_after)})
            for low, high in zip(cuts, cuts[1:], strict=False):
                middle = low + (high - low) / 2
                if not any(start <= middle < end for start, end in spans):
                    continue
                length = (high - low) // timedelta(microseconds=1)
                totals["scheduled"] += length
                totals[_holder(active, middle)] += length
                if _holder(active, middle) == "free" and any(
                        b.kind is BusyKind.OUTLOOK_ELSEWHERE and b.start <= middle < b.end for b in active):
                    totals["elsewhere"] += length
        found[day] = totals
        day += timedelta(days=1)
    return found


def _holder(active: list[Busy], moment: datetime) -> str:
    def holds(busy: Busy, buffered: bool = False) -> bool:
        before, after = (busy.buffer_before, busy.buffer_after) if buffered else (timedelta(0), timedelta(0))
        return busy.start - before <= moment < busy.end + after

    if any(b.kind is BusyKind.BOOKED and b.counts_toward_cap and holds(b) for b in active):
        return "booked"
    if any(b.kind is BusyKind.OUTLOOK and holds(b) for b in active):
        return "outlook_busy"
    if any(b.kind is BusyKind.BOOKED and holds(b, buffered=True) for b in active):
        return "buffer"
    return "free"
