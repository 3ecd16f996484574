"""GET /room-vacancies: the rooms at a location that are free for a reserved slot or meeting."""

from shared.adapters.cosmos_bookings import MEETING, RESERVATION
from shared.bootstrap import App
from shared.errors import NotFound
from shared.models.common import parse_utc
from shared.models.directory import Room
from shared.rules.booking import overlapping, room_calendar
from shared.services import directory
from shared.services.bookings import store


def _same_location(first: str, second: str) -> bool:
    return first.strip().casefold() == second.strip().casefold()


async def room_vacancies(app: App, location: str, time_slot_id: str) -> list[Room]:
    """Active rooms at `location` (case-insensitive) free for the whole slot; the slot's own
    room counts as free for it. 404 when no active reservation or meeting has that id."""
    now = app.clock()
    found = await store(app).find_slot(time_slot_id)
    reservation = next((d for d in found if d["type"] == RESERVATION and parse_utc(d["expiresAt"]) > now), None)
    meeting = next((d for d in found if d["type"] == MEETING and d["id"] == time_slot_id), None)
    meeting = meeting or next((d for d in found if d["type"] == MEETING), None)
    slot = reservation or meeting
    if slot is None:
        raise NotFound(f"No active reservation or meeting with id '{time_slot_id}'.")
    start, end = parse_utc(slot["startDate"]), parse_utc(slot["endDate"])
    own = {slot["id"], slot.get("existingMeetingId")} - {None}
    rooms = [v.item for v in await directory.list_rooms(app)
             if v.item.is_active and _same_location(v.item.location, location)]
    calendars = await store(app).calendars(slot["pk"], [room_calendar(r.id) for r in rooms])
    return [r for r in rooms if not overlapping(calendars[room_calendar(r.id)], start, end, now, own)]
