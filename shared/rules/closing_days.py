"""Closing days: calendar dates kept as midnight UTC, de-duplicated and sorted."""

from collections.abc import Iterable
from datetime import UTC, date, datetime, time

from shared.models.common import parse_iso


def calendar_day(value: str | date | datetime) -> datetime:
    """The calendar date as written, at midnight UTC: `2025-12-26T00:00:00+01:00` is 26 December.

    A closing day is a date, not an instant, so the offset of the input does not move it."""
    if isinstance(value, str):
        value = parse_iso(value, "ISO 8601 date or date-time")
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        raise ValueError("a closing day must be an ISO 8601 date or date-time")
    return datetime.combine(value, time(0), tzinfo=UTC)


def normalise(days: Iterable[str | date | datetime]) -> list[datetime]:
    """Midnight UTC of each date, each once, in order."""
    return sorted({calendar_day(day) for day in days})


def with_days(current: Iterable[datetime], added: Iterable[str | date | datetime]) -> list[datetime]:
    return normalise([*current, *added])


def without_days(current: Iterable[datetime], removed: Iterable[str | date | datetime]) -> list[datetime]:
    gone = set(normalise(removed))
    return [day for day in normalise(current) if day not in gone]
