"""Locations: where meetings can be held, and how rooms are booked there."""

from pydantic import Field, field_validator

from shared.models.common import ApiModel, Line, Uuid
from shared.rules.locations import location_key


class LocationWrite(ApiModel):
    location: Line = Field(min_length=1, max_length=100, description="Identifier, unique case-insensitively.")
    display_name: Line | None = Field(default=None, max_length=200, description="Name shown to people.")
    add_rooms_to_booked_meetings: bool = Field(default=False, description=(
        "true: a Physical meeting booked here without a roomId gets a free room, the smallest that seats "
        "everyone. Default false."))
    require_available_room: bool = Field(default=False, description=(
        "true: meetings here need a free room; searches offer only slots with one and bookings without one are "
        "a 409. Default false."))

    @field_validator("location")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class Location(LocationWrite):
    id: Uuid = Field(description="The location's id.")

    @property
    def key(self) -> str:
        """The identifier as compared: case-insensitive."""
        return location_key(self.location)
