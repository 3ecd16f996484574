"""What the Outlook sync keeps between runs (contract section 23), as configuration documents:
where each mailbox's delta query stands, and which Outlook events BookMe wrote for a meeting.
Neither is part of the API; both are small and one of each is written per change."""

from pydantic import Field

from shared.models.common import ApiModel, UtcDateTime, Uuid


class Leased(ApiModel):
    """A document one worker at a time works under (shared/services/outlook/leases.py): the others
    mark it `dirty`, and the holder runs once more before it lets go."""

    lease_owner: str | None = None
    lease_until: UtcDateTime | None = None
    dirty: bool = False


class MailboxSync(Leased):
    """One employee's mailbox: its Graph subscription and where its delta query stands. `id` is the employee's."""

    id: Uuid
    mailbox: str
    subscription_id: str | None = None
    subscription_expires: UtcDateTime | None = None
    # The client state the subscription was made with, hashed: a new OUTLOOK_CLIENT_STATE means a new subscription.
    client_state_tag: str | None = None
    delta_link: str | None = None
    window_start: UtcDateTime | None = None
    window_end: UtcDateTime | None = None
    full_sync: bool = True  # the next run starts a new round (no state yet, 410, lifecycle event)
    synced_at: UtcDateTime | None = None


class OutlookEvent(ApiModel):
    """One event BookMe keeps in one employee's calendar, as last written. `event_id` is None while
    its creation is unanswered: a retry sends the same `transaction_id`, so Graph makes it once."""

    employee_id: Uuid
    mailbox: str
    transaction_id: str
    event_id: str | None = None
    start: UtcDateTime | None = None
    end: UtcDateTime | None = None
    subject: str | None = None
    location: str | None = None
    join_url: str | None = None
    teams: bool = False


class MeetingEvents(Leased):
    """The Outlook events of one meeting (`id` is the meeting's), one per employee taking part."""

    id: Uuid
    events: list[OutlookEvent] = Field(default_factory=list)
    # The Teams join URL given to the meeting as its videoLink, so a new one may replace it.
    given_video_link: str | None = None
