"""Time-slot searches and answers (contract section 9)."""

from datetime import datetime, timedelta

from pydantic import ConfigDict, Field, field_validator

from shared.models.common import ApiEnum, ApiModel, Line, MeetingType, TimeSpan, UtcDateTime, Uuid, format_utc
from shared.rules.availability_explain import Exclusion, Reason

MAX_LOOK_FORWARD = timedelta(days=92)


class EmployeeType(ApiEnum):
    """A pool of employees a search draws from when requireEmployeeParticipation is false."""

    EXPLICIT = "Explicit"
    LOCAL = "Local"
    SERVICE_GROUP = "ServiceGroup"
    GLOBAL = "Global"  # V1 only: accepted by the parser so the answer can say why it is refused


# Query examples name the demo bank (functions/openapi_examples.py): its mortgage topic, Boliglån.
DEMO_TOPIC = "47ade69d-5041-51e6-b652-ee0d788a4175"
DEMO_ADVISOR = "75cfc8aa-5c76-5745-9f06-4a4ed9a64803"  # Mette Nielsen


class AvailableSlotsQuery(ApiModel):
    explicit_employee_ids: list[Uuid] = Field(default=[], description=(
        "Employees to search (UUIDs; repeat the key or separate them with commas). With employeeTypes `Explicit`: "
        "these employees, or every employee when none are given. With requireEmployeeParticipation=true: the "
        "employees who must all take part (at least one)."))
    start_date: UtcDateTime | None = Field(default=None, examples=["2025-10-10T00:00:00Z"], description=(
        "Start of the search window, ISO 8601 (`2025-10-10T00:00:00Z`; without an offset it is UTC). Default: now. "
        "No slot starts in the past."))
    look_forward_time: TimeSpan = Field(default=timedelta(days=7), examples=["7.00:00:00"], description=(
        "Length of the search window from startDate, a TimeSpan `[d.]hh:mm:ss` (`7.00:00:00` is seven days; ISO "
        "8601 `P7D` is accepted too). Default `7.00:00:00`, at most `92.00:00:00`."))
    topic: Uuid | None = Field(default=None, examples=[DEMO_TOPIC], description=(
        "A meeting topic's id: only employees of a competence group (or of its child groups) that lists the "
        "topic; its meetingDuration is the default length. An unknown topic is a 400."))
    customer_type_id: Uuid | None = Field(default=None, description=(
        "A customer type's id: only employees of a competence group (or of its child groups) that lists it. An "
        "unknown customer type is a 400."))
    employee_types: list[EmployeeType] = Field(default=[], examples=[["Local"]], description=(
        "The pools of employees to search, united; required (at least one) when requireEmployeeParticipation is "
        "false. `Explicit`: explicitEmployeeIds, or every employee when none are given. `Local`: employees whose "
        "workday that day is at customerLocation. `ServiceGroup`: the members of the service groups. `Global` (V1) "
        "is refused."))
    meeting_types: list[MeetingType] = Field(default=[], examples=[["Physical"]], description=(
        "The meeting types to offer, in any letter case (`physical`); default: every type the workday offers."))
    customer_location: Line | None = Field(default=None, max_length=200, examples=["CPH-HQ"], description=(
        "Where the customer is: a location identifier such as `CPH-HQ` (free text, compared ignoring case). "
        "Needed by employeeTypes `Local`; the default meetingLocation."))
    meeting_location: Line | None = Field(default=None, max_length=200, description=(
        "Where the meeting is held, for its room (free text). Default: customerLocation."))
    require_room: bool = Field(default=False, description=(
        "true: only slots with a free room at meetingLocation, which the slot names. A location with "
        "requireAvailableRoom needs one anyway. Default false."))
    is_customer_initiated: bool = Field(default=False, examples=[True], description=(
        "true when a customer searches: slots also lie within opening hours, after the minimum booking notice "
        "and before maxTimeFromBookingToMeeting (organization settings). Default false."))
    require_employee_participation: bool = Field(examples=[False], description=(
        "Required. true: every employee of explicitEmployeeIds takes part in each slot (the first is employeeId, "
        "the others additionalEmployees). false: each slot has one employee of the employeeTypes pools."))
    meeting_duration: TimeSpan | None = Field(default=None, examples=["01:00:00"], description=(
        "The meeting's length, a TimeSpan `hh:mm:ss` (ISO 8601 `PT1H` accepted). Default: the topic's "
        "meetingDuration, else `01:00:00`; at most `1.00:00:00`."))

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
    """A time a meeting can be booked: reserve it (POST /time-slots/reserve) or book it (POST /meetings)."""

    start_date: UtcDateTime = Field(description="When the meeting would start (UTC, on the organization's :00/:30 "
                                                "grid).")
    end_date: UtcDateTime = Field(description="When it would end: startDate plus the meeting's duration.")
    meeting_type: MeetingType = Field(description="How the meeting is held; one entry per type the employee offers.")
    employee_id: str = Field(description="The employee who is free (the first of explicitEmployeeIds in a "
                                         "requireEmployeeParticipation search).")
    room_id: str | None = Field(default=None, description="The free room, only when a room was required.")
    additional_employees: list[str] | None = Field(default=None, description=(
        "The other employees who take part, only in a requireEmployeeParticipation search with several."))


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
    """Available: free; Reserved: held by a reservation; Booked: taken by a meeting."""

    AVAILABLE = "Available"
    RESERVED = "Reserved"
    BOOKED = "Booked"


class TimeSlotsQuery(ApiModel):
    employee_id: Uuid | None = Field(default=None, examples=[DEMO_ADVISOR], description=(
        "The employee whose time to list; employeeId or roomId is required (both: the employee's time in which "
        "the room is free too)."))
    room_id: Uuid | None = Field(default=None, description="The room whose time to list.")
    start_date: UtcDateTime = Field(examples=["2025-10-10T00:00:00Z"], description=(
        "Start of the range, ISO 8601 (without an offset it is UTC)."))
    end_date: UtcDateTime = Field(examples=["2025-10-17T00:00:00Z"], description=(
        "End of the range, ISO 8601; at most 92 days after startDate."))
    status: list[SlotStatus] = Field(default=[], description=(
        "Only slots of these statuses (repeat the key for more); default: all."))


class TimeSlot(ApiModel):
    id: str = Field(description="A meeting's id (Booked), a reservation's id (Reserved), or a stable id of the "
                                "free half-hour (Available).")
    employee_id: str | None = Field(default=None, description="The employee, when the search named one.")
    room_id: str | None = Field(default=None, description="The room, when the search named one.")
    start_time: UtcDateTime = Field(description="Start (UTC).")
    end_time: UtcDateTime = Field(description="End (UTC).")
    status: SlotStatus = Field(description="Available, Reserved or Booked.")
    available: bool = Field(description="Whether the slot is free: true exactly when status is Available.")


class ExplainedDay(ApiModel):
    date: str = Field(description="An organization-local date of the search window, YYYY-MM-DD.",
                      json_schema_extra={"format": "date"})
    slot_count: int = Field(description="The employee's entries that day in /time-slots/available (every type).")
    reasons: list[Reason] = Field(description="Each rule that removed time inside the employee's workdays that "
                                              "day, in this order; empty when none did.")


class ExplainedEmployee(ApiModel):
    employee_id: str = Field(description="The candidate employee's id.")
    excluded: Exclusion | None = Field(description="Why the employee was left out of the search entirely "
                                                   "(then `days` is empty); null when searched.")
    days: list[ExplainedDay] = Field(description="One entry per organization-local date of the search window, "
                                                 "by date; empty when the employee was excluded.")


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
