"""What makes an employee schedule valid: one workday per weekday, hours that run forwards,
meeting types listed once, and a sensible daily cap."""

from collections import Counter
from collections.abc import Mapping
from datetime import timedelta

from shared.models.locations import Location
from shared.models.schedules import ActualLocation, DayOfWeek, EmployeeScheduleWrite, Workday

MAX_DAILY_CAP = timedelta(days=1)


def workday_errors(workdays: list[Workday]) -> dict[str, list[str]]:
    """Problems with the workdays, keyed by field path (`workdays.1.to`)."""
    errors: dict[str, list[str]] = {}
    days = Counter(w.day_of_week for w in workdays)
    for index, workday in enumerate(workdays):
        where = f"workdays.{index}"
        if days[workday.day_of_week] > 1:
            errors.setdefault(f"{where}.dayOfWeek", []).append(
                f"{workday.day_of_week.value} appears more than once; a schedule has one workday per weekday.")
        if workday.from_ >= workday.to:
            errors.setdefault(f"{where}.to", []).append(
                f"'to' ({workday.to:%H:%M:%S}) must be after 'from' ({workday.from_:%H:%M:%S}).")
        types = Counter(workday.meeting_types)
        for meeting_type, count in types.items():
            if count > 1:
                errors.setdefault(f"{where}.availableMeetingTypes", []).append(
                    f"{meeting_type.value} is listed more than once.")
    return errors


def cap_errors(cap: timedelta | None) -> dict[str, list[str]]:
    """Problems with maxMeetingTimePerDay: null (not set), or more than zero and at most a day."""
    if cap is None or timedelta(0) < cap <= MAX_DAILY_CAP:
        return {}
    return {"maxMeetingTimePerDay": ["Must be longer than 00:00:00 and at most 1.00:00:00, or null."]}


def schedule_errors(schedule: EmployeeScheduleWrite) -> dict[str, list[str]]:
    """Every problem with a schedule; empty when it is valid."""
    return {**workday_errors(schedule.workdays), **cap_errors(schedule.max_meeting_time_per_day)}


def in_week_order(workdays: list[Workday]) -> list[Workday]:
    """Workdays Monday first."""
    order = list(DayOfWeek)
    return sorted(workdays, key=lambda w: order.index(w.day_of_week))


def actual_location(text: str | None, known: Mapping[str, Location]) -> ActualLocation | None:
    """The Location whose identifier is `text` (case-insensitive); the bare text when none is."""
    if text is None:
        return None
    found = known.get(text.casefold())
    return ActualLocation.of(found) if found else ActualLocation.unmatched(text)
