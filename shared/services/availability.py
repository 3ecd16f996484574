"""GET /time-slots: an employee's or a room's slots; the searches (/time-slots/available and
its explanation) are in slot_search.py, re-exported here."""

import uuid
from datetime import datetime, timedelta
from typing import Any

from shared.context import Context
from shared.errors import invalid
from shared.models.organization import OrganizationSetting
from shared.models.time_slots import SlotStatus, TimeSlot, TimeSlotsQuery
from shared.rules import availability as engine
from shared.rules import availability_inputs as inputs
from shared.rules.availability_pools import Candidate
from shared.rules.booking import SPILL_ENTRY, employee_calendar, room_calendar
from shared.rules.local_days import search_days
from shared.services.organization import current_settings
from shared.services.schedules import schedule_of
from shared.services.slot_search import available_slots, explain_slots

__all__ = ["available_slots", "explain_slots", "time_slots"]

GRID = timedelta(minutes=30)
MAX_RANGE = timedelta(days=92)
SLOT_IDS = uuid.UUID("0b6f1f5e-3c55-4f0e-9d0c-6f3f7d1c2a91")



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
        raise invalid("employeeId", "Give employeeId or roomId.")
    if query.end_date <= query.start_date or query.end_date - query.start_date > MAX_RANGE:
        raise invalid("endDate", "endDate must be after startDate and at most 92 days later.")
    settings = (await current_settings(ctx)).item
    resource = employee_calendar(query.employee_id) if query.employee_id else room_calendar(query.room_id)
    resources = [resource] + ([room_calendar(query.room_id)] if query.employee_id and query.room_id else [])
    first_day, last_day = search_days(query.start_date, query.end_date, settings.zone)
    entries = await ctx.bookings.calendar_entries(resources, first_day, last_day)
    now = ctx.clock()
    found: list[TimeSlot] = []
    held = entries.get(resource, [])
    for entry, busy in zip(held, inputs.busy(held), strict=True):
        expired = busy.expires_at is not None and busy.expires_at <= now
        # A spill copies an entry the neighbouring day lists already (shared/rules/spills.py); Outlook
        # time is not a BookMe slot: it only keeps slots from being Available.
        if expired or busy.end <= query.start_date or busy.start >= query.end_date or entry.get("kind") == SPILL_ENTRY \
                or busy.kind is not engine.BusyKind.BOOKED:
            continue
        status = SlotStatus.BOOKED if entry.get("kind") == "meeting" else SlotStatus.RESERVED
        found.append(TimeSlot(id=entry["ref"], employee_id=query.employee_id, room_id=query.room_id,
                              start_time=busy.start, end_time=busy.end, status=status, available=False))

    if query.employee_id:
        schedule = await schedule_of(ctx, query.employee_id)
        # Whether the employee opted out is not read here: the subscriptions timer removes their Outlook time.
        advisors = [inputs.advisor(schedule, Candidate(query.employee_id), [], settings.max_meeting_time_per_day,
                                   entries.get(resource, []), settings.outlook_sync.reads_outlook)] if schedule else []
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
