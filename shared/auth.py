"""Bearer tokens: Microsoft Entra ID in Azure, a development RSA key locally.

PyJWT and cryptography are imported when the first token is validated, not when the app is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from shared.errors import Forbidden, Unauthenticated

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from shared.settings import Settings

DEV_ISSUER = "https://bookme.local/dev"


class Role(str, Enum):
    CONFIG = "BookMe.Config"
    ADMIN = "BookMe.Admin"


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]


def require_role(principal: Principal, role: Role | None) -> None:
    """Admin may do everything Config may; any valid token may read and book."""
    if role is None or Role.ADMIN.value in principal.roles:
        return
    if role is Role.CONFIG and Role.CONFIG.value in principal.roles:
        return
    raise Forbidden(f"This operation needs the {role.value} role.")


class TokenValidator:
    """Validates signature, issuer, audience and expiry, and reads the roles claim."""

    def __init__(self, settings: Settings):
        import jwt

        self._audience = settings.AUTH_AUDIENCE
        self._issuers = list(settings.auth_issuers)
        if settings.AUTH_DEV_KEY_FILE:
            self._dev_key = load_dev_key(Path(settings.AUTH_DEV_KEY_FILE)).public_key()
            self._jwks = None
        else:
            if not settings.AUTH_TENANT_ID:
                raise RuntimeError("Set AUTH_TENANT_ID (Entra ID) or AUTH_DEV_KEY_FILE (local).")
            self._dev_key = None
            # PyJWKClient caches the tenant's signing keys and refetches on an unknown kid.
            self._jwks = jwt.PyJWKClient(
                f"https://login.microsoftonline.com/{settings.AUTH_TENANT_ID}/discovery/v2.0/keys",
                cache_keys=True,
                lifespan=3600,
            )

    def validate(self, authorization: str | None) -> Principal:
        import jwt

        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("A bearer token is required.")
        try:
            key = self._dev_key or self._jwks.get_signing_key_from_jwt(token.strip()).key
            claims = jwt.decode(
                token.strip(),
                key,
                algorithms=["RS256"],
                audience=self._audience,
                issuer=self._issuers,
                options={"require": ["exp", "iss", "aud"]},
                leeway=30,
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("The token has expired.") from None
        except (jwt.InvalidAudienceError, jwt.InvalidIssuerError) as error:
            raise Unauthenticated(f"The token is not for this API: {error}.") from None
        except (jwt.PyJWTError, ValueError) as error:
            raise Unauthenticated(f"The token is not valid: {error}.") from None
        roles = claims.get("roles") or []
        return Principal(str(claims.get("oid") or claims.get("sub") or ""), frozenset(roles))


def load_dev_key(path: Path) -> rsa.RSAPrivateKey:
    """The development signing key, created on first use (never used in Azure)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.write_bytes(pem)
        path.chmod(0o600)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def issue_dev_token(
    key_file: Path,
    roles: list[str],
    *,
    audience: str = "api://bookme",
    issuer: str = DEV_ISSUER,
    lifetime_seconds: int = 3600,
    subject: str = "local-developer",
    key: rsa.RSAPrivateKey | None = None,
) -> str:
    """A token the local app accepts (tests pass other values to get rejected ones)."""
    import jwt

    now = int(time.time())
    claims = {"iss": issuer, "aud": audience, "sub": subject, "iat": now, "nbf": now - 5,
              "exp": now + lifetime_seconds, "roles": roles}
    return jwt.encode(claims, key or load_dev_key(key_file), algorithm="RS256")
