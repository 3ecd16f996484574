"""Time-slot searches: load what one request needs in three Cosmos requests, then let the
pure engine (shared/rules/availability.py) decide."""

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared import kinds
from shared.context import Context
from shared.errors import InvalidRequest
from shared.models.groups import CompetenceGroupDoc, ServiceGroupDoc
from shared.models.organization import OrganizationSetting
from shared.models.time_slots import AvailableSlotsQuery, SlotStatus, TimeSlot, TimeSlotsQuery, slot_json
from shared.ports import Selection
from shared.rules import availability as engine
from shared.rules import availability_inputs as inputs
from shared.rules.availability_pools import Candidate, choose_candidates, qualified_ids
from shared.rules.booking import employee_calendar, room_calendar
from shared.rules.daily_caps import group_caps_by_employee
from shared.rules.locations import same_location
from shared.services.organization import current_settings
from shared.services.schedules import schedule_of, schedules_for

DEFAULT_DURATION = timedelta(hours=1)
GRID = timedelta(minutes=30)
MAX_RANGE = timedelta(days=92)
SLOT_IDS = uuid.UUID("0b6f1f5e-3c55-4f0e-9d0c-6f3f7d1c2a91")
CONFIG = [Selection(kind) for kind in (kinds.ORGANIZATION_SETTING, kinds.COMPETENCE_GROUP, kinds.SERVICE_GROUP,
                                        kinds.LOCATION, kinds.EMPLOYEE, kinds.TOPIC, kinds.CUSTOMER_TYPE, kinds.ROOM)]


def _items(config: dict[str, list], kind: kinds.Kind) -> list[Any]:
    return [stored.item for stored in config[kind.name]]


def _local_days(start: datetime, end: datetime, zone: str) -> tuple[str, str]:
    """The organization-local days touching [start, end], one day of margin each side."""
    tz = ZoneInfo(zone)
    return ((start.astimezone(tz) - timedelta(days=1)).date().isoformat(),
            (end.astimezone(tz) + timedelta(days=1)).date().isoformat())


def _invalid(field: str, message: str) -> InvalidRequest:
    return InvalidRequest(message, {field: [message]})


async def available_slots(ctx: Context, query: AvailableSlotsQuery) -> list[dict[str, Any]]:
    """GET /time-slots/available (contract section 9): the slots as AvailableSlot JSON."""
    config = await ctx.config.read(CONFIG)
    stored_settings = _items(config, kinds.ORGANIZATION_SETTING)
    settings = stored_settings[0] if stored_settings else (await current_settings(ctx)).item
    topics = {t.id: t for t in _items(config, kinds.TOPIC)}
    if query.topic and query.topic not in topics:
        raise _invalid("topic", f"Unknown meeting topic {query.topic}.")
    if query.customer_type_id and query.customer_type_id not in {c.id for c in _items(config, kinds.CUSTOMER_TYPE)}:
        raise _invalid("customerTypeId", f"Unknown customer type {query.customer_type_id}.")
    topic = topics.get(query.topic) if query.topic else None
    duration = query.meeting_duration or (topic.meeting_duration if topic else None) or DEFAULT_DURATION

    groups: list[CompetenceGroupDoc] = _items(config, kinds.COMPETENCE_GROUP)
    service_groups: list[ServiceGroupDoc] = _items(config, kinds.SERVICE_GROUP)
    group_caps = group_caps_by_employee(service_groups)
    active = {e.id for e in _items(config, kinds.EMPLOYEE) if e.is_active}
    candidates = choose_candidates(
        all_employee_ids=sorted(active), explicit_ids=list(query.explicit_employee_ids),
        employee_types={t.value for t in query.employee_types}, require_all=query.require_employee_participation,
        customer_location=query.customer_location, service_group_member_ids=set(group_caps),
        qualified_ids=qualified_ids(groups, query.topic, query.customer_type_id),
    )
    candidates = [c for c in candidates if c.employee_id in active]
    if not candidates:
        return []

    meeting_location = query.meeting_location or query.customer_location
    location = next((loc for loc in _items(config, kinds.LOCATION) if same_location(loc.location, meeting_location)),
                    None)
    need_room = query.require_room or bool(location and location.require_available_room)
    if need_room and not meeting_location:
        raise _invalid("meetingLocation", "A room is required: give meetingLocation or customerLocation.")
    rooms = sorted((r for r in _items(config, kinds.ROOM) if r.is_active and need_room
                    and same_location(r.location, meeting_location)), key=lambda r: r.name.casefold())

    start = query.start_date or ctx.clock()
    end = start + query.look_forward_time
    schedules = {s.employee_id: s for s in await schedules_for(ctx, [c.employee_id for c in candidates])}
    first_day, last_day = _local_days(start, end, settings.zone)
    resources = [employee_calendar(c.employee_id) for c in candidates] + [room_calendar(r.id) for r in rooms]
    entries = await ctx.bookings.calendar_entries(resources, first_day, last_day)

    advisors = [
        inputs.advisor(schedules[c.employee_id], c, group_caps.get(c.employee_id, []),
                       settings.max_meeting_time_per_day, entries.get(employee_calendar(c.employee_id), []))
        for c in candidates if c.employee_id in schedules
    ]
    room_inputs = [engine.Room(r.id, inputs.busy(entries.get(room_calendar(r.id), []))) for r in rooms]
    slots = engine.find_slots(inputs.organization(settings), advisors, room_inputs, engine.SlotQuery(
        now=ctx.clock(), start=start, end=end, duration=duration, meeting_types=frozenset(query.meeting_types),
        customer_initiated=query.is_customer_initiated, require_all=query.require_employee_participation,
        explicit_ids=tuple(query.explicit_employee_ids), customer_location=query.customer_location,
        require_room=need_room,
    ))
    return [slot_json(s.start, s.end, s.meeting_type, s.employee_id, s.room_id, s.additional_employees)
            for s in slots]


