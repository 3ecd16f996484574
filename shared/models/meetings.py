"""Meetings: the V2/V3 Meeting object, what creates one, and the iCal request body."""

from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints

from shared.models.common import ApiEnum, ApiModel, Line, MeetingType, UtcDateTime, Uuid
from shared.models.common import Text as FreeText


class BookedBy(ApiEnum):
    """Who books: an Employee for a customer, the Customer (held to what the search offers), or a portal's
    PortalPartner or PortalCustomer (whose portalId, cpr, customFields and externalAttendees are kept)."""

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
    key: Line = Field(min_length=1, max_length=200, description="The name of the portal's field.")
    value: FreeText | None = Field(default=None, max_length=4000, description="What the customer entered.")


class ExternalAttendee(ApiModel):
    name: Line | None = Field(default=None, max_length=200, description="The attendee's name, for the invitation.")
    email: EmailStr = Field(description="Where the attendee's invitation is sent.")


class MeetingDetails(ApiModel):
    """The fields a client sets, shared by the create body and the stored meeting."""

    booked_by: BookedBy = Field(description=(
        "Who books: Employee, Customer, PortalPartner or PortalCustomer (any letter case). Customer and "
        "PortalCustomer bookings must lie on a slot /time-slots/available offers a customer."))
    salesforce_id: Line = Field(min_length=1, max_length=200, description="The bank's CRM (Salesforce) record id.")
    customer_type_id: Uuid | None = Field(default=None, description="The customer's type, from /config/customer-types.")
    time_slot_id: Uuid | None = Field(
        default=None, description="The id of an active reservation from POST /time-slots/reserve.")
    portal_id: Uuid | None = Field(default=None, description="Kept only for PortalPartner and PortalCustomer.")
    # Personal data (shared/rules/personal_data.py) never shows in a repr, so never in a log line.
    custom_fields: list[CustomField] = Field(default=[], max_length=100, description="Portal bookings only.",
                                             repr=False)
    external_attendees: list[ExternalAttendee] = Field(default=[], max_length=100, repr=False,
                                                       description="Portal bookings only.")
    title: FreeText | None = Field(default=None, max_length=500, description="The meeting's subject.")
    description: Text | None = Field(default=None, repr=False, description="Free text for the participants.")
    video_link: Line | None = Field(default=None, max_length=2000, repr=False,
                                    description="Where an Online meeting is held.")
    # One transactional batch holds at most 100 operations: one per calendar, plus a few.
    additional_employees: list[Uuid] = Field(default=[], max_length=50, description=(
        "Other employees who take part; they must be free too."))
    room_id: Uuid | None = Field(default=None, description=(
        "The room; when omitted for a Physical meeting at a location that adds rooms, BookMe picks one."))
    type: MeetingType = Field(description="Physical, Online, Telephone or Offsite (any letter case).")
    topic_id: Uuid | None = Field(default=None, description="The meeting topic; its buffers apply.")
    employee_id: Uuid = Field(description=(
        "The employee who holds the meeting; from a reservation, the reservation's employee."))
    customer_id: Line = Field(min_length=1, max_length=200, description="The bank's own id of the customer.")


class MeetingCreate(MeetingDetails):
    start_date: UtcDateTime | None = Field(default=None, description=(
        "Start, ISO 8601; with endDate, when there is no timeSlotId (a reservation's times are used then)."))
    end_date: UtcDateTime | None = Field(default=None, description="End, ISO 8601; after startDate.")
    cpr: Cpr | None = Field(default=None, repr=False,
                            description="Portal bookings only; returned only for a single meeting, never listed.")


class MeetingListItem(MeetingDetails):
    """A meeting as GET /meetings lists it: without the CPR number."""

    id: Uuid = Field(description="The meeting's id.")
    start_date: UtcDateTime = Field(description="Start (UTC).")
    end_date: UtcDateTime = Field(description="End (UTC).")
    date_created: UtcDateTime = Field(description="When the meeting was booked.")
    date_modified: UtcDateTime = Field(description="When it was last changed.")


class Meeting(MeetingListItem):
    """A meeting as one-meeting responses (GET by id, POST, PATCH) return it."""

    cpr: Cpr | None = Field(default=None, repr=False, description=(
        "The customer's CPR number (portal bookings); null unless the token has BookMe.Admin or "
        "BookMe.PersonalData."))

    def listed(self) -> MeetingListItem:
        return MeetingListItem.model_validate(self.model_dump(exclude={"cpr"}))


class IcalRequest(ApiModel):
    """Overrides for the generated invitation; every field is optional."""

    title: FreeText | None = Field(default=None, max_length=500, description=(
        "SUMMARY; default: the meeting's title, else the organization's iCalMeetingTitle and the employee's name."))
    description: Text | None = Field(default=None, description=(
        "DESCRIPTION; default: the meeting's, else the organization's iCalMeetingDescription."))
    location: Line | None = Field(default=None, max_length=500, description="LOCATION; default: the room, else "
                                                                           "the video link.")
