"""Time-slot searches (contract sections 9, 12 and 14): load what one request needs in three
Cosmos requests, then let the pure engine (shared/rules/availability.py) decide, with notes
on why when the explanation is asked for."""

import asyncio
import dataclasses
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from shared import kinds
from shared.context import Context
from shared.errors import invalid
from shared.models.directory import MeetingTopic
from shared.models.groups import CompetenceGroupDoc, ServiceGroupDoc
from shared.models.organization import OrganizationSetting
from shared.models.time_slots import AvailableSlotsQuery, slot_json
from shared.ports import Selection
from shared.rules import availability as engine
from shared.rules import availability_inputs as inputs
from shared.rules.availability_explain import Exclusion, Notes
from shared.rules.availability_pools import Candidate, choose_candidates, pool_exclusion, qualified_ids
from shared.rules.booking import employee_calendar, room_calendar
from shared.rules.buffers import meeting_buffers
from shared.rules.daily_caps import group_caps_by_employee
from shared.rules.local_days import search_days
from shared.rules.locations import same_location
from shared.rules.outlook_sync import follows
from shared.services.organization import current_settings
from shared.services.schedules import schedules_for

DEFAULT_DURATION = timedelta(hours=1)
UNQUALIFIED = (Exclusion.NOT_QUALIFIED_FOR_TOPIC, Exclusion.NOT_QUALIFIED_FOR_CUSTOMER_TYPE)
CONFIG = [Selection(kind) for kind in (kinds.ORGANIZATION_SETTING, kinds.COMPETENCE_GROUP, kinds.SERVICE_GROUP,
                                        kinds.LOCATION, kinds.EMPLOYEE, kinds.TOPIC, kinds.CUSTOMER_TYPE, kinds.ROOM)]


@dataclass
class LoadedSearch:
    """The engine's inputs for one search, and the pool members left out before the engine."""

    org: engine.Organization
    query: engine.SlotQuery
    members: list[str]
    advisors: list[engine.Advisor] = field(default_factory=list)
    rooms: list[engine.Room] = field(default_factory=list)
    excluded: dict[str, Exclusion] = field(default_factory=dict)
    # Active members left out only for the topic or customer type, loaded when a report asks:
    # it counts their hours though the search offers none of their time.
    bystanders: list[engine.Advisor] = field(default_factory=list)

    def slots(self, notes: Notes | None = None, minutes: engine.Minutes | None = None) -> list[engine.Slot]:
        """The engine's one pass; with `minutes`, every member's time is tallied as well."""
        found = engine.find_slots(self.org, self.advisors, self.rooms, self.query, notes, minutes)
        if minutes is not None and self.bystanders:
            engine.count_minutes(self.org, self.bystanders, self.query, minutes)
        return found


def _items(config: dict[str, list], kind: kinds.Kind) -> list[Any]:
    return [stored.item for stored in config[kind.name]]


async def read_config(ctx: Context) -> dict[str, list]:
    """The configuration a search reads, in one request."""
    return await ctx.config.read(CONFIG)


def meeting_duration(asked: timedelta | None, topic: MeetingTopic | None) -> timedelta:
    """The searched meeting's length: as asked, else the topic's, else an hour."""
    return asked or (topic.meeting_duration if topic else None) or DEFAULT_DURATION


async def settings_in(ctx: Context, config: dict[str, list]) -> OrganizationSetting:
    """The organization settings read_config found, else the defaults, created once."""
    stored = _items(config, kinds.ORGANIZATION_SETTING)
    return stored[0] if stored else (await current_settings(ctx)).item


def config_items(config: dict[str, list], kind: kinds.Kind) -> list[Any]:
    """The items of one kind in what read_config answered."""
    return _items(config, kind)