def _slot_id(resource: str, start: datetime, end: datetime) -> str:
    return str(uuid.uuid5(SLOT_IDS, f"{resource}|{start.isoformat()}|{end.isoformat()}"))


def _room_as_advisor(settings: OrganizationSetting, room_id: str, entries: list[dict[str, Any]]) -> engine.Advisor:
    """Rooms are bookable within opening hours on every day that is not a closing day."""
    workdays = tuple(engine.Workday(day, settings.opening_time, settings.closing_time, frozenset(engine.MeetingType))
                     for day in range(7))
    return engine.Advisor(room_calendar(room_id), workdays, timedelta(days=1), inputs.busy(entries))


async def time_slots(ctx: Context, query: TimeSlotsQuery) -> list[TimeSlot]:
    """GET /time-slots: an employee's or a room's slots in a range, Available, Reserved or Booked."""
    if not query.employee_id and not query.room_id:
        raise _invalid("employeeId", "Give employeeId or roomId.")
    if query.end_date <= query.start_date or query.end_date - query.start_date > MAX_RANGE:
        raise _invalid("endDate", "endDate must be after startDate and at most 92 days later.")
    settings = (await current_settings(ctx)).item
    resource = employee_calendar(query.employee_id) if query.employee_id else room_calendar(query.room_id)
    resources = [resource] + ([room_calendar(query.room_id)] if query.employee_id and query.room_id else [])
    first_day, last_day = _local_days(query.start_date, query.end_date, settings.zone)
    entries = await ctx.bookings.calendar_entries(resources, first_day, last_day)
    now = ctx.clock()
    found: list[TimeSlot] = []
    held = entries.get(resource, [])
    for entry, busy in zip(held, inputs.busy(held), strict=True):
        expired = busy.expires_at is not None and busy.expires_at <= now
        if expired or busy.end <= query.start_date or busy.start >= query.end_date:
            continue
        status = SlotStatus.BOOKED if entry.get("kind") == "meeting" else SlotStatus.RESERVED
        found.append(TimeSlot(id=entry["ref"], employee_id=query.employee_id, room_id=query.room_id,
                              start_time=busy.start, end_time=busy.end, status=status, available=False))

    if query.employee_id:
        schedule = await schedule_of(ctx, query.employee_id)
        advisors = [inputs.advisor(schedule, Candidate(query.employee_id), [], settings.max_meeting_time_per_day,
                                   entries.get(resource, []))] if schedule else []
        rooms = [engine.Room(query.room_id, inputs.busy(entries.get(room_calendar(query.room_id), [])))] \
            if query.room_id else []
    else:
        advisors, rooms = [_room_as_advisor(settings, query.room_id, entries.get(resource, []))], []
    slots = engine.find_slots(inputs.organization(settings), advisors, rooms, engine.SlotQuery(
        now=now, start=query.start_date, end=query.end_date, duration=GRID,
        explicit_ids=(query.employee_id,) if query.employee_id else (), require_room=bool(rooms)))
    for start in sorted({s.start for s in slots}):
        found.append(TimeSlot(id=_slot_id(resource, start, start + GRID), employee_id=query.employee_id,
                              room_id=query.room_id, start_time=start, end_time=start + GRID,
                              status=SlotStatus.AVAILABLE, available=True))
    wanted = set(query.status)
    return sorted((s for s in found if not wanted or s.status in wanted), key=lambda s: (s.start_time, s.id))
