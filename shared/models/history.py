"""Meeting history (record keeping) and personal-data erasure: what the API returns."""

from typing import Any

from pydantic import Field

from shared.models.common import ApiEnum, ApiModel, UtcDateTime


class HistoryAction(ApiEnum):
    """What a change did: Created, Updated, Rescheduled (time, employee or room) or Cancelled."""

    CREATED = "Created"
    UPDATED = "Updated"
    RESCHEDULED = "Rescheduled"
    CANCELLED = "Cancelled"


class HistoryRecord(ApiModel):
    """One change of a meeting, written in the same atomic write as the change."""

    at: UtcDateTime = Field(description="When the change was made: the meeting's new dateModified (UTC).")
    action: HistoryAction = Field(description="Rescheduled: a change of time, employee or room.")
    actor: str = Field(description="The caller's token `oid`, else its `sub`.")
    changes: list[dict[str, Any]] = Field(
        description='RFC 6902 operations from the previous state to the new one; cpr, customFields values and '
                    'external attendees\' e-mail addresses appear as "***".')


class PersonalDataErasure(ApiModel):
    meetings_erased: int = Field(description="How many meetings this request erased personal data from.")
