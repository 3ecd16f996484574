"""GET /room-vacancies: rooms at a location free for a reserved slot or meeting."""

from pydantic import Field

from functions.routing import Call, RouteGroup
from shared.bootstrap import get_context
from shared.models.common import ApiModel, Line, Uuid
from shared.models.directory import Room
from shared.services.booking.vacancies import room_vacancies

group = RouteGroup("room_vacancies", "room-vacancies", tag="Rooms")


class VacancyQuery(ApiModel):
    location: Line = Field(min_length=1, max_length=200,
                           description="The rooms' location, compared case-insensitively.")
    time_slot_id: Uuid = Field(description="The id of an active reservation, or of a meeting.")


@group.get(query=VacancyQuery, response=list[Room])
async def list_room_vacancies(call: Call):
    """Rooms at the location that are free for the whole reserved slot or meeting."""
    return await room_vacancies(await get_context(), call.query.location, call.query.time_slot_id)
