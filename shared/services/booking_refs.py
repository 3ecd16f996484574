"""What a booking looks up in the configuration, all at once: the employees, rooms, topic,
customer type and portal it names (400 when one is unknown or not bookable), and the inputs
of the employees' daily caps."""

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from shared.bootstrap import App
from shared.errors import InvalidRequest
from shared.models.directory import Employee, Room
from shared.models.organization import OrganizationSetting
from shared.rules.booking import employee_calendar
from shared.services import directory


@dataclass(frozen=True)
class Wanted:
    """What to look up. `employees` and `room` are validated under their field names; the
    `other_*` ids are only loaded (the participants of a meeting before a change)."""

    employees: dict[str, list[str]] = field(default_factory=dict)
    room: tuple[str, str] | None = None
    other_employees: tuple[str, ...] = ()
    other_rooms: tuple[str, ...] = ()
    topic_id: str | None = None
    customer_type_id: str | None = None
    portal: tuple[str | None, list] | None = None  # (portalId, customFields) of a portal booking
    caps_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class Parties:
    """The directory entries found, and each capped employee's (schedule cap, service group caps)."""

    employees: dict[str, Employee] = field(default_factory=dict)
    rooms: dict[str, Room] = field(default_factory=dict)
    cap_inputs: dict[str, tuple[timedelta | None, list[timedelta | None]]] = field(default_factory=dict)

    def caps(self, org: OrganizationSetting) -> dict[str, timedelta]:
        """The daily cap per employee calendar: the schedule's, else the smallest service
        group's, else the organization's."""
        from shared.rules.availability import resolve_daily_cap

        return {employee_calendar(id): resolve_daily_cap(schedule, groups, org.max_meeting_time_per_day)
                for id, (schedule, groups) in self.cap_inputs.items()}


def _invalid(field: str, message: str) -> InvalidRequest:
    return InvalidRequest(message, {field: [message]})


async def _nothing() -> list:
    return []


async def load(app: App, wanted: Wanted) -> Parties:
    """Every lookup of a booking, run concurrently (one request per kind); then the checks."""
    employee_ids = sorted({*wanted.other_employees, *(id for ids in wanted.employees.values() for id in ids)})
    room_ids = sorted({*wanted.other_rooms, *([wanted.room[1]] if wanted.room else [])})
    employees, rooms, _, cap_inputs = await asyncio.gather(
        directory.employees(app).find_by("id", employee_ids) if employee_ids else _nothing(),
        directory.rooms(app).find_by("id", room_ids) if room_ids else _nothing(),
        _check_known(app, wanted),
        _cap_inputs(app, wanted.caps_for),
    )
    found = Parties({v.item.id: v.item for v in employees}, {v.item.id: v.item for v in rooms}, cap_inputs)
    for name, ids in wanted.employees.items():
        for id in ids:
            if id not in found.employees:
                raise _invalid(name, f"Unknown employee {id}.")
            if not found.employees[id].is_active:
                raise _invalid(name, f"Employee {id} is not active and cannot be booked.")
    if wanted.room:
        name, id = wanted.room
        if id not in found.rooms:
            raise _invalid(name, f"Unknown room {id}.")
        if not found.rooms[id].is_active:
            raise _invalid(name, f"Room {id} is not available for booking.")
    return found


async def _check_known(app: App, wanted: Wanted) -> None:
    checks = []
    if wanted.topic_id is not None:
        checks.append(directory.require_existing(directory.topics(app), [wanted.topic_id], "topicId",
                                                 "meeting topic"))
    if wanted.customer_type_id is not None:
        checks.append(directory.require_existing(directory.customer_types(app), [wanted.customer_type_id],
                                                 "customerTypeId", "customer type"))
    if wanted.portal is not None:
        checks.append(_check_portal_fields(app, *wanted.portal))
    await asyncio.gather(*checks)


async def _cap_inputs(app: App, employee_ids: tuple[str, ...]) -> dict[str, Any]:
    from shared.services import groups, schedules

    if not employee_ids:
        return {}
    found, members = await asyncio.gather(schedules.schedules_for(app, list(employee_ids)),
                                          groups.service_group_members(app))
    by_employee = {s.employee_id: s.max_meeting_time_per_day for s in found}
    return {id: (by_employee.get(id), [g.max_meeting_time_per_day for g in members.get(id, [])])
            for id in employee_ids}


async def _check_portal_fields(app: App, portal_id: str | None, custom_fields: list) -> None:
    """400 unless a portal booking names a known portal and its customFields fit that
    portal's form (required fields, patterns)."""
    from shared.models.portals import CustomFieldValue
    from shared.rules.portal_fields import validate_custom_fields
    from shared.services import portals

    if portal_id is None:
        raise _invalid("portalId", "A portal booking needs the portalId of its portal.")
    found = await portals.portals(app).find_by("id", [portal_id])
    if not found:
        raise _invalid("portalId", f"Unknown portal {portal_id}.")
    values = [CustomFieldValue(key=f.key, value=f.value) for f in custom_fields]
    errors = validate_custom_fields(found[0].item.fields, values)
    if errors:
        raise InvalidRequest("The custom fields do not fit the portal's form.",
                             {f"customFields.{name}": problems for name, problems in errors.items()})
