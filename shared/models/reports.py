"""Capacity and service-level reports (contract section 25): their queries and answers.

The answers are built as plain JSON by shared/rules/capacity.py and service_level.py (a report
may hold 92,000 rows); the answer models here document them in the OpenAPI documents.
"""

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from shared.models.common import ApiEnum, ApiModel, MeetingType, TimeSpan, UtcDateTime, Uuid, parse_utc
from shared.rules.availability_explain import Exclusion

MAX_REPORT_EMPLOYEES = 1000


def _day_or_moment(value: Any) -> Any:
    """`YYYY-MM-DD` is an organization-local date; a date-time stands for its local date (the
    service knows the organization's time zone, the parser does not)."""
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value}' is not a date like 2025-10-06") from None
    return parse_utc(value)


ReportDay = Annotated[
    date | datetime,
    BeforeValidator(_day_or_moment),
    WithJsonSchema({"type": "string", "example": "2025-10-06",
                    "description": "An organization-local date (YYYY-MM-DD), or a date-time standing for "
                                   "its organization-local date."}),
]


class GroupBy(ApiEnum):
    DAY = "Day"
    EMPLOYEE = "Employee"


class ReportWindow(ApiModel):
    from_: ReportDay = Field(alias="from", description="The first organization-local day, included.")
    to: ReportDay = Field(description="The last organization-local day, included.")


class CapacityQuery(ReportWindow):
    service_group_id: Uuid | None = Field(None, description="Report on the service group's members (`employeeIds`).")
    competence_group_id: Uuid | None = Field(None, description="Report on the competence group's members and those "
                                                               "of its child groups, transitively.")
    employee_ids: list[Uuid] = Field([], max_length=MAX_REPORT_EMPLOYEES, description="Report on these employees.")
    topic: Uuid | None = Field(None, description="The topic whose customer search `slots` counts. Default: the "
                                                 "group's one topic (a service group's trigger topic, a competence "
                                                 "group's topic); none for a group without one or for employeeIds.")
    meeting_types: list[MeetingType] = Field([], description="The meeting types the search asks for. Default: a "
                                                             "service group's trigger types, else every type.")
    meeting_duration: TimeSpan | None = Field(None, description="Default: the topic's, else 01:00:00.")
    group_by: GroupBy = Field(GroupBy.DAY, description="`Employee` adds each employee's own days.")


class ServiceLevelQuery(ReportWindow):
    service_group_id: Uuid = Field(description="The service group whose target is measured.")
    topic: Uuid | None = Field(None, description="The topic of the search for the first free slot. Default: the "
                                                 "service trigger's one topic, if it names exactly one.")


class CapacityFigures(ApiModel):
    """Minutes of one day (or of the window) of one employee or of everyone in the report."""

    scheduled_minutes: float = Field(description="Working time within opening hours; closing days have none.")
    booked_minutes: float = Field(description="Meetings and active reservations within the scheduled time, "
                                              "without their buffers (as the daily cap counts).")
    buffer_minutes: float = Field(description="Buffers around bookings within the scheduled time, not booked, "
                                              "not Outlook time.")
    outlook_busy_minutes: float = Field(description="Outlook time (busy, tentative, away, unknown) within the "
                                                    "scheduled time that is not booked.")
    free_minutes: float = Field(description="Scheduled time nothing holds: scheduled = booked + buffer + "
                                            "outlookBusy + free.")
    working_elsewhere_minutes: float = Field(description="The part of the free time an advisor's Outlook shows "
                                                         "them working elsewhere: no Physical meetings there.")
    utilization: float | None = Field(description="bookedMinutes / scheduledMinutes, 0 to 1; null when nothing "
                                                  "was scheduled.")
    slots: int = Field(description="The entries /time-slots/available returns for that day (every meeting type) "
                                   "in the report's customer search.")


class CapacityDay(CapacityFigures):
    date: str = Field(json_schema_extra={"format": "date"}, description="The organization-local date.")


class EmployeeCapacity(ApiModel):
    employee_id: str
    name: str | None = Field(description="The employee's directory name.")
    excluded: Exclusion | None = Field(description="Why the report's search leaves the employee out entirely "
                                                   "(then `slots` are 0), as /time-slots/available/explain says.")
    totals: CapacityFigures
    days: list[CapacityDay]


class CapacityReport(ApiModel):
    """Capacity per organization-local day (contract section 25)."""

    from_: str = Field(alias="from", json_schema_extra={"format": "date"})
    to: str = Field(json_schema_extra={"format": "date"})
    time_zone: str
    service_group_id: str | None = None
    competence_group_id: str | None = None
    group_name: str | None = Field(None, description="The service or competence group's name.")
    employee_ids: list[str] = Field(description="The employees reported on, sorted.")
    topic: str | None = Field(description="The topic of the search `slots` counts.")
    meeting_types: list[MeetingType] = Field(description="The meeting types it asks for; empty: every type.")
    meeting_duration: TimeSpan
    group_by: GroupBy
    totals: CapacityFigures
    days: list[CapacityDay]
    employees: list[EmployeeCapacity] | None = Field(None, description="With groupBy=Employee only.")


class ServiceLevelTarget(ApiModel):
    max_response_time: TimeSpan
    target_percentage: float
    max_meetings_per_day: int | None = None


class MeasuredServiceLevel(ApiModel):
    bookings: int = Field(description="The customer bookings that count (see the description).")
    within_max_response_time: int = Field(description="Of those, the ones whose meeting starts within "
                                                      "maxResponseTime of the moment it was booked.")
    percentage: float | None = Field(description="withinMaxResponseTime / bookings, 0 to 100; null without bookings.")
    meets_target: bool | None = Field(description="percentage >= targetPercentage; null without bookings.")
    median_lead_time: TimeSpan | None = Field(description="From booking to the meeting's start, to the second.")
    percentile90_lead_time: TimeSpan | None = Field(description="The 90th percentile of the same, linear between "
                                                                "the two nearest bookings.")


class FirstFreeSlot(ApiModel):
    start_date: UtcDateTime
    employee_id: str
    meeting_type: MeetingType
    lead_time: TimeSpan = Field(description="From now to startDate, to the second.")


class ServiceLevelReport(ApiModel):
    """A service group's target beside what was measured (contract section 25)."""

    service_group_id: str
    service_group_name: str
    from_: str = Field(alias="from", json_schema_extra={"format": "date"})
    to: str = Field(json_schema_extra={"format": "date"})
    time_zone: str
    measured_at: UtcDateTime
    topic: str | None
    service_level: ServiceLevelTarget
    measured: MeasuredServiceLevel
    first_free_slot: FirstFreeSlot | None = Field(description="The first slot a customer search for the group "
                                                              "offers now; null when none within the booking "
                                                              "horizon.")
