"""Time-slot searches and answers (contract section 9)."""

from datetime import datetime, timedelta

from pydantic import ConfigDict, Field, field_validator

from shared.models.common import ApiEnum, ApiModel, Line, MeetingType, TimeSpan, UtcDateTime, Uuid, format_utc
from shared.rules.availability_explain import Exclusion, Reason

MAX_LOOK_FORWARD = timedelta(days=92)


class EmployeeType(ApiEnum):
    EXPLICIT = "Explicit"
    LOCAL = "Local"
    SERVICE_GROUP = "ServiceGroup"
    GLOBAL = "Global"  # V1 only: accepted by the parser so the answer can say why it is refused


class AvailableSlotsQuery(ApiModel):
    explicit_employee_ids: list[Uuid] = Field(default=[], description="Employees to search; empty means all.")
    start_date: UtcDateTime | None = Field(default=None, description="Start of the search; default now.")
    look_forward_time: TimeSpan = Field(default=timedelta(days=7), description="How far ahead to search.")
    topic: Uuid | None = None
    customer_type_id: Uuid | None = None
    employee_types: list[EmployeeType] = []
    meeting_types: list[MeetingType] = []
    customer_location: Line | None = Field(default=None, max_length=200)
    meeting_location: Line | None = Field(default=None, max_length=200, description="Defaults to customerLocation.")
    require_room: bool = False
    is_customer_initiated: bool = False
    require_employee_participation: bool
    meeting_duration: TimeSpan | None = Field(default=None, description="Default: the topic's, else 01:00:00.")

    @field_validator("look_forward_time")
    @classmethod
    def _bounded_window(cls, value: timedelta) -> timedelta:
        if not timedelta(0) < value <= MAX_LOOK_FORWARD:
            raise ValueError("must be longer than 00:00:00 and at most 92.00:00:00")
        return value

    @field_validator("meeting_duration")
    @classmethod
    def _positive_duration(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and not timedelta(0) < value <= timedelta(days=1):
            raise ValueError("must be longer than 00:00:00 and at most 1.00:00:00")
        return value


class AvailableSlot(ApiModel):
    start_date: UtcDateTime
    end_date: UtcDateTime
    meeting_type: MeetingType
    employee_id: str
    room_id: str | None = None
    additional_employees: list[str] | None = None


def slot_json(start: datetime, end: datetime, meeting_type: MeetingType, employee_id: str, room_id: str | None,
              additional_employees: tuple[str, ...]) -> dict:
    """An AvailableSlot as JSON, built directly: a search may answer half a million slots.
    roomId and additionalEmployees appear only when a room or several employees take part."""
    found = {"startDate": format_utc(start), "endDate": format_utc(end), "meetingType": meeting_type.value,
             "employeeId": employee_id}
    if room_id is not None:
        found["roomId"] = room_id
    if additional_employees:
        found["additionalEmployees"] = list(additional_employees)
    return found


class SlotStatus(ApiEnum):
    AVAILABLE = "Available"
    RESERVED = "Reserved"
    BOOKED = "Booked"


class TimeSlotsQuery(ApiModel):
    employee_id: Uuid | None = None
    room_id: Uuid | None = None
    start_date: UtcDateTime
    end_date: UtcDateTime
    status: list[SlotStatus] = []


class TimeSlot(ApiModel):
    id: str
    employee_id: str | None = None
    room_id: str | None = None
    start_time: UtcDateTime
    end_time: UtcDateTime
    status: SlotStatus
    available: bool



class ExplainedDay(ApiModel):
    date: str = Field(description="An organization-local date of the search window, YYYY-MM-DD.",
                      json_schema_extra={"format": "date"})
    slot_count: int = Field(description="The employee's entries that day in /time-slots/available (every type).")
    reasons: list[Reason] = Field(description="Each rule that removed time inside the employee's workdays that "
                                              "day, in this order; empty when none did.")


class ExplainedEmployee(ApiModel):
    employee_id: str
    excluded: Exclusion | None = Field(description="Why the employee was left out of the search entirely "
                                                   "(then `days` is empty); null when searched.")
    days: list[ExplainedDay]


class SlotExplanation(ApiModel):
    """Why each candidate employee has the slots it has (contract section 14)."""

    model_config = ConfigDict(json_schema_extra={"example": {
        "slotCount": 3,
        "employees": [
            {"employeeId": "5a3c9b2e-1f4d-4c8a-9e7b-2d6f0a1b3c4d", "excluded": None, "days": [
                {"date": "2025-10-10", "slotCount": 3, "reasons": ["InThePast", "Booked"]},
                {"date": "2025-10-11", "slotCount": 0, "reasons": ["NotAWorkday"]}]},
            {"employeeId": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "excluded": "NotQualifiedForTopic", "days": []},
        ]}})

    slot_count: int = Field(description="The number of entries /time-slots/available returns for the same query.")
    employees: list[ExplainedEmployee] = Field(description="Every candidate, sorted by employeeId; days by date.")
