"""From stored documents to the availability engine's plain inputs (pure)."""

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from shared.models.common import parse_utc
from shared.models.organization import OrganizationSetting
from shared.models.schedules import EmployeeSchedule
from shared.rules.availability import Advisor, Busy, Organization, Workday, resolve_daily_cap
from shared.rules.availability_model import BusyKind
from shared.rules.availability_pools import Candidate
from shared.rules.booking import OUTLOOK_ENTRY, WORKING_ELSEWHERE, Entry


def organization(settings: OrganizationSetting) -> Organization:
    return Organization(
        time_zone=settings.zone,
        opening=settings.opening_time,
        closing=settings.closing_time,
        closing_days=frozenset(day.date() for day in settings.closing_days),
        max_ahead=settings.max_time_from_booking_to_meeting,
        min_notice=settings.minimum_booking_notice,
    )


def busy_kind(entry_kind: str, show_as: str | None) -> BusyKind:
    """What a calendar entry holds: a BookMe booking, or Outlook time (contract section 23)."""
    if entry_kind != OUTLOOK_ENTRY:
        return BusyKind.BOOKED
    return BusyKind.OUTLOOK_ELSEWHERE if show_as == WORKING_ELSEWHERE else BusyKind.OUTLOOK


def busy(entries: Iterable[dict[str, Any]]) -> tuple[Busy, ...]:
    """Calendar entries (meetings, reservations, Outlook time) as busy intervals; buffers are stored in
    seconds, absent in documents written before buffers existed."""
    return tuple(
        Busy(parse_utc(e["start"]), parse_utc(e["end"]), bool(e.get("countsTowardCap", True)),
             parse_utc(e["expiresAt"]) if e.get("expiresAt") else None,
             timedelta(seconds=e.get("bufferBefore") or 0), timedelta(seconds=e.get("bufferAfter") or 0),
             busy_kind(e["kind"], e.get("showAs")))
        for e in entries
    )


def busy_of(entries: Iterable[Entry]) -> tuple[Busy, ...]:
    """The entries of day calendars a booking read, as busy intervals."""
    return tuple(Busy(e.start, e.end, e.counts_toward_cap, e.expires_at, e.buffer_before, e.buffer_after,
                      busy_kind(e.kind, e.show_as)) for e in entries)


def without_outlook(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Calendar entries of an employee whose Outlook calendar is not followed (any more)."""
    return [e for e in entries if e["kind"] != OUTLOOK_ENTRY]


def advisor(schedule: EmployeeSchedule, candidate: Candidate, group_caps: Sequence[timedelta | None],
            org_cap: timedelta, entries: Iterable[dict[str, Any]], outlook: bool = True) -> Advisor:
    """`outlook`: whether the employee's Outlook time counts (rules/outlook_sync.follows)."""
    return Advisor(
        employee_id=schedule.employee_id,
        workdays=tuple(
            Workday(w.day_of_week.weekday, w.from_, w.to, frozenset(w.meeting_types), w.location, w.is_available)
            for w in schedule.workdays
        ),
        daily_cap=resolve_daily_cap(schedule.max_meeting_time_per_day, group_caps, org_cap),
        busy=busy(entries if outlook else without_outlook(entries)),
        can_be_booked=schedule.can_be_booked,
        only_explicitly_available=schedule.is_only_explicitly_available,
        local_only=candidate.local_only,
    )