async def load_search(ctx: Context, query: AvailableSlotsQuery, config: dict[str, list] | None = None,
                      bystanders: bool = False) -> LoadedSearch:
    """Validate the query and read its inputs: configuration (unless given, from read_config), the
    candidates' schedules, calendars; with `bystanders`, those of the members left out for the
    topic or customer type too."""
    config = config if config is not None else await read_config(ctx)
    settings = await settings_in(ctx, config)
    topics = {t.id: t for t in _items(config, kinds.TOPIC)}
    if query.topic and query.topic not in topics:
        raise invalid("topic", f"Unknown meeting topic {query.topic}.")
    if query.customer_type_id and query.customer_type_id not in {c.id for c in _items(config, kinds.CUSTOMER_TYPE)}:
        raise invalid("customerTypeId", f"Unknown customer type {query.customer_type_id}.")
    topic = topics.get(query.topic) if query.topic else None
    duration = meeting_duration(query.meeting_duration, topic)

    groups: list[CompetenceGroupDoc] = _items(config, kinds.COMPETENCE_GROUP)
    service_groups: list[ServiceGroupDoc] = _items(config, kinds.SERVICE_GROUP)
    group_caps = group_caps_by_employee(service_groups)
    employees = _items(config, kinds.EMPLOYEE)
    active = {e.id for e in employees if e.is_active}
    pool = choose_candidates(
        all_employee_ids=sorted(e.id for e in employees), explicit_ids=list(query.explicit_employee_ids),
        employee_types={t.value for t in query.employee_types}, require_all=query.require_employee_participation,
        customer_location=query.customer_location, service_group_member_ids=set(group_caps), qualified_ids=None,
    )
    topic_ids = qualified_ids(groups, query.topic, None) if query.topic else None
    type_ids = qualified_ids(groups, query.topic, query.customer_type_id) if query.customer_type_id else None
    excluded = {c.employee_id: code for c in pool
                if (code := pool_exclusion(c.employee_id, active, topic_ids, type_ids)) is not None}
    candidates = [c for c in pool if c.employee_id not in excluded]
    unqualified = [c for c in pool if bystanders and excluded.get(c.employee_id) in UNQUALIFIED]
    start = query.start_date or ctx.clock()
    end = start + query.look_forward_time
    buffer_before, buffer_after = meeting_buffers(topic, settings)
    loaded = LoadedSearch(inputs.organization(settings), engine.SlotQuery(
        now=ctx.clock(), start=start, end=end, duration=duration, meeting_types=frozenset(query.meeting_types),
        customer_initiated=query.is_customer_initiated, require_all=query.require_employee_participation,
        explicit_ids=tuple(query.explicit_employee_ids), customer_location=query.customer_location,
        buffer_before=buffer_before, buffer_after=buffer_after,
    ), sorted({c.employee_id for c in pool}), excluded=excluded)
    if not candidates and not unqualified:
        return loaded

    meeting_location = query.meeting_location or query.customer_location
    location = next((loc for loc in _items(config, kinds.LOCATION) if same_location(loc.location, meeting_location)),
                    None)
    need_room = query.require_room or bool(location and location.require_available_room)
    if need_room and not meeting_location:
        raise invalid("meetingLocation", "A room is required: give meetingLocation or customerLocation.")
    rooms = sorted((r for r in _items(config, kinds.ROOM) if r.is_active and need_room
                    and same_location(r.location, meeting_location)), key=lambda r: r.name.casefold())

    first_day, last_day = search_days(start, end, settings.zone)
    read = candidates + unqualified
    resources = [employee_calendar(c.employee_id) for c in read] + [room_calendar(r.id) for r in rooms]
    # Independent reads: the schedules and the calendars travel at once.
    found_schedules, entries = await asyncio.gather(
        schedules_for(ctx, [c.employee_id for c in read]),
        ctx.bookings.calendar_entries(resources, first_day, last_day))
    schedules = {s.employee_id: s for s in found_schedules}
    loaded.excluded.update({c.employee_id: Exclusion.NO_SCHEDULE for c in candidates if c.employee_id not in schedules})
    directory = {e.id: e for e in employees}

    def advisors(chosen: list[Candidate]) -> list[engine.Advisor]:
        return [inputs.advisor(schedules[c.employee_id], c, group_caps.get(c.employee_id, []),
                               settings.max_meeting_time_per_day, entries.get(employee_calendar(c.employee_id), []),
                               follows(settings.outlook_sync, directory.get(c.employee_id)))
                for c in chosen if c.employee_id in schedules]

    loaded.advisors, loaded.bystanders = advisors(candidates), advisors(unqualified)
    loaded.rooms = [engine.Room(r.id, inputs.busy(entries.get(room_calendar(r.id), []))) for r in rooms]
    loaded.query = dataclasses.replace(loaded.query, require_room=need_room)
    return loaded


async def available_slots(ctx: Context, query: AvailableSlotsQuery) -> list[dict[str, Any]]:
    """GET /time-slots/available (contract section 9): the slots as AvailableSlot JSON."""
    loaded = await load_search(ctx, query)
    return [slot_json(s.start, s.end, s.meeting_type, s.employee_id, s.room_id, s.additional_employees)
            for s in loaded.slots()]


async def explain_slots(ctx: Context, query: AvailableSlotsQuery) -> dict[str, Any]:
    """GET /time-slots/available/explain (contract section 14): why each candidate has the slots it
    has, from the same pass of the engine that finds them. Codes and counts only, no personal data."""
    loaded = await load_search(ctx, query)
    notes = Notes()
    slots = loaded.slots(notes)
    employees = []
    for employee_id in loaded.members:
        code = loaded.excluded.get(employee_id)
        note = notes.employee(employee_id)
        excluded = code or note.excluded
        employees.append({
            "employeeId": employee_id, "excluded": excluded.value if excluded else None,
            "days": [] if excluded else [{"date": day.date.isoformat(), "slotCount": day.slot_count,
                                          "reasons": [reason.value for reason in day.reasons]}
                                         for day in note.days]})
    return {"slotCount": len(slots), "employees": employees}
