"""What BookMe takes from the bank's directory: employees, rooms, meeting topics,
and the customer types configuration."""

from pydantic import Field, computed_field

from shared.models.common import ApiModel, Buffer, Email, TimeSpan, Uuid

Name = Field(min_length=1, max_length=200)


class EmployeeUpsert(ApiModel):
    name: str = Name
    email: Email | None = None
    title: str | None = None
    location: str | None = None
    is_active: bool = True


class Employee(EmployeeUpsert):
    id: Uuid


class RoomUpsert(ApiModel):
    name: str = Name
    capacity: int = Field(ge=1, le=10_000)
    location: str = Field(min_length=1, max_length=200)
    features: list[str] = []
    is_active: bool = True


class Room(RoomUpsert):
    id: Uuid

    @computed_field
    @property
    def available(self) -> bool:
        """Active and bookable."""
        return self.is_active


class MeetingTopicWrite(ApiModel):
    name: str = Name
    description: str | None = None
    customer_type_ids: list[Uuid] = []
    is_available_to_customers: bool = True
    meeting_duration: TimeSpan | None = None
    buffer_before: Buffer | None = Field(
        default=None, description="Time held free before each meeting on this topic; null: the organization's.")
    buffer_after: Buffer | None = Field(
        default=None, description="Time held free after each meeting on this topic; null: the organization's.")


class MeetingTopic(MeetingTopicWrite):
    id: Uuid


class CustomerTypeWrite(ApiModel):
    name: str = Name
    description: str | None = None
    is_active: bool = True


class CustomerType(CustomerTypeWrite):
    id: Uuid
