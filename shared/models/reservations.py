"""Reservations: a time slot held for a few minutes (POST /time-slots/reserve) until booked."""

from pydantic import Field

from shared.models.common import ApiEnum, ApiModel, Line, UtcDateTime, Uuid


class SlotStatus(ApiEnum):
    """Only `Reserved` may be requested; the other statuses are what GET /time-slots reports."""

    RESERVED = "Reserved"


class SlotToReserve(ApiModel):
    start_date: UtcDateTime = Field(description="Start, ISO 8601: a slot's startDate from /time-slots/available.")
    end_date: UtcDateTime = Field(description="End, ISO 8601: that slot's endDate.")
    status: SlotStatus = Field(description='Must be "Reserved" (case-insensitive).')
    room_id: Uuid | None = Field(default=None, description="The room to hold too (the slot's roomId).")
    employee_id: Uuid | None = Field(default=None, description="The employee to hold (the slot's employeeId).")
    service_group: Line | None = Field(default=None, max_length=200, description=(
        "The service group the booking is for, kept with the reservation."))


class ReserveRequest(ApiModel):
    time_slot: SlotToReserve = Field(description=(
        "The time to hold, as /time-slots/available offered it, with status \"Reserved\"."))
    token: Uuid = Field(description="A reservation made earlier with the same token is replaced.")
    existing_meeting_id: Uuid | None = Field(
        default=None, description="The meeting being rescheduled: its own time does not conflict.")
    is_customer_initiated: bool = Field(
        default=True,
        description="BookMe addition: whether a customer makes this reservation, so that the advisor's daily "
                    "meeting-time cap applies. Defaults to true; advisors booking for themselves send false.")


class Reservation(ApiModel):
    """The reserved time slot, as POST /time-slots/reserve answers it."""

    id: Uuid = Field(description="The reservation's id: book it with POST /meetings and this as timeSlotId.")
    start_date: UtcDateTime = Field(description="Start (UTC).")
    end_date: UtcDateTime = Field(description="End (UTC).")
    status: SlotStatus = Field(default=SlotStatus.RESERVED, description="Always Reserved.")
    employee_id: Uuid | None = Field(default=None, description="The employee held.")
    room_id: Uuid | None = Field(default=None, description="The room held.")
    service_group: Line | None = Field(default=None, description="As the request gave it.")
    token: Uuid = Field(description="The client's token: a new reservation with it replaces this one.")
    expires_at: UtcDateTime = Field(description=(
        "When the hold ends (RESERVATION_TTL after it was made, five minutes by default) unless booked first."))


class StoredReservation(Reservation):
    """What the bookings container keeps besides the public fields."""

    existing_meeting_id: Uuid | None = None
    is_customer_initiated: bool = True

    def public(self) -> Reservation:
        return Reservation.model_validate(self.model_dump(include=set(Reservation.model_fields)))
