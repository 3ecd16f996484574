"""Locations: where meetings can be held, and how rooms are booked there."""

from pydantic import Field, field_validator

from shared.models.common import ApiModel, Line, Uuid
from shared.rules.locations import location_key


class LocationWrite(ApiModel):
    location: Line = Field(min_length=1, max_length=100, description="Identifier, unique case-insensitively.")
    display_name: Line | None = Field(default=None, max_length=200)
    add_rooms_to_booked_meetings: bool = False
    require_available_room: bool = False

    @field_validator("location")
    @classmethod
    def _trimmed(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()


class Location(LocationWrite):
    id: Uuid

    @property
    def key(self) -> str:
        """The identifier as compared: case-insensitive."""
        return location_key(self.location)
