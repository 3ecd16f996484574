"""OpenID Connect pieces of the booking page's sign-in that need no I/O: the authorization
request (authorization code flow with PKCE, built with authlib) and the checks of the ID token
the provider returns (signature against the provider's keys, issuer, audience, expiry, nonce),
with joserfc, authlib's JOSE library. Both are imported on first use."""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.errors import BadGateway

LEEWAY_SECONDS = 120
_CPR = re.compile(r"^\d{6}-?\d{4}$")


@dataclass(frozen=True)
class Secrets:
    """What one authorization request is checked against when the provider answers."""

    state: str
    nonce: str
    verifier: str  # the PKCE code verifier (RFC 7636)


def authorization_url(endpoint: str, client_id: str, redirect_uri: str, cpr_claim: str, secrets: Secrets) -> str:
    """The URL to send the browser to; the CPR claim is asked for by name (the `claims` request
    parameter of OpenID Connect Core 5.5), since brokers name it differently."""
    from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    claims = json.dumps({"id_token": {cpr_claim: {"essential": True}}}, separators=(",", ":"))
    return prepare_grant_uri(endpoint, client_id, "code", redirect_uri, "openid", secrets.state,
                             code_challenge=create_s256_code_challenge(secrets.verifier),
                             code_challenge_method="S256", nonce=secrets.nonce, claims=claims, prompt="login")


def token_request(code: str, redirect_uri: str, verifier: str, client_id: str, client_secret: str) -> dict[str, str]:
    """The token request's form (client_secret_post when the client has a secret)."""
    from urllib.parse import parse_qsl

    from authlib.oauth2.rfc6749.parameters import prepare_token_request

    extra = {"client_secret": client_secret} if client_secret else {}
    body = prepare_token_request("authorization_code", code=code, redirect_uri=redirect_uri, code_verifier=verifier,
                                 client_id=client_id, **extra)
    return dict(parse_qsl(body))


def verified_claims(id_token: str, keys: dict[str, Any], issuer: str, client_id: str, nonce: str,
                    now: datetime) -> dict[str, Any]:
    """The ID token's claims once its signature, issuer, audience, times and nonce check out;
    BadGateway otherwise (nothing of the token is repeated in the error)."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    try:
        token = jwt.decode(id_token, KeySet.import_key_set(keys), algorithms=["RS256", "ES256", "PS256"])
        jwt.JWTClaimsRegistry(now=int(now.timestamp()), leeway=LEEWAY_SECONDS,
                              iss={"essential": True, "value": issuer}, sub={"essential": True},
                              aud={"essential": True, "value": client_id}, exp={"essential": True},
                              nonce={"essential": True, "value": nonce}).validate(token.claims)
    except (JoseError, ValueError, TypeError) as error:
        raise BadGateway(f"The identity provider's ID token was not accepted ({type(error).__name__}).") from None
    return token.claims


def unknown_key(id_token: str, keys: dict[str, Any]) -> bool:
    """Whether the token names a key id the key set lacks (the provider rotated its keys)."""
    import base64

    try:
        header = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "==="))
    except (ValueError, IndexError):
        return False
    kid = header.get("kid") if isinstance(header, dict) else None
    return bool(kid) and kid not in {k.get("kid") for k in keys.get("keys", []) if isinstance(k, dict)}


def cpr_from(claims: dict[str, Any], claim: str) -> str:
    """The CPR number the ID token's claim holds (only ever from the token, never from a form)."""
    value = claims.get(claim)
    if not isinstance(value, str) or not _CPR.fullmatch(value.strip()):
        raise BadGateway(f"The ID token holds no CPR number in the claim '{claim}'.")
    return value.strip()
