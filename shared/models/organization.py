"""Organization settings: the bank-wide singleton, and the time zones it can choose from."""

from datetime import datetime, time, timedelta
from typing import Annotated

from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    WithJsonSchema,
    computed_field,
    field_validator,
    model_validator,
)

from shared.models.common import (
    ApiEnum,
    ApiModel,
    Buffer,
    Email,
    Line,
    MeetingType,
    Text,
    TimeOfDay,
    TimeSpan,
    Uuid,
    format_utc,
    utc_now,
)
from shared.rules import timezones
from shared.rules.closing_days import calendar_day, normalise


def _time_text(value: object) -> object:
    # Pydantic would read a number as seconds into a UTC-aware time, which cannot be compared
    # with the naive times of day used everywhere else.
    if not isinstance(value, str | time):
        raise ValueError("must be a time of day like 08:00:00")
    return value


LocalTime = Annotated[TimeOfDay, BeforeValidator(_time_text)]
ClosingDay = Annotated[
    datetime,
    BeforeValidator(calendar_day),
    PlainSerializer(format_utc, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time", "example": "2025-12-25T00:00:00.000Z"}),
]


class TimeZone(ApiModel):
    id: Uuid = Field(description="A UUID that never changes for this zone: what timeZoneId takes.")
    identifier: str = Field(description="IANA name, e.g. Europe/Copenhagen.")
    display_name: str = Field(description="UTC offset in force now and city, e.g. (UTC+01:00) Copenhagen.")


class MeetingTypeLabel(ApiModel):
    name: MeetingType = Field(description="The meeting type.")
    label: Line = Field(min_length=1, max_length=200, description="What booking pages call it.")
    order: int = Field(default=0, description="Its place in lists, lowest first. Default 0.")


class EmployeeLabel(ApiModel):
    name: Line = Field(min_length=1, max_length=200, description="A kind of employee, e.g. Advisor.")
    label: Line = Field(min_length=1, max_length=200, description="What booking pages call it.")
    order: int = Field(default=0, description="Its place in lists, lowest first. Default 0.")


DEFAULT_ZONE = "Europe/Copenhagen"


class OutlookSync(ApiEnum):
    """How BookMe and the advisors' Outlook calendars see each other (contract section 23)."""

    OFF = "Off"
    FREE_BUSY = "FreeBusy"  # Outlook to BookMe: Outlook time blocks the search
    TWO_WAY = "TwoWay"  # also BookMe to Outlook: every meeting is an event in its employees' calendars

    @property
    def reads_outlook(self) -> bool:
        return self is not OutlookSync.OFF

    @property
    def writes_outlook(self) -> bool:
        return self is OutlookSync.TWO_WAY


def _default_meeting_type_labels() -> list[MeetingTypeLabel]:
    return [MeetingTypeLabel(name=MeetingType.PHYSICAL, label="In-Person Meeting", order=1),
            MeetingTypeLabel(name=MeetingType.ONLINE, label="Video Call", order=2),
            MeetingTypeLabel(name=MeetingType.TELEPHONE, label="Phone Call", order=3),
            MeetingTypeLabel(name=MeetingType.OFFSITE, label="Offsite Meeting", order=4)]


class OrganizationSetting(ApiModel):
    """The organization's settings; the field defaults are the defaults the first GET creates."""

    id: Uuid = Field(description="The settings' id (there is one settings document).")
    time_zone_id: Uuid = Field(default=timezones.zone_id(DEFAULT_ZONE), description=(
        "The id of a time zone from GET /bookme/config/timezones: the zone of opening hours, workdays, closing "
        f"days and the daily caps. Default: {DEFAULT_ZONE}."))
    opening_time: LocalTime = Field(default=time(8), description=(
        "When the bank opens, local time `hh:mm:ss`: customer searches offer no slot before it. Default "
        "`08:00:00`."))
    closing_time: LocalTime = Field(default=time(17), description=(
        "When the bank closes, local time `hh:mm:ss`, after openingTime: customer searches offer no slot ending "
        "after it. Default `17:00:00`."))
    max_time_from_booking_to_meeting: TimeSpan = Field(default=timedelta(days=30), description=(
        "How far ahead a customer may book (the booking horizon), a TimeSpan `[d.]hh:mm:ss`. Default "
        "`30.00:00:00`."))
    max_meeting_time_per_day: TimeSpan = Field(default=timedelta(hours=8), description=(
        "The daily meeting-time cap of an employee whose schedule and service groups set none, a TimeSpan up to "
        "`1.00:00:00`. Default `08:00:00`."))
    minimum_booking_notice: TimeSpan = Field(
        default=timedelta(hours=2),
        description="BookMe addition: how long before its start a customer may book a meeting at the latest.")
    buffer_before: Buffer = Field(
        default=timedelta(0), description="BookMe addition: time held free before each meeting whose topic sets none.")
    buffer_after: Buffer = Field(
        default=timedelta(0), description="BookMe addition: time held free after each meeting whose topic sets none.")
    is_filter_show_times_as_customer_enabled: bool = Field(default=True, description=(
        "A setting for the bank's booking tools: whether advisors may filter the times they see as a customer "
        "would see them. Stored and returned; BookMe's own rules do not read it. Default true."))
    meeting_type_labels: list[MeetingTypeLabel] = Field(default_factory=_default_meeting_type_labels, description=(
        "What booking pages call each meeting type. Default: In-Person Meeting, Video Call, Phone Call, "
        "Offsite Meeting."))
    employee_labels: list[EmployeeLabel] = Field(default=[], description="What booking pages call kinds of "
                                                                         "employees. Default none.")
    extended_opening_hours_email: Email | None = Field(default=None, description=(
        "Where customers may write for a time outside opening hours; shown by booking pages. Default null."))
    closing_days: list[ClosingDay] = Field(
        default=[], description="Dates the organization is closed, each at midnight UTC, sorted.")
    i_cal_meeting_title: Text = Field("Meeting with ", max_length=500, description=(
        "An invitation's title when the meeting has none, followed by the employee's name. Default "
        "`Meeting with `."))
    i_cal_meeting_description: Text = Field("Your scheduled meeting", max_length=4000, description=(
        "An invitation's description when the meeting has none. Default `Your scheduled meeting`."))
    reminders: list[TimeSpan] = Field(
        default_factory=lambda: [timedelta(days=1)], max_length=10,
        description="BookMe addition: when, before its start, the customer of a booking-page meeting "
                    "(PortalCustomer) gets a reminder e-mail with the manage link; each at most 30 days, "
                    "distinct, largest first. Empty: no reminders.")
    personal_data_retention: TimeSpan = Field(
        default=timedelta(days=365),
        description="How long after a meeting ends its personal data is kept; a timer then erases it.")
    outlook_sync: OutlookSync = Field(
        default=OutlookSync.OFF,
        description="BookMe addition: the advisors' Outlook calendars (Microsoft Graph). `Off`; `FreeBusy`: an "
                    "advisor's Outlook time blocks the search and customer bookings; `TwoWay`: also every meeting "
                    "appears as an event in its employees' calendars, with a Teams meeting for Online ones. "
                    "Active employees with an `email` are synced unless their directory entry sets "
                    "`outlookSync: false`.")

    @field_validator("time_zone_id")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if timezones.identifier_for(value) is None:
            raise ValueError(f"'{value}' is not the id of a time zone from /bookme/config/timezones")
        return value

    @field_validator("max_time_from_booking_to_meeting", "max_meeting_time_per_day", "personal_data_retention")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be longer than 00:00:00")
        return value

    @field_validator("max_meeting_time_per_day")
    @classmethod
    def _within_a_day(cls, value: timedelta) -> timedelta:
        if value > timedelta(days=1):
            raise ValueError("a daily cap cannot exceed 1.00:00:00")
        return value

    @field_validator("minimum_booking_notice")
    @classmethod
    def _not_negative(cls, value: timedelta) -> timedelta:
        if value < timedelta(0):
            raise ValueError("cannot be negative")
        return value

    @field_validator("reminders")
    @classmethod
    def _reminder_offsets(cls, value: list[timedelta]) -> list[timedelta]:
        if any(not timedelta(0) < offset <= timedelta(days=30) for offset in value):
            raise ValueError("each reminder must be longer than 00:00:00 and at most 30.00:00:00")
        return sorted(set(value), reverse=True)

    @field_validator("closing_days")
    @classmethod
    def _normalised(cls, value: list[datetime]) -> list[datetime]:
        return normalise(value)

    @model_validator(mode="after")
    def _opens_before_closing(self) -> "OrganizationSetting":
        if self.opening_time >= self.closing_time:
            raise ValueError("openingTime must be before closingTime")
        return self

    @property
    def zone(self) -> str:
        """The IANA name of the organization's time zone, e.g. Europe/Copenhagen."""
        return timezones.identifier_for(self.time_zone_id) or "UTC"

    @computed_field(description="The time zone of timeZoneId, expanded (read-only).")
    @property
    def time_zone(self) -> TimeZone:
        found = timezones.zone(self.zone, utc_now())
        return TimeZone(id=found.id, identifier=found.identifier, display_name=found.display_name)
