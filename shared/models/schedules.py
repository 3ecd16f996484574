"""Employee schedules: each advisor's working week, bookability and daily meeting cap."""

from pydantic import Field

from shared.models.common import ApiEnum, ApiModel, Line, MeetingType, TimeSpan, Uuid
from shared.models.locations import Location
from shared.models.organization import LocalTime


class DayOfWeek(ApiEnum):
    """A weekday, Monday to Sunday."""

    MONDAY = "Monday"
    TUESDAY = "Tuesday"
    WEDNESDAY = "Wednesday"
    THURSDAY = "Thursday"
    FRIDAY = "Friday"
    SATURDAY = "Saturday"
    SUNDAY = "Sunday"

    @property
    def weekday(self) -> int:
        """Python's numbering: Monday is 0."""
        return list(DayOfWeek).index(self)


class MeetingTypeOption(ApiModel):
    type: MeetingType = Field(description="A meeting type offered that day.")


class WorkdayHours(ApiModel):
    is_available: bool = Field(default=True, description="false: the employee takes no meetings that day. "
                                                         "Default true.")
    day_of_week: DayOfWeek = Field(description="Monday to Sunday (any letter case); at most one workday each.")
    from_: LocalTime = Field(alias="from", description="Start of the working day, local time (08:00:00).")
    to: LocalTime = Field(description="End of the working day, local time (16:00:00); after `from`.")
    available_meeting_types: list[MeetingTypeOption] = Field(default=[], max_length=len(MeetingType), description=(
        "The meeting types offered that day, each at most once; none: no meetings."))

    @property
    def meeting_types(self) -> list[MeetingType]:
        return [option.type for option in self.available_meeting_types]


class Workday(WorkdayHours):
    location: Line | None = Field(default=None, max_length=200, description="Free text, usually a location "
                                                                           "identifier such as CPH-HQ.")


class ActualLocation(ApiModel):
    """A workday's location: the Location it names, or (id null) just the text the schedule holds."""

    id: Uuid | None = Field(description="The Location's id; null when no Location has that identifier.")
    location: str = Field(description="The location identifier, or the schedule's text when no Location has it.")
    display_name: str | None = Field(default=None, description="The Location's display name, else the text.")
    add_rooms_to_booked_meetings: bool = Field(default=False, description="As the Location says; false without one.")
    require_available_room: bool = Field(default=False, description="As the Location says; false without one.")

    @classmethod
    def of(cls, location: Location) -> "ActualLocation":
        return cls(**location.model_dump())

    @classmethod
    def unmatched(cls, text: str) -> "ActualLocation":
        return cls(id=None, location=text, display_name=text)


class ActualWorkday(WorkdayHours):
    location: ActualLocation | None = Field(
        default=None, description="The Location whose identifier matches the workday's location, else the "
        "employee's directory location; when no Location matches that text, an object with id null and the text "
        "as location and displayName. Null only when neither the workday nor the employee names a location.")


MaxMeetingTimePerDay = Field(default=None, description="Daily meeting-time cap; null: the service group's or "
                                                          "the organization's applies.")


class ScheduleFlags(ApiModel):
    employee_id: Uuid = Field(description="The employee whose schedule this is; one schedule each.")
    is_only_explicitly_available: bool = Field(default=False, description=(
        "true: searches offer the employee only when explicitEmployeeIds names them. Default false."))
    can_be_booked: bool = Field(default=True, description="false: the employee is never offered. Default true.")


class EmployeeScheduleWrite(ScheduleFlags):
    workdays: list[Workday] = Field(default=[], max_length=7, description=(
        "The working week, at most one workday per day; a weekday without one is free."))
    max_meeting_time_per_day: TimeSpan | None = MaxMeetingTimePerDay


class EmployeeSchedule(EmployeeScheduleWrite):
    id: Uuid = Field(description="The schedule's id.")

    def workday(self, day: DayOfWeek | int) -> Workday | None:
        """The workday for a weekday (DayOfWeek or Python weekday number), or None."""
        wanted = list(DayOfWeek)[day] if isinstance(day, int) else day
        return next((w for w in self.workdays if w.day_of_week is wanted), None)


class ActualEmployeeSchedule(ScheduleFlags):
    """A schedule with each workday's location resolved to the Location object."""

    id: Uuid = Field(description="The schedule's id.")
    workdays: list[ActualWorkday] = Field(default=[], description="The working week, locations resolved.")
    max_meeting_time_per_day: TimeSpan | None = MaxMeetingTimePerDay
