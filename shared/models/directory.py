"""What BookMe takes from the bank's directory: employees, rooms, meeting topics,
and the customer types configuration."""

from typing import Annotated

from pydantic import Field, computed_field

from shared.models.common import ApiModel, Buffer, Email, Line, Text, TimeSpan, Uuid

Name = Field(min_length=1, max_length=200)


class EmployeeUpsert(ApiModel):
    name: Line = Name
    email: Email | None = None
    title: Line | None = Field(default=None, max_length=200)
    location: Line | None = Field(default=None, max_length=200)
    is_active: bool = True
    outlook_sync: bool = Field(
        default=True, description="BookMe addition: false keeps this employee's Outlook calendar out of the sync "
                                  "that organization settings `outlookSync` turns on.")


class Employee(EmployeeUpsert):
    id: Uuid


class RoomUpsert(ApiModel):
    name: Line = Name
    capacity: int = Field(ge=1, le=10_000)
    location: Line = Field(min_length=1, max_length=200)
    features: list[Annotated[Line, Field(max_length=200)]] = Field(default=[], max_length=100)
    is_active: bool = True


class Room(RoomUpsert):
    id: Uuid

    @computed_field
    @property
    def available(self) -> bool:
        """Active and bookable."""
        return self.is_active


class MeetingTopicWrite(ApiModel):
    name: Line = Name
    description: Text | None = Field(default=None, max_length=4000)
    customer_type_ids: list[Uuid] = Field(default=[], max_length=1000)
    is_available_to_customers: bool = True
    meeting_duration: TimeSpan | None = None
    buffer_before: Buffer | None = Field(
        default=None, description="Time held free before each meeting on this topic; null: the organization's.")
    buffer_after: Buffer | None = Field(
        default=None, description="Time held free after each meeting on this topic; null: the organization's.")


class MeetingTopic(MeetingTopicWrite):
    id: Uuid


class CustomerTypeWrite(ApiModel):
    name: Line = Name
    description: Text | None = Field(default=None, max_length=4000)
    is_active: bool = True


class CustomerType(CustomerTypeWrite):
    id: Uuid
