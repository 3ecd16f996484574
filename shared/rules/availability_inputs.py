"""From stored documents to the availability engine's plain inputs (pure)."""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from shared.models.common import parse_utc
from shared.models.organization import OrganizationSetting
from shared.models.schedules import EmployeeSchedule
from shared.rules.availability import Advisor, Busy, Organization, Workday, resolve_daily_cap
from shared.rules.availability_pools import Candidate


def organization(settings: OrganizationSetting) -> Organization:
    return Organization(
        time_zone=settings.zone,
        opening=settings.opening_time,
        closing=settings.closing_time,
        closing_days=frozenset(day.date() for day in settings.closing_days),
        max_ahead=settings.max_time_from_booking_to_meeting,
        min_notice=settings.minimum_booking_notice,
    )


def busy(entries: Iterable[dict[str, Any]]) -> tuple[Busy, ...]:
    """Calendar entries (meetings and reservations) as busy intervals; buffers are stored in seconds,
    absent in documents written before buffers existed."""
    return tuple(
        Busy(parse_utc(e["start"]), parse_utc(e["end"]), bool(e.get("countsTowardCap", True)),
             parse_utc(e["expiresAt"]) if e.get("expiresAt") else None,
             timedelta(seconds=e.get("bufferBefore") or 0), timedelta(seconds=e.get("bufferAfter") or 0))
        for e in entries
    )


def advisor(schedule: EmployeeSchedule, candidate: Candidate, group_caps: Sequence[timedelta | None],
            org_cap: timedelta, entries: Iterable[dict[str, Any]]) -> Advisor:
    return Advisor(
        employee_id=schedule.employee_id,
        workdays=tuple(
            Workday(w.day_of_week.weekday, w.from_, w.to, frozenset(w.meeting_types), w.location, w.is_available)
            for w in schedule.workdays
        ),
        daily_cap=resolve_daily_cap(schedule.max_meeting_time_per_day, group_caps, org_cap),
        busy=busy(entries),
        can_be_booked=schedule.can_be_booked,
        only_explicitly_available=schedule.is_only_explicitly_available,
        local_only=candidate.local_only,
    )
