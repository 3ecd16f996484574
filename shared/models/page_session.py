"""The booking page's server-side session (contract section 24): what the browser's one cookie
stands for. The hold's token, the sign-in's secrets and the CPR number live only here."""

from pydantic import Field

from shared.models.common import ApiModel, Line, MeetingType, UtcDateTime, Uuid
from shared.models.meetings import Cpr


class Hold(ApiModel):
    """The time the customer holds: a reservation made with the session's own token."""

    reservation_id: Uuid
    token: Uuid
    start_date: UtcDateTime
    end_date: UtcDateTime
    meeting_type: MeetingType
    employee_id: Uuid
    room_id: Uuid | None = None
    expires_at: UtcDateTime


class PendingSignIn(ApiModel):
    """An OpenID Connect authorization request on its way: checked when the provider answers."""

    state: Line
    nonce: Line
    verifier: Line
    portal_id: Uuid
    started_at: UtcDateTime
    language: Line = Field("da", max_length=10, description="The page's language, to come back in.")


class Customer(ApiModel):
    """Who signed in: the CPR number from the ID token, and the provider's subject."""

    portal_id: Uuid
    authentication_type: Line
    subject: Line = Field(max_length=200)
    cpr: Cpr = Field(repr=False)
    signed_in_at: UtcDateTime


class PageSession(ApiModel):
    portal_id: Uuid | None = None
    hold: Hold | None = None
    hold_times: list[str] = Field([], description="When this session made its recent holds (UTC).")
    sign_in: PendingSignIn | None = None
    customer: Customer | None = Field(None, repr=False)
    # What the customer typed in the portal's fields, so an expired hold does not make them type it again.
    values: dict[str, str] = Field({}, repr=False)
