"""A customer books only what the search offers (contract section 20): one rule set for both.

`refusal` runs the availability engine itself for the one employee over exactly the booked
time, as a customer-initiated search at `now`, and checks that the booking is one of the
slots it offers. When it is not, the reasons are the section 14 codes of every rule that, on
its own, forbids that very start (of the time bounds, as in the notes of a search, only the first
on each side), `OffGrid` among them for a start off the :00/:30 grid.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.rules.availability import find_slots
from shared.rules.availability_explain import Exclusion, Notes, Reason, ordered
from shared.rules.availability_intervals import totals_per_day
from shared.rules.availability_model import Advisor, MeetingType, Organization, Room, SlotQuery
from shared.rules.availability_search import Search
from shared.rules.availability_time import span_us, to_us


@dataclass(frozen=True, slots=True)
class CustomerBooking:
    """What a customer asks for: [start, end) with one employee, of one meeting type (None: any, a reservation)."""

    start: datetime
    end: datetime
    meeting_type: MeetingType | None = None
    require_room: bool = False
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)


def refusal(org: Organization, advisor: Advisor, rooms: Sequence[Room], booking: CustomerBooking,
            now: datetime) -> tuple[Reason | Exclusion, ...] | None:
    """None when the search would offer the booking; else why not (at least one code).

    `advisor.busy` must leave out what the booking itself releases (the reservation it replaces,
    the meeting it moves); `rooms` are the rooms at the meeting location, in preference order.
    """
    query = SlotQuery(
        now=now, start=booking.start, end=booking.end, duration=booking.end - booking.start,
        meeting_types=frozenset({booking.meeting_type}) if booking.meeting_type else frozenset(),
        customer_initiated=True, explicit_ids=(advisor.employee_id,), require_room=booking.require_room,
        buffer_before=booking.buffer_before, buffer_after=booking.buffer_after,
    )
    notes = Notes()
    if any(slot.start == booking.start for slot in find_slots(org, [advisor], rooms, query, notes)):
        return None
    excluded = notes.excluded.get(advisor.employee_id)
    if excluded is not None:
        return (excluded,)
    return ordered(_forbidding(Search(org, rooms, query), advisor, to_us(booking.start)))


def _forbidding(search: Search, advisor: Advisor, start_us: int) -> set[Reason]:
    """Every rule of the search that on its own forbids a slot starting at `start_us`."""
    item = next(item for item in search.window if item.day.start_us <= start_us < item.day.end_us)
    day = item.day
    reasons: set[Reason] = {Reason.CLOSING_DAY} if item.closed else set()
    if start_us not in day.grid:
        reasons.add(Reason.OFF_GRID)
    wall, length = search.calendar.wall_us, search.duration
    covering = [workday for workday in advisor.workdays
                if workday.is_available and workday.day_of_week == day.weekday
                and wall(day.day, workday.start) <= start_us <= wall(day.day, workday.end, is_end=True) - length]
    dropped = [search.dropped_for(advisor, workday) for workday in covering]
    if not covering:
        reasons.add(Reason.NOT_A_WORKDAY)
    elif None not in dropped:
        reasons.update(reason for reason in dropped if reason is not None)
    # As in the notes of a search: of the time bounds on one side, the first that forbids it.
    reasons.update(next(([reason] for reason, bound in item.lows if start_us < bound), []))
    reasons.update(next(([reason] for reason, bound in item.highs if start_us > bound), []))
    # Booked or Outlook time forbids the start when it holds every type the customer could have there.
    offered = {kind for workday in covering if search.dropped_for(advisor, workday) is None
               for kind in workday.meeting_types} & search.types
    reasons |= search.busy_forbidding(advisor, start_us, offered or search.types)
    booked = totals_per_day(search.active(advisor.busy, counting_only=True), [day.start_us], [day.end_us])[0]
    if booked > span_us(advisor.daily_cap) - length:
        reasons.add(Reason.DAILY_CAP_REACHED)
    if search.query.require_room and search.room_at(start_us) is None:
        reasons.add(Reason.NO_ROOM_AVAILABLE)
    return reasons
