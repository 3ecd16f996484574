"""Meetings: the V2/V3 Meeting object, what creates one, and the iCal request body."""

from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints

from shared.models.common import ApiEnum, ApiModel, Line, MeetingType, UtcDateTime, Uuid
from shared.models.common import Text as FreeText


class BookedBy(ApiEnum):
    EMPLOYEE = "Employee"
    CUSTOMER = "Customer"
    PORTAL_PARTNER = "PortalPartner"
    PORTAL_CUSTOMER = "PortalCustomer"

    @property
    def is_portal(self) -> bool:
        return self in (BookedBy.PORTAL_PARTNER, BookedBy.PORTAL_CUSTOMER)

    @property
    def is_customer(self) -> bool:
        """Customer bookings are held to the advisor's daily meeting-time cap."""
        return self in (BookedBy.CUSTOMER, BookedBy.PORTAL_CUSTOMER)


# A Danish CPR number (DDMMYY-SSSS, dash optional). Sensitive: repr=False keeps it out of
# reprs and so out of any log line that prints a model.
Cpr = Annotated[Line, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}-?\d{4}$")]
Text = Annotated[FreeText, StringConstraints(max_length=4000)]


class CustomField(ApiModel):
    key: Line = Field(min_length=1, max_length=200)
    value: FreeText | None = Field(default=None, max_length=4000)


class ExternalAttendee(ApiModel):
    name: Line | None = Field(default=None, max_length=200)
    email: EmailStr


class MeetingDetails(ApiModel):
    """The fields a client sets, shared by the create body and the stored meeting."""

    booked_by: BookedBy
    salesforce_id: Line = Field(min_length=1, max_length=200)
    customer_type_id: Uuid | None = None
    time_slot_id: Uuid | None = Field(
        default=None, description="The id of an active reservation from POST /time-slots/reserve.")
    portal_id: Uuid | None = Field(default=None, description="Kept only for PortalPartner and PortalCustomer.")
    # Personal data (shared/rules/personal_data.py) never shows in a repr, so never in a log line.
    custom_fields: list[CustomField] = Field(default=[], max_length=100, description="Portal bookings only.",
                                             repr=False)
    external_attendees: list[ExternalAttendee] = Field(default=[], max_length=100, repr=False,
                                                       description="Portal bookings only.")
    title: FreeText | None = Field(default=None, max_length=500)
    description: Text | None = Field(default=None, repr=False)
    video_link: Line | None = Field(default=None, max_length=2000, repr=False)
    # One transactional batch holds at most 100 operations: one per calendar, plus a few.
    additional_employees: list[Uuid] = Field(default=[], max_length=50)
    room_id: Uuid | None = None
    type: MeetingType
    topic_id: Uuid | None = None
    employee_id: Uuid
    customer_id: Line = Field(min_length=1, max_length=200)


class MeetingCreate(MeetingDetails):
    start_date: UtcDateTime | None = Field(default=None, description="With endDate, when there is no timeSlotId.")
    end_date: UtcDateTime | None = None
    cpr: Cpr | None = Field(default=None, repr=False,
                            description="Portal bookings only; returned only for a single meeting, never listed.")


class MeetingListItem(MeetingDetails):
    """A meeting as GET /meetings lists it: without the CPR number."""

    id: Uuid
    start_date: UtcDateTime
    end_date: UtcDateTime
    date_created: UtcDateTime
    date_modified: UtcDateTime


class Meeting(MeetingListItem):
    """A meeting as one-meeting responses (GET by id, POST, PATCH) return it."""

    cpr: Cpr | None = Field(default=None, repr=False)

    def listed(self) -> MeetingListItem:
        return MeetingListItem.model_validate(self.model_dump(exclude={"cpr"}))


class IcalRequest(ApiModel):
    """Overrides for the generated invitation; every field is optional."""

    title: FreeText | None = Field(default=None, max_length=500)
    description: Text | None = None
    location: Line | None = Field(default=None, max_length=500)
