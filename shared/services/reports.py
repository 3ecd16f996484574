"""Capacity and service-level reports (contract section 25): the inputs a customer search reads,
through the search's own loading (shared/services/slot_search.py), and one pass of the engine
that yields both the slots and the minutes."""

import asyncio
from datetime import datetime, timedelta
from typing import Any

from shared import kinds
from shared.context import Context
from shared.models.common import format_utc
from shared.models.reports import MAX_CAPACITY_DAYS, MAX_SERVICE_LEVEL_DAYS, CapacityQuery, GroupBy, ServiceLevelQuery
from shared.models.time_slots import MAX_LOOK_FORWARD, AvailableSlotsQuery, EmployeeType
from shared.rules import availability as engine
from shared.rules import capacity, report_scope, service_level
from shared.rules.availability_explain import Exclusion
from shared.rules.report_scope import Scope
from shared.rules.timespan import format_timespan
from shared.services import slot_search


def customer_search(scope: Scope, start: datetime, end: datetime,
                    duration: timedelta | None = None) -> AvailableSlotsQuery:
    """The /time-slots/available query whose answer a report counts: a customer's search of the
    report's employees by name, for its topic and meeting types, over [start, end)."""
    # Built from parts already validated; not validated again, because a 92-day window that holds a
    # change of clocks is an hour longer than a client's lookForwardTime may be.
    return AvailableSlotsQuery.model_construct(
        explicit_employee_ids=list(scope.employee_ids), employee_types=[EmployeeType.EXPLICIT],
        require_employee_participation=False, is_customer_initiated=True, topic=scope.topic_id,
        meeting_types=list(scope.meeting_types), start_date=start, look_forward_time=end - start,
        meeting_duration=duration)


async def capacity_report(ctx: Context, query: CapacityQuery) -> dict[str, Any]:
    """GET /reports/capacity: per local day (and employee) the minutes and the slots, in three
    requests, as a search."""
    config = await slot_search.read_config(ctx)
    settings = await slot_search.settings_in(ctx, config)
    window = report_scope.window(query.from_, query.to, settings.zone, MAX_CAPACITY_DAYS)
    employees = slot_search.config_items(config, kinds.EMPLOYEE)
    scope = report_scope.capacity_scope(
        service_group_id=query.service_group_id, competence_group_id=query.competence_group_id,
        employee_ids=query.employee_ids, topic_id=query.topic, meeting_types=query.meeting_types,
        service_groups=slot_search.config_items(config, kinds.SERVICE_GROUP),
        competence_groups=slot_search.config_items(config, kinds.COMPETENCE_GROUP),
        known_employees={e.id for e in employees}, known_topics=_topic_ids(config))
    search = customer_search(scope, window.start, window.end, query.meeting_duration)
    minutes = engine.Minutes(dates=[window.first + timedelta(days=n) for n in range(window.days)])
    slots: list[engine.Slot] = []
    excluded: dict[str, Exclusion] = {}
    topics = {topic.id: topic for topic in slot_search.config_items(config, kinds.TOPIC)}
    duration = slot_search.meeting_duration(query.meeting_duration, topics.get(scope.topic_id))
    if scope.employee_ids:  # a search that lists nobody would search everyone
        loaded = await slot_search.load_search(ctx, search, config, bystanders=True)
        slots = loaded.slots(minutes=minutes)
        excluded = {**minutes.excluded, **loaded.excluded}
    found = capacity.report(scope.employee_ids, minutes, capacity.slots_per_day(slots, settings.zone),
                            query.group_by is GroupBy.EMPLOYEE, {e.id: e.name for e in employees}, excluded)
    return {"from": window.first.isoformat(), "to": window.last.isoformat(), "timeZone": settings.zone,
            "serviceGroupId": query.service_group_id, "competenceGroupId": query.competence_group_id,
            "groupName": scope.group_name, "employeeIds": list(scope.employee_ids), "topic": scope.topic_id,
            "meetingTypes": [kind.value for kind in scope.meeting_types],
            "meetingDuration": format_timespan(duration), "groupBy": query.group_by.value, **found}


async def service_level_report(ctx: Context, query: ServiceLevelQuery) -> dict[str, Any]:
    """GET /reports/service-level: the group's target, what its customer bookings made in the window
    measured, and the first slot a customer search offers now; four requests."""
    config = await slot_search.read_config(ctx)
    settings = await slot_search.settings_in(ctx, config)
    window = report_scope.window(query.from_, query.to, settings.zone, MAX_SERVICE_LEVEL_DAYS)
    group = report_scope.service_group(query.service_group_id,
                                       slot_search.config_items(config, kinds.SERVICE_GROUP))
    scope = report_scope.service_group_scope(group, query.topic, [], _topic_ids(config))
    now = ctx.clock()
    horizon = min(settings.max_time_from_booking_to_meeting, MAX_LOOK_FORWARD)
    first_free = None
    bookings = ctx.bookings.bookings_made(scope.employee_ids, service_level.CUSTOMER_BOOKINGS, window.start,
                                          window.end)
    if scope.employee_ids and horizon > timedelta(0):
        # Independent reads: the bookings travel with the search's schedules and calendars.
        loaded, documents = await asyncio.gather(
            slot_search.load_search(ctx, customer_search(scope, now, now + horizon), config), bookings)
        first_free = next(iter(loaded.slots()), None)
    else:
        documents = await bookings
    since = {m.employee_id: m.date_assigned for m in group.memberships}
    return {
        "serviceGroupId": group.id, "serviceGroupName": group.name, "from": window.first.isoformat(),
        "to": window.last.isoformat(), "timeZone": settings.zone, "measuredAt": format_utc(now),
        "topic": scope.topic_id,
        "serviceLevel": service_level.target(group.service_level),
        "measured": service_level.measured(service_level.lead_times(documents, since), group.service_level),
        "firstFreeSlot": None if first_free is None else {
            "startDate": format_utc(first_free.start), "employeeId": first_free.employee_id,
            "meetingType": first_free.meeting_type.value,
            "leadTime": format_timespan(service_level.whole_seconds(first_free.start - now))},
    }


def _topic_ids(config: dict[str, list]) -> set[str]:
    return {topic.id for topic in slot_search.config_items(config, kinds.TOPIC)}
