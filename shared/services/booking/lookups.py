"""What a booking looks up in the configuration, in ONE request: the organization settings,
the employees, rooms, topic, customer type and portal it names (400 when one is unknown or
not bookable), the inputs of the employees' daily caps, and the active webhook
subscriptions its events go to."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from shared import kinds
from shared.context import Context
from shared.errors import InvalidRequest, invalid
from shared.models.directory import Employee, MeetingTopic, Room
from shared.models.locations import Location
from shared.models.organization import OrganizationSetting
from shared.models.portals import CustomFieldValue, Portal
from shared.models.schedules import EmployeeSchedule
from shared.ports import Selection
from shared.rules.booking import employee_calendar
from shared.rules.buffers import meeting_buffers
from shared.rules.daily_caps import daily_caps, group_caps_by_employee
from shared.rules.portal_fields import validate_custom_fields
from shared.rules.webhooks import subscribed


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
    # Loaded for every portal booking, validated or not: its invitation may invite the customer.
    portal_id: str | None = None
    schedules_for: tuple[str, ...] = ()  # whose schedules to load besides the capped ones (workday locations)
    locations: bool = False  # every Location and every room: a room may be chosen, or required (sections 13, 20)
    topic_for_buffers: str | None = None  # the topic whose buffers the booking takes (section 12)


@dataclass(frozen=True)
class Parties:
    """The configuration found: settings, directory entries, and each capped employee's cap."""

    settings: OrganizationSetting
    employees: dict[str, Employee] = field(default_factory=dict)
    rooms: dict[str, Room] = field(default_factory=dict)
    employee_caps: dict[str, timedelta] = field(default_factory=dict)
    portal: Portal | None = None
    schedules: dict[str, EmployeeSchedule] = field(default_factory=dict)
    locations: list[Location] = field(default_factory=list)
    topic: MeetingTopic | None = None
    # (id, events) of every active webhook subscription: the booking's outbox keeps only the
    # events someone subscribes to, and publishing it fans them out without reading them again.
    subscriptions: tuple[tuple[str, list[str]], ...] = ()

    def buffers(self) -> tuple[timedelta, timedelta]:
        """The buffers a booking takes (its topic's, else the organization's)."""
        return meeting_buffers(self.topic, self.settings)

    @property
    def caps(self) -> dict[str, timedelta]:
        """The daily cap per employee calendar."""
        return {employee_calendar(id): cap for id, cap in self.employee_caps.items()}



def _selections(wanted: Wanted) -> list[Selection]:
    employee_ids = sorted({*wanted.other_employees, *(id for ids in wanted.employees.values() for id in ids)})
    room_ids = sorted({*wanted.other_rooms, *([wanted.room[1]] if wanted.room else [])})
    portal_id = wanted.portal[0] if wanted.portal else wanted.portal_id
    topic_ids = tuple(dict.fromkeys(t for t in (wanted.topic_id, wanted.topic_for_buffers) if t))
    return [
        Selection(kinds.ORGANIZATION_SETTING),
        Selection(kinds.EMPLOYEE, "id", tuple(employee_ids)),
        Selection(kinds.ROOM) if wanted.locations else Selection(kinds.ROOM, "id", tuple(room_ids)),
        Selection(kinds.TOPIC, "id", topic_ids),
        Selection(kinds.CUSTOMER_TYPE, "id", (wanted.customer_type_id,) if wanted.customer_type_id else ()),
        Selection(kinds.PORTAL, "id", (portal_id,) if portal_id else ()),
        Selection(kinds.EMPLOYEE_SCHEDULE, "employeeId", tuple(dict.fromkeys((*wanted.caps_for,
                                                                               *wanted.schedules_for)))),
        *([Selection(kinds.SERVICE_GROUP)] if wanted.caps_for else []),
        *([Selection(kinds.LOCATION)] if wanted.locations else []),
        Selection(kinds.WEBHOOK, "isActive", (True,)),
    ]


async def load(ctx: Context, wanted: Wanted) -> Parties:
    """Every lookup of a booking in one query; then the checks."""
    from shared.services.organization import current_settings

    found = await ctx.config.read(_selections(wanted))
    items = {kind: [v.item for v in stored] for kind, stored in found.items()}
    settings = items[kinds.ORGANIZATION_SETTING.name][0] if items[kinds.ORGANIZATION_SETTING.name] else \
        (await current_settings(ctx)).item
    schedule_caps = {s.employee_id: s.max_meeting_time_per_day for s in items[kinds.EMPLOYEE_SCHEDULE.name]}
    caps = daily_caps(wanted.caps_for, schedule_caps, group_caps_by_employee(items.get(kinds.SERVICE_GROUP.name, [])),
                      settings.max_meeting_time_per_day)
    employees = {e.id: e for e in items[kinds.EMPLOYEE.name]}
    portals = items[kinds.PORTAL.name]
    topic = next((t for t in items[kinds.TOPIC.name] if t.id == wanted.topic_for_buffers), None)
    parties = Parties(settings, employees, {r.id: r for r in items[kinds.ROOM.name]}, caps,
                      portals[0] if portals else None,
                      {s.employee_id: s for s in items[kinds.EMPLOYEE_SCHEDULE.name]},
                      items.get(kinds.LOCATION.name, []), topic,
                      tuple(subscribed(items[kinds.WEBHOOK.name])))
    _check_known(wanted, items)
    for name, ids in wanted.employees.items():
        for id in ids:
            if id not in parties.employees:
                raise invalid(name, f"Unknown employee {id}.")
            if not parties.employees[id].is_active:
                raise invalid(name, f"Employee {id} is not active and cannot be booked.")
    if wanted.room:
        name, id = wanted.room
        if id not in parties.rooms:
            raise invalid(name, f"Unknown room {id}.")
        if not parties.rooms[id].is_active:
            raise invalid(name, f"Room {id} is not available for booking.")
    return parties


def _check_known(wanted: Wanted, items: dict[str, list[Any]]) -> None:
    if wanted.topic_id is not None and wanted.topic_id not in {t.id for t in items[kinds.TOPIC.name]}:
        raise invalid("topicId", f"Unknown meeting topic {wanted.topic_id}.")
    if wanted.customer_type_id is not None and not items[kinds.CUSTOMER_TYPE.name]:
        raise invalid("customerTypeId", f"Unknown customer type {wanted.customer_type_id}.")
    if wanted.portal is not None:
        _check_portal_fields(items[kinds.PORTAL.name], *wanted.portal)


def _check_portal_fields(found: list[Portal], portal_id: str | None, custom_fields: list) -> None:
    """400 unless a portal booking names a known portal and its customFields fit that
    portal's form (required fields, patterns)."""
    if portal_id is None:
        raise invalid("portalId", "A portal booking needs the portalId of its portal.")
    if not found:
        raise invalid("portalId", f"Unknown portal {portal_id}.")
    # Unvalidated: the portal's own limits are checked by the rule, as 400s naming the field.
    values = [CustomFieldValue.model_construct(key=f.key, value=f.value) for f in custom_fields]
    errors = validate_custom_fields(found[0].fields, values)
    if errors:
        raise InvalidRequest("The custom fields do not fit the portal's form.",
                             {f"customFields.{name}": problems for name, problems in errors.items()})
