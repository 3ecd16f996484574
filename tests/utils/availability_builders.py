"""Builders for availability tests: readable defaults, override what the test is about."""

from datetime import UTC, date, datetime, time, timedelta

from shared.rules.availability import (
    Advisor,
    Busy,
    BusyKind,
    MeetingType,
    Organization,
    Room,
    SlotQuery,
    Workday,
)

PHYSICAL, ONLINE, TELEPHONE, OFFSITE = (
    MeetingType.PHYSICAL,
    MeetingType.ONLINE,
    MeetingType.TELEPHONE,
    MeetingType.OFFSITE,
)
MONDAY = date(2025, 10, 6)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


def utc(text: str) -> datetime:
    """'2025-10-06 08:30' as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def clock(text: str) -> time:
    return time.fromisoformat(text)


def workday(
    day_of_week: int,
    start: str = "08:00",
    end: str = "17:00",
    types: tuple[MeetingType, ...] = (PHYSICAL, ONLINE),
    location: str | None = None,
    is_available: bool = True,
) -> Workday:
    return Workday(day_of_week, clock(start), clock(end), frozenset(types), location, is_available)


def weekdays(start: str = "08:00", end: str = "17:00", **kwargs) -> tuple[Workday, ...]:
    """The same hours Monday to Friday."""
    return tuple(workday(day, start, end, **kwargs) for day in range(5))


def busy(start: str, end: str, counts_toward_cap: bool = True, expires_at: str | None = None) -> Busy:
    return Busy(utc(start), utc(end), counts_toward_cap, utc(expires_at) if expires_at else None)


def outlook(start: str, end: str, elsewhere: bool = False) -> Busy:
    """Outlook time as the inputs make it: no buffers, not counted toward the daily cap."""
    return Busy(utc(start), utc(end), False, kind=BusyKind.OUTLOOK_ELSEWHERE if elsewhere else BusyKind.OUTLOOK)


def advisor(
    employee_id: str = "alice",
    workdays: tuple[Workday, ...] | None = None,
    daily_cap: timedelta = timedelta(hours=8),
    busy: tuple[Busy, ...] = (),
    **kwargs,
) -> Advisor:
    return Advisor(employee_id, weekdays() if workdays is None else workdays, daily_cap, busy, **kwargs)


def room(room_id: str, *busy: Busy) -> Room:
    return Room(room_id, tuple(busy))


def organization(
    time_zone: str = "UTC",
    opening: str = "08:00",
    closing: str = "17:00",
    closing_days: tuple[date, ...] = (),
    max_ahead: timedelta = timedelta(days=30),
    min_notice: timedelta = timedelta(0),
) -> Organization:
    return Organization(time_zone, clock(opening), clock(closing), frozenset(closing_days), max_ahead, min_notice)


def query(
    start: str = "2025-10-06 00:00",
    end: str = "2025-10-07 00:00",
    now: str = "2025-10-01 00:00",
    duration: timedelta = timedelta(hours=1),
    types: tuple[MeetingType, ...] = (),
    **kwargs,
) -> SlotQuery:
    return SlotQuery(utc(now), utc(start), utc(end), duration, frozenset(types), **kwargs)
