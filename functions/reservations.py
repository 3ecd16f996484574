"""POST /time-slots/reserve: hold a time slot for a few minutes until it is booked.

Its own route group: the Functions route `{version}/bookme/time-slots/reserve/{*rest}` has a
literal segment more than the time-slots group's catch-all, so the host routes it here.
"""

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.bootstrap import get_context
from shared.models.reservations import Reservation, ReserveRequest
from shared.services import reservations

group = RouteGroup("reservations", "time-slots/reserve", tag="Time Slots")


@group.post(body=ReserveRequest, response=Reservation, status=201)
async def reserve_time_slot(call: Call):
    """Reserve a time slot; the same token replaces its earlier reservation."""
    return Reply(await reservations.reserve(await get_context(), call.body), 201)


bp = group.blueprint()
