"""Reservations: a time slot held for a few minutes (POST /time-slots/reserve) until booked."""

from pydantic import Field

from shared.models.common import ApiEnum, ApiModel, Line, UtcDateTime, Uuid


class SlotStatus(ApiEnum):
    """Only `Reserved` may be requested; the other statuses are what GET /time-slots reports."""

    RESERVED = "Reserved"


class SlotToReserve(ApiModel):
    start_date: UtcDateTime
    end_date: UtcDateTime
    status: SlotStatus = Field(description='Must be "Reserved" (case-insensitive).')
    room_id: Uuid | None = None
    employee_id: Uuid | None = None
    service_group: Line | None = Field(default=None, max_length=200)


class ReserveRequest(ApiModel):
    time_slot: SlotToReserve
    token: Uuid = Field(description="A reservation made earlier with the same token is replaced.")
    existing_meeting_id: Uuid | None = Field(
        default=None, description="The meeting being rescheduled: its own time does not conflict.")
    is_customer_initiated: bool = Field(
        default=True,
        description="BookMe addition: whether a customer makes this reservation, so that the advisor's daily "
                    "meeting-time cap applies. Defaults to true; advisors booking for themselves send false.")


class Reservation(ApiModel):
    """The reserved time slot, as POST /time-slots/reserve answers it."""

    id: Uuid
    start_date: UtcDateTime
    end_date: UtcDateTime
    status: SlotStatus = SlotStatus.RESERVED
    employee_id: Uuid | None = None
    room_id: Uuid | None = None
    service_group: Line | None = None
    token: Uuid
    expires_at: UtcDateTime


class StoredReservation(Reservation):
    """What the bookings container keeps besides the public fields."""

    existing_meeting_id: Uuid | None = None
    is_customer_initiated: bool = True

    def public(self) -> Reservation:
        return Reservation.model_validate(self.model_dump(include=set(Reservation.model_fields)))
