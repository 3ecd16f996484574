"""/time-slots and /time-slots/available: when advisors and rooms are free."""

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.bootstrap import get_context
from shared.models.time_slots import AvailableSlot, AvailableSlotsQuery, TimeSlot, TimeSlotsQuery
from shared.services import availability

group = RouteGroup("time_slots", "time-slots")


@group.get("available", query=AvailableSlotsQuery, response=list[AvailableSlot])
async def list_available_time_slots(call: Call):
    """Available time slots for booking, every rule of the engine applied."""
    return Reply(await availability.available_slots(await get_context(), call.query), json_ready=True)


@group.get(query=TimeSlotsQuery, response=list[TimeSlot])
async def list_time_slots(call: Call):
    """An employee's or a room's time slots in a range: Available, Reserved or Booked."""
    return await availability.time_slots(await get_context(), call.query)


bp = group.blueprint()
