"""Why an employee has the slots it has (contract section 14): the codes, and the notes the
engine takes while it finds the slots (pass `Notes()` to `find_slots`; None costs nothing).

A day's reasons name every rule that removed some :00/:30 start inside one of the employee's
workdays that day: the day-level rules (closing day, no workday, workday dropped for its
meeting types or location), each time bound on its own (search window, now, notice, horizon,
opening hours), then, within what the bounds leave, busy time with its buffers (BookMe's own
bookings and the advisor's Outlook time named apart), the daily cap and missing rooms. Time
outside the workdays is not "removed": it was never offered.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Reason(StrEnum):
    """A rule that removed time on one day; declared in the contract's order, which is the output order."""

    CLOSING_DAY = "ClosingDay"
    NOT_A_WORKDAY = "NotAWorkday"
    MEETING_TYPE_NOT_OFFERED = "MeetingTypeNotOffered"
    NOT_LOCAL = "NotLocal"
    IN_THE_PAST = "InThePast"
    BEFORE_MINIMUM_NOTICE = "BeforeMinimumNotice"
    BEYOND_BOOKING_HORIZON = "BeyondBookingHorizon"
    OUTSIDE_OPENING_HOURS = "OutsideOpeningHours"
    BOOKED = "Booked"
    OUTLOOK_BUSY = "OutlookBusy"  # the advisor's Outlook calendar (contract section 23)
    DAILY_CAP_REACHED = "DailyCapReached"
    NO_ROOM_AVAILABLE = "NoRoomAvailable"
    OUTSIDE_SEARCH_WINDOW = "OutsideSearchWindow"
    # Only in a booking's 409: the start is not on the :00/:30 grid of the organization's time zone.
    OFF_GRID = "OffGrid"


class Exclusion(StrEnum):
    """Why a candidate employee was left out of the search entirely."""

    NOT_BOOKABLE = "NotBookable"
    ONLY_EXPLICITLY_AVAILABLE = "OnlyExplicitlyAvailable"
    NO_SCHEDULE = "NoSchedule"
    INACTIVE = "Inactive"
    NOT_QUALIFIED_FOR_TOPIC = "NotQualifiedForTopic"
    NOT_QUALIFIED_FOR_CUSTOMER_TYPE = "NotQualifiedForCustomerType"
    MEETING_LONGER_THAN_DAILY_CAP = "MeetingLongerThanDailyCap"


_ORDER = {reason: index for index, reason in enumerate(Reason)}


@dataclass(frozen=True, slots=True)
class DayNote:
    date: date
    slot_count: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class EmployeeNote:
    employee_id: str
    excluded: Exclusion | None
    days: tuple[DayNote, ...]


@dataclass
class Notes:
    """What one engine run removed and offered, per employee and organization-local day."""

    dates: list[date] = field(default_factory=list)  # every local date of the search window, set by the engine
    excluded: dict[str, Exclusion] = field(default_factory=dict)
    reasons: dict[str, dict[date, set[Reason]]] = field(default_factory=dict)
    counts: dict[str, dict[date, int]] = field(default_factory=dict)

    def exclude(self, employee_id: str, code: Exclusion) -> None:
        self.excluded.setdefault(employee_id, code)

    def day(self, employee_id: str, day: date) -> set[Reason]:
        """The reason set of one employee's day, to add to."""
        days = self.reasons.get(employee_id)
        if days is None:
            days = self.reasons[employee_id] = {}
        found = days.get(day)
        if found is None:
            found = days[day] = set()
        return found

    def count(self, employee_id: str, day: date, slots: int = 1) -> None:
        days = self.counts.get(employee_id)
        if days is None:
            days = self.counts[employee_id] = {}
        days[day] = days.get(day, 0) + slots

    def employee(self, employee_id: str) -> EmployeeNote:
        """One employee's answer: excluded with no days, or every date of the window."""
        code = self.excluded.get(employee_id)
        if code is not None:
            return EmployeeNote(employee_id, code, ())
        reasons, counts = self.reasons.get(employee_id, {}), self.counts.get(employee_id, {})
        return EmployeeNote(employee_id, None, tuple(
            DayNote(day, counts.get(day, 0), ordered(reasons.get(day, ()))) for day in self.dates))


def ordered(reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    """Reasons without repeats, in the contract's order."""
    return tuple(sorted(set(reasons), key=_ORDER.__getitem__))
