"""The organization-local day: which day a moment falls on, the partition key of a booking's day,
the UTC bounds of a day, and the days a search reads. Every local-day computation of BookMe goes
through here (bookings are kept per local day of the organization's time zone). Pure."""

from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from shared.errors import InvalidRequest


def _zone(zone: str | tzinfo) -> tzinfo:
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def local_date(moment: datetime, zone: str | tzinfo) -> date:
    """The local date of an aware moment."""
    return moment.astimezone(_zone(zone)).date()


def day_key(day: date) -> str:
    """The partition key of an organization-local day: YYYY-MM-DD."""
    return day.isoformat()


def day_bounds(day: date, zone: str | tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants of the day's local midnight and the next one (23 or 25 hours apart on the
    days clocks change)."""
    tz = _zone(zone)
    start = datetime.combine(day, datetime.min.time(), tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def booking_day(start: datetime, end: datetime, zone: str, prefix: str = "") -> date:
    """The organization-local day of a booking; 400 when it is empty or crosses local midnight.
    `prefix` places the error fields (`timeSlot.` for a reservation body)."""
    if end <= start:
        raise InvalidRequest("endDate must be after startDate.", {f"{prefix}endDate": ["Must be after startDate."]})
    first = local_date(start, zone)
    if first != local_date(end - timedelta(microseconds=1), zone):
        raise InvalidRequest(f"A booking must start and end on the same day in {zone}.",
                             {f"{prefix}endDate": [f"Must be on the same day as startDate in {zone}."]})
    return first


def search_days(start: datetime, end: datetime, zone: str) -> tuple[str, str]:
    """The first and last day keys a search over [start, end] reads: one day of margin each side,
    for buffers that reach across local midnight."""
    return (day_key(local_date(start, zone) - timedelta(days=1)),
            day_key(local_date(end, zone) + timedelta(days=1)))
