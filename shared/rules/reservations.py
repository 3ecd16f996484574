"""Reservation rules: what a reservation holds, how long, and who may consume it. Pure."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from shared.errors import Conflict, InvalidRequest
from shared.rules.booking import RESERVATION_ENTRY, Claim, employee_calendar, room_calendar


def expiry(now: datetime, ttl: timedelta) -> datetime:
    """When a reservation made now stops holding its time (RESERVATION_TTL later)."""
    return now + ttl


def is_active(expires_at: datetime, now: datetime) -> bool:
    """Active strictly before expiresAt: at expiresAt exactly it no longer blocks."""
    return now < expires_at


def resources(employee_id: str | None, room_id: str | None) -> tuple[str, ...]:
    """The calendars a reservation holds; 400 when it names neither an employee nor a room."""
    held = tuple(r for r in (employee_id and employee_calendar(employee_id), room_id and room_calendar(room_id)) if r)
    if not held:
        raise InvalidRequest("A reservation needs an employeeId or a roomId.",
                             {"timeSlot.employeeId": ["Give an employeeId, a roomId or both."]})
    return held


def claim(id: str, token: str, start: datetime, end: datetime, expires_at: datetime, held: tuple[str, ...],
          replaced: Iterable[str] = (), existing_meeting_id: str | None = None,
          caps: Mapping[str, timedelta] | None = None,
          buffers: tuple[timedelta, timedelta] = (timedelta(0), timedelta(0))) -> Claim:
    """The claim of a new reservation: it replaces the `replaced` ones (same token), does not
    conflict with the meeting it reschedules, and holds its buffers (section 12)."""
    return Claim(id, RESERVATION_ENTRY, start, end, held, expires_at=expires_at, token=token,
                 releases=frozenset(replaced), ignores=frozenset({existing_meeting_id} - {None}),
                 caps=dict(caps or {}), buffer_before=buffers[0], buffer_after=buffers[1])


def check_consumable(id: str, expires_at: datetime | None, existing_meeting_id: str | None, now: datetime,
                     meeting_id: str | None = None) -> None:
    """400 unless the reservation exists, is active, and (when made to reschedule a meeting)
    is used for that meeting."""
    if expires_at is None or not is_active(expires_at, now):
        raise InvalidRequest(f"No active reservation with id '{id}'.",
                             {"timeSlotId": ["The reservation does not exist or has expired."]})
    if existing_meeting_id is not None and existing_meeting_id != meeting_id:
        raise InvalidRequest(f"Reservation '{id}' was made to reschedule meeting '{existing_meeting_id}'.",
                             {"timeSlotId": ["The reservation belongs to another meeting."]})


def check_kept(reservation: Mapping[str, object], employee_id: str, room_id: str | None) -> None:
    """409 when a meeting made from a reservation names another employee or room than the one
    the reservation holds: the reservation held that time for those, not for others."""
    held_employee, held_room = reservation.get("employeeId"), reservation.get("roomId")
    if held_employee and employee_id != held_employee:
        raise Conflict(f"Reservation {reservation['id']} holds the time for employee {held_employee}; a meeting "
                       f"made from it keeps that employee (employeeId {employee_id} was given).")
    if held_room and room_id and room_id != held_room:
        raise Conflict(f"Reservation {reservation['id']} holds the time in room {held_room}; a meeting made "
                       f"from it keeps that room (roomId {room_id} was given).")


def was_checked_for_customers(reservation: Mapping[str, object]) -> bool:
    """Whether the reservation was checked, when made, against what a customer search offers
    (section 20): a customer meeting made from it is not checked again."""
    return reservation.get("isCustomerInitiated", True) is not False
