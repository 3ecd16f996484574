"""The daily meeting-time cap of each employee, from their schedule, their service groups and
the organization: the one aggregation availability and bookings share. Pure."""

from collections.abc import Iterable, Mapping
from datetime import timedelta

from shared.models.groups import ServiceGroupDoc
from shared.rules.availability_model import resolve_daily_cap


def group_caps_by_employee(service_groups: Iterable[ServiceGroupDoc]) -> dict[str, list[timedelta | None]]:
    """Each service-group member with the caps of the groups they belong to."""
    caps: dict[str, list[timedelta | None]] = {}
    for group in service_groups:
        for employee_id in group.employee_ids:
            caps.setdefault(employee_id, []).append(group.max_meeting_time_per_day)
    return caps


def daily_caps(employee_ids: Iterable[str], schedule_caps: Mapping[str, timedelta | None],
               group_caps: Mapping[str, list[timedelta | None]], org_cap: timedelta) -> dict[str, timedelta]:
    """The cap per employee: the schedule's, else the smallest service group's, else the organization's."""
    return {id: resolve_daily_cap(schedule_caps.get(id), group_caps.get(id, []), org_cap) for id in employee_ids}
