"""Builders for the booking page's service tests over the fakes: a portal whose topic two
advisors offer, and a stand-in identity provider."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared import kinds
from shared.context import Context
from shared.models.directory import CustomerType, MeetingTopic
from shared.models.groups import CompetenceGroupDoc, Membership
from shared.models.portals import Portal
from shared.ports import IdentityProvider
from shared.services.booking_page import sessions
from tests.utils.booking_builders import add_employee, add_schedule

FIELDS = [
    {"name": "phone", "label": "Phone", "type": "Phone",
     "validation": {"required": True, "pattern": r"^\+?[0-9 ]{8,}$"}},
    {"name": "email", "label": "E-mail", "type": "Email"},
    {"name": "consent", "label": "I agree", "type": "Checkbox", "validation": {"required": True}},
    {"name": "campaign", "label": "Campaign", "hidden": True},
]
GOOD_VALUES = {"phone": "+45 12 34 56 78", "email": "kunde@example.dk", "consent": "true"}


@dataclass
class PageBank:
    portal_id: str
    topic_id: str
    employees: list[str]


async def page_bank(ctx: Context, authentication_type: str = "MitID", **portal: Any) -> PageBank:
    """Two advisors (08:00-16:00 UTC weekdays) qualified for the portal's one-hour topic."""
    topic = MeetingTopic(id=str(uuid.uuid4()), name="Boliglån", meeting_duration="01:00:00")
    customer_type = CustomerType(id=str(uuid.uuid4()), name="Privat")
    await ctx.store(kinds.TOPIC).create(topic)
    await ctx.store(kinds.CUSTOMER_TYPE).create(customer_type)
    employees = [await add_employee(ctx, "Mette Nielsen"), await add_employee(ctx, "Lars Jensen")]
    for employee in employees:
        await add_schedule(ctx, employee)
    joined = datetime(2020, 1, 1, tzinfo=UTC)
    await ctx.store(kinds.COMPETENCE_GROUP).create(CompetenceGroupDoc(
        id=str(uuid.uuid4()), name="Bolig", topic_ids=[topic.id], customer_type_ids=[customer_type.id],
        memberships=[Membership(employee_id=e, date_assigned=joined) for e in employees]))
    stored = Portal.model_validate({"id": str(uuid.uuid4()), "name": "Nordhavn Bank", "location": "CPH-HQ",
                                    "authenticationType": authentication_type, "topicId": topic.id,
                                    "customerTypeId": customer_type.id, "icalEnabled": True, "fields": FIELDS,
                                    **portal})
    await ctx.store(kinds.PORTAL).create(stored)
    return PageBank(stored.id, topic.id, employees)


def new_session() -> sessions.Session:
    return sessions.Session(sessions.new_session_id(), sessions.PageSession())


class StandInProvider(IdentityProvider):
    """Answers like the local OpenID Connect stand-in, signing ID tokens with its own key."""

    issuer = "https://id.example"

    def __init__(self, cpr: str = "010190-1234", claim: str = "dk.cpr") -> None:
        from joserfc.jwk import RSAKey

        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
        self.cpr, self.claim = cpr, claim
        self.redeemed: list[dict[str, str]] = []
        self.claims_override: dict[str, Any] = {}

    async def metadata(self, issuer: str) -> dict[str, Any]:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks"}

    async def keys(self, jwks_uri: str, refresh: bool = False) -> dict[str, Any]:
        from joserfc.jwk import KeySet

        return KeySet([self.key]).as_dict(private=False)

    async def redeem(self, token_endpoint: str, form: dict[str, str]) -> dict[str, Any]:
        from joserfc import jwt

        self.redeemed.append(form)
        claims = {"iss": self.issuer, "aud": form["client_id"], "sub": "user-1", "iat": 1_893_456_000,
                  "exp": 2_000_000_000, "nonce": self.nonce, self.claim: self.cpr, **self.claims_override}
        return {"id_token": jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key), "token_type": "Bearer"}

    nonce = ""
