"""Rooms added to booked meetings (contract section 13): which location a meeting is at, and
which room it gets. Pure."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from shared.models.directory import Room
from shared.rules.booking import Calendar, overlapping, room_calendar
from shared.rules.locations import same_location


def rooms_at(rooms: Iterable[Room], location: str | None) -> list[Room]:
    """The active rooms of a location, smallest first, ties by name: the order rooms are offered in."""
    return sorted((room for room in rooms if room.is_active and same_location(room.location, location)),
                  key=lambda room: (room.capacity, room.name.casefold(), room.id))


def choose_room(candidates: Sequence[Room], seats: int, calendars: Mapping[str, Calendar], start: datetime,
                end: datetime, now: datetime, excluded: Iterable[str] = ()) -> Room | None:
    """The smallest room of `candidates` (from rooms_at) that seats `seats` and is free for [start, end);
    rooms are held for the meeting time only, never its buffers. `excluded` refs (the meeting being
    moved) do not hold a room."""
    skip = set(excluded)
    for room in candidates:
        resource = room_calendar(room.id)
        if room.capacity >= seats and not overlapping(calendars.get(resource, Calendar(resource)), start, end, now,
                                                      skip):
            return room
    return None
