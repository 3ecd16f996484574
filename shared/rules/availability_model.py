"""The plain data availability works on (contract section 9), and the rules for resolving it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

from shared.models.common import MeetingType

TYPE_ORDER: tuple[MeetingType, ...] = tuple(sorted(MeetingType, key=lambda kind: kind.value))


@dataclass(frozen=True, slots=True)
class Workday:
    """Working hours on one weekday (0 = Monday), local wall-clock time; an `end` of 00:00 means midnight."""

    day_of_week: int
    start: time
    end: time
    meeting_types: frozenset[MeetingType]
    location: str | None = None
    is_available: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.day_of_week <= 6:
            raise ValueError(f"day_of_week must be 0 (Monday) to 6 (Sunday), not {self.day_of_week}")


class BusyKind(Enum):
    """What holds the time: BookMe's own booking, or an event of the advisor's Outlook calendar
    (contract section 23), which the search and customers respect and the advisor may book over."""

    BOOKED = "booked"  # a meeting or reservation
    OUTLOOK = "outlook"  # an Outlook event that shows the advisor busy, away, tentative or unknown
    OUTLOOK_ELSEWHERE = "outlookElsewhere"  # Outlook's workingElsewhere: the advisor is not at the branch

    @property
    def blocks_every_type(self) -> bool:
        """Working elsewhere keeps Physical meetings out only; every other kind holds every type."""
        return self is not BusyKind.OUTLOOK_ELSEWHERE


@dataclass(frozen=True, slots=True)
class Busy:
    """A meeting, reservation or Outlook event holding an advisor or a room over [start, end), aware datetimes.

    An advisor is also held for the buffers around it (contract section 12); a room is not,
    and buffers never count toward the daily cap. Outlook time has no buffers of its own and
    never counts toward the cap, but a searched meeting's buffers keep clear of it.
    """

    start: datetime
    end: datetime
    counts_toward_cap: bool = True
    expires_at: datetime | None = None  # a reservation stops blocking and counting once now >= expires_at
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    kind: BusyKind = BusyKind.BOOKED

    def holds_at(self, now: datetime) -> bool:
        """A reservation stops holding its time at expiresAt exactly; the rest always hold."""
        return self.expires_at is None or now < self.expires_at


@dataclass(frozen=True, slots=True)
class Advisor:
    """One employee as availability sees it, with the daily cap already resolved."""

    employee_id: str
    workdays: tuple[Workday, ...]
    daily_cap: timedelta
    busy: tuple[Busy, ...] = ()
    can_be_booked: bool = True
    only_explicitly_available: bool = False
    local_only: bool = False  # came in only through the Local pool: days at the customer's location only


@dataclass(frozen=True, slots=True)
class Room:
    """A room at the meeting location; rooms are passed in order of preference."""

    room_id: str
    busy: tuple[Busy, ...] = ()


@dataclass(frozen=True, slots=True)
class Organization:
    """Organization settings availability needs; times and closing days are local to `time_zone` (IANA)."""

    time_zone: str
    opening: time
    closing: time
    closing_days: frozenset[date]
    max_ahead: timedelta
    min_notice: timedelta


@dataclass(frozen=True, slots=True)
class SlotQuery:
    """A search over [start, end); a slot must lie wholly inside it. Empty meeting_types means all."""

    now: datetime
    start: datetime
    end: datetime
    duration: timedelta
    meeting_types: frozenset[MeetingType] = frozenset()
    customer_initiated: bool = False
    require_all: bool = False
    explicit_ids: tuple[str, ...] = ()
    customer_location: str | None = None
    require_room: bool = False
    buffer_before: timedelta = timedelta(0)  # the buffers a meeting in the slot would hold its advisors for
    buffer_after: timedelta = timedelta(0)


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    end: datetime
    meeting_type: MeetingType
    employee_id: str
    room_id: str | None = None
    additional_employees: tuple[str, ...] = ()


def resolve_daily_cap(
    schedule_cap: timedelta | None, service_group_caps: Iterable[timedelta | None], org_cap: timedelta
) -> timedelta:
    """The daily meeting-time cap: the schedule's, else the smallest of the service groups', else the organization's."""
    if schedule_cap is not None:
        return schedule_cap
    group_caps = [cap for cap in service_group_caps if cap is not None]
    return min(group_caps) if group_caps else org_cap
