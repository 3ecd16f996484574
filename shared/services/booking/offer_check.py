"""What a booking decides inside its batch besides conflicts: the room a meeting gets (section 13)
and, for customers, that the search would offer the time (section 20). Both read only the
configuration the booking's one lookup query loaded and the calendars its batch reads."""

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.errors import Conflict
from shared.models.common import MeetingType
from shared.models.directory import Room
from shared.models.locations import Location
from shared.models.meetings import Meeting
from shared.rules import availability as engine
from shared.rules import availability_inputs as inputs
from shared.rules.availability_explain import Exclusion, Reason
from shared.rules.availability_pools import Candidate
from shared.rules.booking import Calendar, employee_calendar, outlook_calendar, room_calendar
from shared.rules.customer_offer import CustomerBooking, refusal
from shared.rules.local_days import local_date
from shared.rules.locations import meeting_location, same_location
from shared.rules.outlook_sync import follows
from shared.rules.rooms import choose_room, rooms_at
from shared.services.booking.lookups import Parties

# Raises Conflict (with reasons) when a customer may not take the time.
Check = Callable[[Mapping[str, Calendar], datetime], None]


@dataclass(frozen=True)
class RoomChoice:
    """Section 13: the rooms a Physical meeting without roomId may get (rooms_at order) and
    whether the location requires one."""

    candidates: list[Room]
    seats: int
    required: bool

    @property
    def resources(self) -> set[str]:
        return {room_calendar(room.id) for room in self.candidates}


def with_room(meeting: Meeting, choice: RoomChoice | None, calendars: Mapping[str, Calendar],
              at: datetime) -> Meeting:
    """The meeting with the room section 13 gives it (none free: 409 when the location requires one)."""
    if choice is None:
        return meeting
    room = choose_room(choice.candidates, choice.seats, calendars, meeting.start_date, meeting.end_date, at,
                       {meeting.id})
    if room is None and choice.required:
        raise Conflict("No room that seats everyone is free at the meeting's location, and the location requires one.",
                       extensions={"reasons": [Reason.NO_ROOM_AVAILABLE.value]})
    return meeting.model_copy(update={"room_id": room.id if room else None})


def location_of(parties: Parties, employee_id: str, start: datetime) -> tuple[str | None, Location | None]:
    """The meeting's location text (the employee's workday that date, else the directory's) and its Location."""
    schedule = parties.schedules.get(employee_id)
    workday = schedule.workday(local_date(start, parties.settings.zone).weekday()) if schedule else None
    employee = parties.employees.get(employee_id)
    text = meeting_location(workday.location if workday else None, employee.location if employee else None)
    return text, next((loc for loc in parties.locations if same_location(loc.location, text)), None)


def room_choice(parties: Parties, employee_id: str, start: datetime, meeting_type: MeetingType,
                room_id: str | None, seats: int) -> RoomChoice | None:
    """A Physical meeting without a room at a location that adds rooms gets the smallest free one."""
    if meeting_type is not MeetingType.PHYSICAL or room_id:
        return None
    text, location = location_of(parties, employee_id, start)
    if location is None or not location.add_rooms_to_booked_meetings:
        return None
    return RoomChoice(rooms_at(parties.rooms.values(), text), seats, location.require_available_room)


def customer_check(parties: Parties, employee_id: str, start: datetime, end: datetime,
                   meeting_type: MeetingType | None, buffers: tuple[timedelta, timedelta], room_id: str | None,
                   ignores: Iterable[str] = ()) -> tuple[Check, frozenset[str]]:
    """The section 20 check of a customer booking, and the calendars it reads besides the booking's
    own (the employee's Outlook time, the rooms). The engine itself decides: the booking must be one
    of the slots a customer search would offer now."""
    text, location = location_of(parties, employee_id, start)
    needs_room = bool(location and location.require_available_room and not room_id)
    rooms = rooms_at(parties.rooms.values(), text) if needs_room else []
    skip = set(ignores)
    schedule = parties.schedules.get(employee_id)
    org = inputs.organization(parties.settings)
    outlook = outlook_calendar(employee_id) if follows(parties.settings.outlook_sync,
                                                       parties.employees.get(employee_id)) else None

    def busy(*calendars: Calendar | None) -> tuple[engine.Busy, ...]:
        return inputs.busy_of(e for calendar in calendars if calendar for e in calendar.entries if e.ref not in skip)

    def check(calendars: Mapping[str, Calendar], at: datetime) -> None:
        if schedule is None:
            reasons: tuple = (Exclusion.NO_SCHEDULE,)
        else:
            advisor = dataclasses.replace(
                inputs.advisor(schedule, Candidate(employee_id), [], parties.settings.max_meeting_time_per_day, []),
                daily_cap=parties.employee_caps.get(employee_id, parties.settings.max_meeting_time_per_day),
                busy=busy(calendars.get(employee_calendar(employee_id)), calendars.get(outlook) if outlook else None))
            engine_rooms = [engine.Room(r.id, busy(calendars.get(room_calendar(r.id)))) for r in rooms]
            found = refusal(org, advisor, engine_rooms,
                            CustomerBooking(start, end, meeting_type, needs_room, *buffers), at)
            if found is None:
                return
            reasons = found
        codes = [reason.value for reason in reasons]
        why = ", ".join(codes)
        raise Conflict(f"A customer can book only a time that /time-slots/available offers; this one is not "
                       f"offered: {why}.", extensions={"reasons": codes})

    # The employee's Outlook time is read in the same query as the calendars (contract section 23).
    return check, frozenset({*([outlook] if outlook else []), *(room_calendar(r.id) for r in rooms)})
