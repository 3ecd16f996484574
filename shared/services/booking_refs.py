"""What a booking looks up in the configuration, in ONE Cosmos request: the organization
settings, the employees, rooms, topic, customer type and portal it names (400 when one is
unknown or not bookable), and the inputs of the employees' daily caps."""

from dataclasses import dataclass, field
from datetime import timedelta

from shared.adapters.cosmos_documents import Selection
from shared.bootstrap import App
from shared.errors import InvalidRequest
from shared.models.directory import CustomerType, Employee, MeetingTopic, Room
from shared.models.groups import SERVICE_GROUP, ServiceGroupDoc
from shared.models.organization import OrganizationSetting
from shared.models.portals import Portal
from shared.models.schedules import EmployeeSchedule
from shared.rules.booking import employee_calendar


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

    settings: OrganizationSetting
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


async def load(app: App, wanted: Wanted) -> Parties:
    """Every lookup of a booking in one query; then the checks."""
    from shared.services.organization import current_settings

    employee_ids = sorted({*wanted.other_employees, *(id for ids in wanted.employees.values() for id in ids)})
    room_ids = sorted({*wanted.other_rooms, *([wanted.room[1]] if wanted.room else [])})
    portal_id = wanted.portal[0] if wanted.portal else None
    found = await app.read_selected([
        Selection("organizationSetting", OrganizationSetting),
        Selection("employee", Employee, "id", tuple(employee_ids)),
        Selection("room", Room, "id", tuple(room_ids)),
        Selection("topic", MeetingTopic, "id", (wanted.topic_id,) if wanted.topic_id else ()),
        Selection("customerType", CustomerType, "id", (wanted.customer_type_id,) if wanted.customer_type_id else ()),
        Selection("portal", Portal, "id", (portal_id,) if portal_id else ()),
        Selection("employeeSchedule", EmployeeSchedule, "employeeId", wanted.caps_for),
        *([Selection(SERVICE_GROUP, ServiceGroupDoc)] if wanted.caps_for else []),
    ])
    items = {kind: [v.item for v in stored] for kind, stored in found.items()}
    settings = items["organizationSetting"][0] if items["organizationSetting"] else \
        (await current_settings(app)).item
    parties = Parties(settings, {e.id: e for e in items["employee"]}, {r.id: r for r in items["room"]},
                      _cap_inputs(wanted.caps_for, items))
    _check_known(wanted, items)
    for name, ids in wanted.employees.items():
        for id in ids:
            if id not in parties.employees:
                raise _invalid(name, f"Unknown employee {id}.")
            if not parties.employees[id].is_active:
                raise _invalid(name, f"Employee {id} is not active and cannot be booked.")
    if wanted.room:
        name, id = wanted.room
        if id not in parties.rooms:
            raise _invalid(name, f"Unknown room {id}.")
        if not parties.rooms[id].is_active:
            raise _invalid(name, f"Room {id} is not available for booking.")
    return parties


def _check_known(wanted: Wanted, items: dict[str, list]) -> None:
    if wanted.topic_id is not None and not items["topic"]:
        raise _invalid("topicId", f"Unknown meeting topic {wanted.topic_id}.")
    if wanted.customer_type_id is not None and not items["customerType"]:
        raise _invalid("customerTypeId", f"Unknown customer type {wanted.customer_type_id}.")
    if wanted.portal is not None:
        _check_portal_fields(items["portal"], *wanted.portal)


def _cap_inputs(employee_ids: tuple[str, ...], items: dict[str, list]) -> dict[str, tuple]:
    schedule_caps = {s.employee_id: s.max_meeting_time_per_day for s in items["employeeSchedule"]}
    group_caps: dict[str, list[timedelta | None]] = {}
    for group in items.get(SERVICE_GROUP, []):
        for employee_id in group.employee_ids:
            group_caps.setdefault(employee_id, []).append(group.max_meeting_time_per_day)
    return {id: (schedule_caps.get(id), group_caps.get(id, [])) for id in employee_ids}


def _check_portal_fields(found: list[Portal], portal_id: str | None, custom_fields: list) -> None:
    """400 unless a portal booking names a known portal and its customFields fit that
    portal's form (required fields, patterns)."""
    from shared.models.portals import CustomFieldValue
    from shared.rules.portal_fields import validate_custom_fields

    if portal_id is None:
        raise _invalid("portalId", "A portal booking needs the portalId of its portal.")
    if not found:
        raise _invalid("portalId", f"Unknown portal {portal_id}.")
    values = [CustomFieldValue(key=f.key, value=f.value) for f in custom_fields]
    errors = validate_custom_fields(found[0].fields, values)
    if errors:
        raise InvalidRequest("The custom fields do not fit the portal's form.",
                             {f"customFields.{name}": problems for name, problems in errors.items()})
