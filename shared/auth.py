"""Bearer tokens: Microsoft Entra ID in Azure, a development RSA key locally.

PyJWT and cryptography are imported when the first token is validated, not when the app is.
"""

from __future__ import annotations

import hashlib
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

ALGORITHM = "RS256"
LEEWAY_SECONDS = 30
# Entra ID access tokens live 60 to 90 minutes, 28 hours at most with continuous access
# evaluation; a token valid for longer than that was not issued by the tenant for this API.
MAX_LIFETIME_SECONDS = 28 * 3600


class Role(str, Enum):
    CONFIG = "BookMe.Config"
    ADMIN = "BookMe.Admin"
    # Reads CPR numbers (section 21); grants nothing else.
    PERSONAL_DATA = "BookMe.PersonalData"


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]


def require_role(principal: Principal, role: Role | None) -> None:
    """Admin may do everything Config may; any valid token may read and book."""
    if role is None or Role.ADMIN.value in principal.roles:
        return
    if role is not Role.ADMIN and role.value in principal.roles:
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
            self._dev_kid = key_id(self._dev_key)
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
            key = self._signing_key(token.strip())
            claims = jwt.decode(
                token.strip(),
                key,
                algorithms=[ALGORITHM],  # never "none", never HS256 keyed with the public key
                audience=self._audience,
                issuer=self._issuers,
                options={"require": ["exp", "iss", "aud"]},  # nbf and iat are checked when present
                leeway=LEEWAY_SECONDS,
            )
            if int(claims["exp"]) - time.time() > MAX_LIFETIME_SECONDS + LEEWAY_SECONDS:
                raise jwt.InvalidTokenError("it expires too far in the future")
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("The token has expired.") from None
        except (jwt.InvalidAudienceError, jwt.InvalidIssuerError) as error:
            raise Unauthenticated(f"The token is not for this API: {error}.") from None
        except (jwt.PyJWTError, ValueError) as error:
            raise Unauthenticated(f"The token is not valid: {error}.") from None
        roles = claims.get("roles") or []
        if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
            raise Unauthenticated("The token's roles claim is not a list of names.")
        return Principal(str(claims.get("oid") or claims.get("sub") or ""), frozenset(roles))

    def _signing_key(self, token: str):
        import jwt

        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise jwt.InvalidAlgorithmError(f"the algorithm must be {ALGORITHM}")
        if self._dev_key is None:
            return self._jwks.get_signing_key_from_jwt(token).key  # an unknown kid is an error
        if header.get("kid", self._dev_kid) != self._dev_kid:
            raise jwt.InvalidTokenError("unknown signing key (kid)")
        return self._dev_key


def key_id(public_key: rsa.RSAPublicKey) -> str:
    """The development key's kid: a digest of its public key."""
    from cryptography.hazmat.primitives import serialization

    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()[:16]


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
    signing_key = key or load_dev_key(key_file)
    return jwt.encode(claims, signing_key, algorithm=ALGORITHM, headers={"kid": key_id(signing_key.public_key())})
