"""What a booking looks up in the configuration: who and what it names, and the daily caps."""

import asyncio
from datetime import timedelta

from shared.bootstrap import App
from shared.errors import InvalidRequest
from shared.models.directory import Employee, Room
from shared.models.organization import OrganizationSetting
from shared.rules.booking import employee_calendar
from shared.services import directory


def _invalid(field: str, message: str) -> InvalidRequest:
    return InvalidRequest(message, {field: [message]})


async def bookable_employees(app: App, fields: dict[str, list[str]]) -> dict[str, Employee]:
    """The active employees named under each field (`employeeId`: [...]); 400 for an unknown
    or inactive one, naming its field. One query for all of them."""
    wanted = {id for ids in fields.values() for id in ids}
    if not wanted:
        return {}
    found = {v.item.id: v.item for v in await directory.employees(app).find_by("id", sorted(wanted))}
    for field, ids in fields.items():
        for id in ids:
            if id not in found:
                raise _invalid(field, f"Unknown employee {id}.")
            if not found[id].is_active:
                raise _invalid(field, f"Employee {id} is not active and cannot be booked.")
    return found


async def bookable_room(app: App, room_id: str | None, field: str = "roomId") -> Room | None:
    """The active room, None when no room is named; 400 for an unknown or inactive one."""
    if room_id is None:
        return None
    found = await directory.rooms(app).find_by("id", [room_id])
    if not found:
        raise _invalid(field, f"Unknown room {room_id}.")
    if not found[0].item.is_active:
        raise _invalid(field, f"Room {room_id} is not available for booking.")
    return found[0].item


async def require_known(app: App, topic_id: str | None, customer_type_id: str | None) -> None:
    """400 for an unknown meeting topic or customer type."""
    checks = []
    if topic_id is not None:
        checks.append(directory.require_existing(directory.topics(app), [topic_id], "topicId", "meeting topic"))
    if customer_type_id is not None:
        checks.append(directory.require_existing(directory.customer_types(app), [customer_type_id],
                                                 "customerTypeId", "customer type"))
    await asyncio.gather(*checks)


async def daily_caps(app: App, employee_ids: list[str], org: OrganizationSetting) -> dict[str, timedelta]:
    """Each employee's daily meeting-time cap, keyed by calendar: the schedule's, else the
    smallest of their service groups', else the organization's."""
    from shared.rules.availability import resolve_daily_cap
    from shared.services import groups, schedules

    if not employee_ids:
        return {}
    found, members = await asyncio.gather(schedules.schedules_for(app, list(employee_ids)),
                                          groups.service_group_members(app))
    by_employee = {s.employee_id: s for s in found}
    caps = {}
    for id in employee_ids:
        schedule = by_employee.get(id)
        group_caps = [g.max_meeting_time_per_day for g in members.get(id, [])]
        caps[employee_calendar(id)] = resolve_daily_cap(schedule.max_meeting_time_per_day if schedule else None,
                                                        group_caps, org.max_meeting_time_per_day)
    return caps


async def check_portal_fields(app: App, portal_id: str | None, custom_fields: list) -> None:
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
