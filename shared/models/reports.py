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
# A capacity report runs the engine over every day of it; service levels read bookings only.
MAX_CAPACITY_DAYS = 92
MAX_SERVICE_LEVEL_DAYS = 366
# Query examples name the demo bank (functions/openapi_examples.py): its mortgage advisors
# (Boligrådgivning) and its Copenhagen customer service; dates are tomorrow and a week on.
DEMO_MORTGAGE_GROUP = "3f673b65-330b-5777-b19b-aec9e28f69c9"
DEMO_SERVICE_GROUP = "8bcaf206-8a09-5e2a-8d9e-603f6a795edf"


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
    from_: ReportDay = Field(alias="from", examples=["2025-10-10"], description=(
        "The first organization-local day of the report, included: `YYYY-MM-DD` (a date-time stands for its "
        "organization-local date)."))
    to: ReportDay = Field(examples=["2025-10-16"], description=(
        f"The last organization-local day, included: at most {MAX_CAPACITY_DAYS - 1} days after `from` for "
        f"capacity, {MAX_SERVICE_LEVEL_DAYS - 1} for service levels."))


class CapacityQuery(ReportWindow):
    service_group_id: Uuid | None = Field(None, description=(
        "Report on the service group's members (its `employeeIds`). Give exactly one of serviceGroupId, "
        "competenceGroupId and employeeIds."))
    competence_group_id: Uuid | None = Field(None, examples=[DEMO_MORTGAGE_GROUP], description=(
        "Report on the competence group's members and those of its child groups, transitively."))
    # At most MAX_REPORT_EMPLOYEES, checked with the groups' members (rules/report_scope.py): a URL
    # holding a thousand ids is longer than hosts accept anyway.
    employee_ids: list[Uuid] = Field([], description=(
        f"Report on these employees (at most {MAX_REPORT_EMPLOYEES:,}; repeat the key or separate them with "
        "commas)."))
    topic: Uuid | None = Field(None, description="The topic whose customer search `slots` counts. Default: the "
                                                 "group's one topic (a service group's trigger topic, a competence "
                                                 "group's topic); none for a group without one or for employeeIds.")
    meeting_types: list[MeetingType] = Field([], description="The meeting types the search asks for. Default: a "
                                                             "service group's trigger types, else every type.")
    meeting_duration: TimeSpan | None = Field(None, description="Default: the topic's, else 01:00:00.")
    group_by: GroupBy = Field(GroupBy.DAY, description="`Employee` adds each employee's own days.")


class ServiceLevelQuery(ReportWindow):
    service_group_id: Uuid = Field(examples=[DEMO_SERVICE_GROUP], description=(
        "The service group whose `serviceLevel` is measured over its members' customer bookings."))
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
    employee_id: str = Field(description="The employee's id.")
    name: str | None = Field(description="The employee's directory name.")
    excluded: Exclusion | None = Field(description="Why the report's search leaves the employee out entirely "
                                                   "(then `slots` are 0), as /time-slots/available/explain says.")
    totals: CapacityFigures = Field(description="The employee's figures over the whole window.")
    days: list[CapacityDay] = Field(description="The employee's figures per organization-local day.")


class CapacityReport(ApiModel):
    """Capacity per organization-local day (contract section 25)."""

    from_: str = Field(alias="from", json_schema_extra={"format": "date"}, description="The first day reported.")
    to: str = Field(json_schema_extra={"format": "date"}, description="The last day reported.")
    time_zone: str = Field(description="The organization's time zone, whose local days these are.")
    service_group_id: str | None = Field(None, description="The service group reported on, if one was asked for.")
    competence_group_id: str | None = Field(None, description="The competence group reported on, if one was.")
    group_name: str | None = Field(None, description="The service or competence group's name.")
    employee_ids: list[str] = Field(description="The employees reported on, sorted.")
    topic: str | None = Field(description="The topic of the search `slots` counts.")
    meeting_types: list[MeetingType] = Field(description="The meeting types it asks for; empty: every type.")
    meeting_duration: TimeSpan = Field(description="The length of the meeting that search looks for.")
    group_by: GroupBy = Field(description="`Day`, or `Employee` when `employees` is given too.")
    totals: CapacityFigures = Field(description="Everyone's figures over the whole window.")
    days: list[CapacityDay] = Field(description="Everyone's figures per organization-local day.")
    employees: list[EmployeeCapacity] | None = Field(None, description="With groupBy=Employee only.")


class ServiceLevelTarget(ApiModel):
    max_response_time: TimeSpan = Field(description="How soon after booking a customer's meeting should start.")
    target_percentage: float = Field(description="The share of customer bookings that should, 0 to 100.")
    max_meetings_per_day: int | None = Field(None, description="The group's own limit, shown as set; not measured.")


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
    start_date: UtcDateTime = Field(description="When the slot starts.")
    employee_id: str = Field(description="The advisor whose slot it is.")
    meeting_type: MeetingType = Field(description="Its meeting type (the first in type order at that time).")
    lead_time: TimeSpan = Field(description="From now to startDate, to the second.")


class ServiceLevelReport(ApiModel):
    """A service group's target beside what was measured (contract section 25)."""

    service_group_id: str = Field(description="The service group measured.")
    service_group_name: str = Field(description="Its name.")
    from_: str = Field(alias="from", json_schema_extra={"format": "date"},
                       description="The first day whose bookings were measured.")
    to: str = Field(json_schema_extra={"format": "date"}, description="The last day whose bookings were measured.")
    time_zone: str = Field(description="The organization's time zone, whose local days these are.")
    measured_at: UtcDateTime = Field(description="When the report was made: the `now` of firstFreeSlot.")
    topic: str | None = Field(description="The topic of the search for the first free slot.")
    service_level: ServiceLevelTarget = Field(description="The group's target, as configured.")
    measured: MeasuredServiceLevel = Field(description="What the customer bookings of the window measured.")
    first_free_slot: FirstFreeSlot | None = Field(description="The first slot a customer search for the group "
                                                              "offers now; null when none within the booking "
                                                              "horizon.")
