"""/bookme/config/timezones (V3): the time zones an organization can choose."""

from functions.routing import Call, RouteGroup
from shared.bootstrap import get_context
from shared.models.organization import TimeZone
from shared.services import organization

group = RouteGroup("timezones", "bookme/config/timezones", versions=("v3",), tag="Time Zones")


@group.get(response=list[TimeZone])
async def list_time_zones(call: Call):
    """List every IANA time zone, sorted by current UTC offset, then name."""
    return organization.time_zones(await get_context())
