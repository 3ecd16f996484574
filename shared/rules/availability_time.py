"""Organization-local calendar arithmetic for availability, on integer microseconds since the epoch.

Integers keep interval arithmetic exact (a meeting ending at 09:00 does not touch a slot
starting at 09:00) and much faster than datetime comparisons.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.rules.local_days import local_date

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
SECOND_US = 1_000_000
GRID_STEP_US = 30 * 60 * SECOND_US
MIDNIGHT = time(0)


def to_us(moment: datetime) -> int:
    """An aware datetime as microseconds since the Unix epoch."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} must be timezone-aware")
    return (moment - EPOCH) // MICROSECOND


def span_us(span: timedelta) -> int:
    return span // MICROSECOND


def from_us(value: int) -> datetime:
    """Microseconds since the epoch as an aware UTC datetime."""
    return EPOCH + timedelta(microseconds=value)


def _offset_us(moment_us: int, zone: ZoneInfo) -> int:
    return span_us(from_us(moment_us).astimezone(zone).utcoffset())


def _first_with_offset(before_us: int, after_us: int, zone: ZoneInfo) -> int:
    """The instant in (before, after] where the offset at `after` begins (tz transitions fall on whole seconds)."""
    target = _offset_us(after_us, zone)
    low, high = before_us // SECOND_US, -(-after_us // SECOND_US)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset_us(middle * SECOND_US, zone) == target:
            high = middle
        else:
            low = middle
    return max(high * SECOND_US, before_us + 1)


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The first instant at which the wall clock on `day` shows `at` or later.

    An ambiguous time (autumn fall-back) is its earlier instant; a time skipped by spring-forward
    is the moment of the jump, when the clock already shows a later time.
    """
    wall = datetime.combine(day, at, tzinfo=zone)
    earlier = wall.astimezone(UTC)
    if earlier.astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return earlier
    # In a gap, fold=0 uses the offset before the jump (landing after it), fold=1 the one after.
    before = wall.replace(fold=1).astimezone(UTC)
    return from_us(_first_with_offset(to_us(before), to_us(earlier), zone))


def local_end_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Like local_to_utc, but an end time of 00:00 means the midnight that ends `day`."""
    if at == MIDNIGHT:
        return local_to_utc(day + timedelta(days=1), MIDNIGHT, zone)
    return local_to_utc(day, at, zone)


def grid_starts(start_us: int, end_us: int, zone: ZoneInfo) -> list[int]:
    """Instants in [start, end) whose local wall-clock time is exactly hh:00 or hh:30."""
    if start_us >= end_us:
        return []
    offset = _offset_us(start_us, zone)
    last_offset = _offset_us(end_us - 1, zone)
    if offset != last_offset:
        # A DST transition inside: split at it (tz data never has two in one local day).
        switch = _first_with_offset(start_us, end_us - 1, zone)
        return grid_starts(start_us, switch, zone) + grid_starts(switch, end_us, zone)
    first = start_us + (-(start_us + offset)) % GRID_STEP_US
    return list(range(first, end_us, GRID_STEP_US))


@dataclass(frozen=True, slots=True)
class LocalDay:
    """One organization-local calendar day of the search, in epoch microseconds."""

    day: date
    weekday: int
    start_us: int
    end_us: int
    grid: list[int]


class LocalCalendar:
    """Local days of one time zone, with wall-clock-to-UTC conversions cached per query."""

    def __init__(self, zone_name: str) -> None:
        self.zone = ZoneInfo(zone_name)
        self._walls: dict[tuple[date, time, bool], int] = {}

    def wall_us(self, day: date, at: time, is_end: bool = False) -> int:
        key = (day, at, is_end)
        value = self._walls.get(key)
        if value is None:
            convert = local_end_to_utc if is_end else local_to_utc
            value = self._walls[key] = to_us(convert(day, at, self.zone))
        return value

    def local_date(self, moment_us: int) -> date:
        return local_date(from_us(moment_us), self.zone)

    def days(self, start_us: int, end_us: int) -> list[LocalDay]:
        """Every local day that holds part of [start, end)."""
        if start_us >= end_us:
            return []
        day, last = self.local_date(start_us), self.local_date(end_us - 1)
        result = []
        while day <= last:
            begin = self.wall_us(day, MIDNIGHT)
            finish = self.wall_us(day, MIDNIGHT, is_end=True)
            result.append(LocalDay(day, day.weekday(), begin, finish, grid_starts(begin, finish, self.zone)))
            day += timedelta(days=1)
        return result
