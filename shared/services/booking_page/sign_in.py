"""Signing the customer in before they confirm (portals with authenticationType MitID or
AzureAD): OpenID Connect's authorization code flow with PKCE, run by the server. The state,
nonce and code verifier wait in the session; the CPR number comes only from the verified ID
token's claim and stays in the session."""

import hmac
import secrets
from dataclasses import dataclass

from shared.context import Context
from shared.errors import BadGateway, InvalidRequest, ServiceUnavailable
from shared.models.page_session import Customer, PendingSignIn
from shared.models.portals import AuthenticationType, Portal
from shared.ports import IdentityProvider
from shared.rules import id_tokens
from shared.services.booking_page.sessions import Session


@dataclass(frozen=True)
class Client:
    """The page's client registration at the provider of one authentication type."""

    issuer: str
    client_id: str
    client_secret: str
    cpr_claim: str


def client_for(ctx: Context, portal: Portal) -> Client:
    settings = ctx.settings
    if portal.authentication_type is AuthenticationType.MIT_ID:
        client = Client(settings.MITID_ISSUER, settings.MITID_CLIENT_ID, settings.MITID_CLIENT_SECRET,
                        settings.MITID_CPR_CLAIM)
    else:
        client = Client(settings.AZUREAD_ISSUER, settings.AZUREAD_CLIENT_ID, settings.AZUREAD_CLIENT_SECRET,
                        settings.AZUREAD_CPR_CLAIM)
    if not client.issuer or not client.client_id:
        raise ServiceUnavailable(f"Sign-in with {portal.authentication_type.value} is not set up.", retry_after=60)
    return Client(client.issuer.rstrip("/"), client.client_id, client.client_secret,
                  portal.cpr_claim or client.cpr_claim)


async def start(ctx: Context, provider: IdentityProvider, session: Session, portal: Portal,
                redirect_uri: str, language: str = "da") -> str:
    """Begin a sign-in: the URL of the provider's authorization endpoint. The session's state
    is changed, not saved."""
    client = client_for(ctx, portal)
    metadata = await _metadata(provider, client)
    asked = id_tokens.Secrets(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48))
    session.state.sign_in = PendingSignIn(state=asked.state, nonce=asked.nonce, verifier=asked.verifier,
                                          portal_id=portal.id, started_at=ctx.clock(), language=language)
    return id_tokens.authorization_url(_endpoint(metadata, "authorization_endpoint"), client.client_id, redirect_uri,
                                       client.cpr_claim, asked)


def pending_portal(session: Session, state: str | None) -> str:
    """The portal whose sign-in this callback answers; 400 when this session started none with that state."""
    pending = session.state.sign_in
    if pending is None or not state or not hmac.compare_digest(pending.state, state):
        raise InvalidRequest("This sign-in was not started here, or it has run out. Please start again.")
    return pending.portal_id


async def finish(ctx: Context, provider: IdentityProvider, session: Session, portal: Portal, code: str,
                 redirect_uri: str) -> Customer:
    """Redeem the code, verify the ID token and keep who signed in; the session's state is
    changed, not saved. BadGateway when the provider's answer cannot be trusted."""
    pending = session.state.sign_in
    if pending is None or pending.portal_id != portal.id:
        raise InvalidRequest("This sign-in was not started here. Please start again.")
    session.state.sign_in = None  # a code is redeemed once, whatever comes of it
    client = client_for(ctx, portal)
    metadata = await _metadata(provider, client)
    answer = await provider.redeem(_endpoint(metadata, "token_endpoint"), id_tokens.token_request(
        code, redirect_uri, pending.verifier, client.client_id, client.client_secret))
    id_token = answer.get("id_token")
    if not isinstance(id_token, str):
        raise BadGateway("The identity provider answered without an ID token.")
    jwks_uri = _endpoint(metadata, "jwks_uri")
    keys = await provider.keys(jwks_uri)
    if id_tokens.unknown_key(id_token, keys):
        keys = await provider.keys(jwks_uri, refresh=True)
    claims = id_tokens.verified_claims(id_token, keys, client.issuer, client.client_id, pending.nonce, ctx.clock())
    customer = Customer(portal_id=portal.id, authentication_type=portal.authentication_type.value,
                        subject=str(claims["sub"])[:200], cpr=id_tokens.cpr_from(claims, client.cpr_claim),
                        signed_in_at=ctx.clock())
    session.state.customer = customer
    return customer


async def _metadata(provider: IdentityProvider, client: Client) -> dict:
    metadata = await provider.metadata(client.issuer)
    if str(metadata.get("issuer", "")).rstrip("/") != client.issuer:
        raise BadGateway("The identity provider's metadata names another issuer.")
    return metadata


def _endpoint(metadata: dict, name: str) -> str:
    value = metadata.get(name)
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise BadGateway(f"The identity provider's metadata has no {name}.")
    return value
