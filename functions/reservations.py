"""POST /time-slots/reserve: hold a time slot for a few minutes until it is booked.

Its own route group: the Functions route `{version}/bookme/time-slots/reserve/{*rest}` has a
literal segment more than the time-slots group's catch-all, so the host routes it here.
"""

from functions.http import keyed_reply
from functions.routing import Call, RouteGroup
from shared.bootstrap import get_context
from shared.models.reservations import Reservation, ReserveRequest
from shared.services import idempotency, reservations

group = RouteGroup("reservations", "time-slots/reserve", tag="Time Slots")


@group.post(body=ReserveRequest, response=Reservation, status=201, idempotent=True)
async def reserve_time_slot(call: Call):
    """Reserve a time slot; the same token replaces its earlier reservation. Accepts Idempotency-Key."""
    ctx = await get_context()
    return keyed_reply(await idempotency.run(
        ctx, call.principal.subject, "POST /time-slots/reserve", call.idempotency_key, call.request.get_body(), 201,
        lambda keep: reservations.reserve(ctx, call.body, keep)))
