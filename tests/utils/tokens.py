"""Bearer tokens for the local app: good ones with chosen roles, and bad ones."""

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization

from shared.auth import issue_dev_token, load_dev_key
from shared.settings import DEV_ISSUER

ALL_ROLES = ["BookMe.Config", "BookMe.Admin"]


def token(key_file: Path, roles: list[str] | None = None, **overrides) -> str:
    return issue_dev_token(key_file, ALL_ROLES if roles is None else roles, **overrides)


def bearer(key_file: Path, roles: list[str] | None = None, **overrides) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(key_file, roles, **overrides)}"}


def bearer_with_claims(key_file: Path, roles: list[str], **claims) -> dict[str, str]:
    """A good token carrying extra claims (e.g. Entra ID's `oid`)."""
    import time

    import jwt

    from shared.auth import load_dev_key
    from shared.settings import DEV_ISSUER

    now = int(time.time())
    body = {"iss": DEV_ISSUER, "aud": "api://bookme", "sub": "local-developer", "iat": now, "nbf": now - 5,
            "exp": now + 3600, "roles": roles, **claims}
    return {"Authorization": f"Bearer {jwt.encode(body, load_dev_key(key_file), algorithm='RS256')}"}


def _unsigned(header: dict, claims: dict) -> str:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}."


def _claims(roles: list[str], **changes) -> dict:
    now = int(time.time())
    return {"iss": DEV_ISSUER, "aud": "api://bookme", "sub": "attacker", "iat": now, "nbf": now - 5,
            "exp": now + 600, "roles": roles, **changes}


def hostile_tokens(key_file: Path) -> dict[str, str]:
    """Tokens the app must refuse (401), each carrying every role: the attacks of section 5 and issue 12."""
    key = load_dev_key(key_file)
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    now = int(time.time())
    claims = _claims(ALL_ROLES)
    return {
        "alg none": _unsigned({"alg": "none", "typ": "JWT"}, claims),
        "alg none, empty signature of a good token": token(key_file).rsplit(".", 1)[0] + ".",
        # The classic confusion: HMAC keyed with the RSA public key the server verifies with.
        "HS256 signed with the public key": hmac_token(claims, public_pem),
        "wrong kid": jwt.encode(claims, key, algorithm="RS256", headers={"kid": "not-the-dev-key"}),
        "not yet valid (nbf in an hour)": jwt.encode(_claims(ALL_ROLES, nbf=now + 3600), key, algorithm="RS256"),
        "issued in the future (iat in an hour)": jwt.encode(_claims(ALL_ROLES, iat=now + 3600), key,
                                                            algorithm="RS256"),
        "expires in ten years": jwt.encode(_claims(ALL_ROLES, exp=now + 10 * 365 * 86400), key, algorithm="RS256"),
        "no expiry": jwt.encode({k: v for k, v in claims.items() if k != "exp"}, key, algorithm="RS256"),
        "roles not a list": jwt.encode(_claims("BookMe.Admin"), key, algorithm="RS256"),
        "garbage": "not.a.token",
    }


def hmac_token(claims: dict, secret: bytes) -> str:
    """HS256 by hand: PyJWT itself refuses to use a PEM key as an HMAC secret."""
    def part(value: bytes) -> str:
        return base64.urlsafe_b64encode(value).rstrip(b"=").decode()

    signing_input = f"{part(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}.{part(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(signature)}"
