"""Webhook subscriptions (V3): where meeting events are POSTed, signed with the secret.

The secret is stored with the subscription and returned only by the POST that creates it:
reads and PATCH return `Webhook`, which has no secret field at all.
"""

from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from shared.models.common import ApiEnum, ApiModel, Line, Text, Uuid
from shared.rules import webhook_signing


class WebhookEvent(ApiEnum):
    """A meeting change a webhook is sent for."""

    MEETING_CREATED = "meeting.created"
    MEETING_UPDATED = "meeting.updated"
    MEETING_RESCHEDULED = "meeting.rescheduled"
    MEETING_CANCELLED = "meeting.cancelled"


def _distinct(events: list[WebhookEvent]) -> list[WebhookEvent]:
    return list(dict.fromkeys(events))


Events = Annotated[list[WebhookEvent], Field(min_length=1, max_length=20), AfterValidator(_distinct)]


class WebhookWrite(ApiModel):
    url: Line = Field(min_length=1, max_length=2000, description=(
        "https URL whose host resolves to public addresses only (see WEBHOOKS_ALLOW_PRIVATE_TARGETS)."))
    events: Events = Field(description="The meeting events sent to this URL; at least one.")
    description: Text | None = Field(default=None, max_length=1000, description="What the subscription is for.")
    is_active: bool = Field(default=True, description="Inactive ones receive nothing, queued retries included.")


class WebhookCreate(WebhookWrite):
    secret: Line | None = Field(default=None, max_length=200, description=(
        "`whsec_` + base64 of 24 to 64 random bytes; generated when not given. Returned only by this POST."))

    @field_validator("secret")
    @classmethod
    def _well_formed(cls, secret: str | None) -> str | None:
        if secret is not None:
            webhook_signing.key_of(secret)
        return secret


class Webhook(WebhookWrite):
    """A subscription as reads and PATCH return it: never with its secret."""

    id: Uuid = Field(description="The subscription's id.")


class WebhookCreated(Webhook):
    """The subscription as the creating POST returns it: the only time the secret is shown."""

    secret: str = Field(description="The signing secret (`whsec_...`): shown in this answer only; keep it.")


class StoredWebhook(WebhookCreated):
    """The configuration document: the subscription and its signing secret."""

    def public(self) -> Webhook:
        return Webhook.model_validate(self.model_dump(exclude={"secret"}))
