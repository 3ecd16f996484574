"""What BookMe takes from the bank's directory: employees, rooms, meeting topics,
and the customer types configuration."""

from typing import Annotated

from pydantic import Field, computed_field

from shared.models.common import ApiModel, Buffer, Email, Line, Text, TimeSpan, Uuid


class EmployeeUpsert(ApiModel):
    name: Line = Field(min_length=1, max_length=200, description="Full name, as invitations show it.")
    email: Email | None = Field(default=None, description=(
        "Work e-mail address: where invitations go, and the Outlook mailbox when calendars are synced."))
    title: Line | None = Field(default=None, max_length=200, description="Job title, for display.")
    location: Line | None = Field(default=None, max_length=200, description=(
        "Home location identifier (`CPH-HQ`): where the employee meets customers on a workday that names none."))
    is_active: bool = Field(default=True, description="Inactive employees are never offered or booked. Default true.")
    outlook_sync: bool = Field(
        default=True, description="BookMe addition: false keeps this employee's Outlook calendar out of the sync "
                                  "that organization settings `outlookSync` turns on. Default true.")


class Employee(EmployeeUpsert):
    id: Uuid = Field(description="The directory's id of the employee.")


class RoomUpsert(ApiModel):
    name: Line = Field(min_length=1, max_length=200, description="Name shown to people, e.g. Havnen.")
    capacity: int = Field(ge=1, le=10_000, description="Seats: rooms are chosen that seat the employees and "
                                                       "external attendees of a meeting.")
    location: Line = Field(min_length=1, max_length=200, description=(
        "The location identifier the room belongs to (`CPH-HQ`), compared ignoring case."))
    features: list[Annotated[Line, Field(max_length=200)]] = Field(default=[], max_length=100, description=(
        "Equipment, free text (`Screen`, `Video`); for display."))
    is_active: bool = Field(default=True, description="Inactive rooms are never offered or booked. Default true.")


class Room(RoomUpsert):
    id: Uuid = Field(description="The directory's id of the room.")

    @computed_field(description="Whether the room may be booked: true when it is active.")
    @property
    def available(self) -> bool:
        """Active and bookable."""
        return self.is_active


class MeetingTopicWrite(ApiModel):
    name: Line = Field(min_length=1, max_length=200, description="The topic's name, e.g. Boliglån.")
    description: Text | None = Field(default=None, max_length=4000, description="What the topic covers.")
    customer_type_ids: list[Uuid] = Field(default=[], max_length=1000, description=(
        "The customer types the topic is for; empty: every customer type."))
    is_available_to_customers: bool = Field(default=True, description=(
        "Whether customers may choose it (GET /meeting-topics?isCustomer=true lists only these). Default true."))
    meeting_duration: TimeSpan | None = Field(default=None, description=(
        "The usual length of its meetings, a TimeSpan `hh:mm:ss`: searches for the topic use it unless they "
        "give meetingDuration; null: `01:00:00`."))
    buffer_before: Buffer | None = Field(
        default=None, description="Time held free before each meeting on this topic; null: the organization's.")
    buffer_after: Buffer | None = Field(
        default=None, description="Time held free after each meeting on this topic; null: the organization's.")


class MeetingTopic(MeetingTopicWrite):
    id: Uuid = Field(description="The topic's id.")


class CustomerTypeWrite(ApiModel):
    name: Line = Field(min_length=1, max_length=200, description="The customer type's name, unique ignoring case.")
    description: Text | None = Field(default=None, max_length=4000, description="Who belongs to it.")
    is_active: bool = Field(default=True, description="Whether the type is in use. Default true.")


class CustomerType(CustomerTypeWrite):
    id: Uuid = Field(description="The customer type's id.")
