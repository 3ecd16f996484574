"""GET /room-vacancies: the rooms at a location that are free for a reserved slot or meeting."""

from shared import kinds
from shared.context import Context
from shared.errors import NotFound
from shared.models.common import parse_utc
from shared.models.directory import Room
from shared.rules.booking import overlapping, room_calendar
from shared.rules.calendar_documents import MEETING_DOC, RESERVATION_DOC
from shared.rules.locations import same_location


async def room_vacancies(ctx: Context, location: str, time_slot_id: str) -> list[Room]:
    """Active rooms at `location` free for the whole slot; the slot's own room counts as free
    for it. 404 when no active reservation or meeting has that id."""
    now = ctx.clock()
    found = await ctx.bookings.find_slot(time_slot_id)
    reservation = next((d for d in found if d["type"] == RESERVATION_DOC and parse_utc(d["expiresAt"]) > now), None)
    meeting = next((d for d in found if d["type"] == MEETING_DOC and d["id"] == time_slot_id), None)
    meeting = meeting or next((d for d in found if d["type"] == MEETING_DOC), None)
    slot = reservation or meeting
    if slot is None:
        raise NotFound(f"No active reservation or meeting with id '{time_slot_id}'.")
    start, end = parse_utc(slot["startDate"]), parse_utc(slot["endDate"])
    own = {slot["id"], slot.get("existingMeetingId")} - {None}
    rooms = sorted((v.item for v in await ctx.store(kinds.ROOM).list()
                    if v.item.is_active and same_location(v.item.location, location)),
                   key=lambda r: (r.location.lower(), r.name.lower()))
    calendars = await ctx.bookings.calendars(slot["pk"], [room_calendar(r.id) for r in rooms])
    return [r for r in rooms if not overlapping(calendars[room_calendar(r.id)], start, end, now, own)]
