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

from shared.errors import Forbidden, ServiceUnavailable, Unauthenticated

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
        claims = self._claims(bearer_token(authorization))
        roles = claims.get("roles") or []
        if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
            raise Unauthenticated("The token's roles claim is not a list of role names.")
        return Principal(str(claims.get("oid") or claims.get("sub") or ""), frozenset(roles))

    def _claims(self, token: str) -> dict:
        import jwt

        try:
            claims = jwt.decode(
                token,
                self._signing_key(token),
                algorithms=[ALGORITHM],  # never "none", never HS256 keyed with the public key
                audience=self._audience,
                issuer=self._issuers,
                options={"require": ["exp", "iss", "aud"]},  # nbf and iat are checked when present
                leeway=LEEWAY_SECONDS,
            )
        except jwt.PyJWKClientConnectionError:
            # The tenant's key set is out of reach: nothing the client sent is wrong.
            raise ServiceUnavailable("The signing keys of the identity provider cannot be read right now.") from None
        except (jwt.PyJWTError, ValueError) as error:
            raise Unauthenticated(self._in_words(error)) from None
        if int(claims["exp"]) - time.time() > MAX_LIFETIME_SECONDS + LEEWAY_SECONDS:
            raise Unauthenticated("The token is valid for longer than 28 hours, which no token of the identity "
                                  "provider is: get one from it.")
        return claims

    def _signing_key(self, token: str):
        import jwt

        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise Unauthenticated(f"The token is signed with an algorithm BookMe does not accept: only {ALGORITHM}.")
        if self._dev_key is None:
            return self._jwks.get_signing_key_from_jwt(token).key  # an unknown kid is a PyJWKClientError
        if header.get("kid", self._dev_kid) != self._dev_kid:
            raise Unauthenticated(UNKNOWN_KEY)
        return self._dev_key

    def _in_words(self, error: Exception) -> str:
        """What is wrong with a token, for a client developer: never the library's own message,
        which quotes decoding internals, nor anything of the token itself."""
        import jwt

        if isinstance(error, jwt.MissingRequiredClaimError):
            return f"The token has no {error.claim} claim."
        words = [
            (jwt.ExpiredSignatureError, "The token has expired: get a new one."),
            (jwt.ImmatureSignatureError, "The token is not valid yet: its nbf or iat claim lies in the future "
                                         "(check the clock of the system that issued it)."),
            (jwt.InvalidAudienceError, f"The token is for another API: its audience (aud) must be {self._audience}."),
            (jwt.InvalidIssuerError, "The token comes from another issuer: BookMe accepts tokens issued by "
                                     f"{' or '.join(self._issuers)}."),
            (jwt.InvalidSignatureError, "The token's signature does not match it: the token was changed after it "
                                        "was signed, or signed with another key."),
            (jwt.PyJWKClientError, UNKNOWN_KEY),
        ]
        return next((text for kind, text in words if isinstance(error, kind)), MALFORMED)


MALFORMED = ("The token is malformed: a bearer token is a JSON Web Token, three base64url-encoded parts "
             "separated by dots.")
UNKNOWN_KEY = "The token is signed with a key the identity provider does not publish (unknown kid)."


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if not scheme:
        raise Unauthenticated("A bearer token is required: send the header Authorization: Bearer <token>.")
    if scheme.lower() != "bearer":
        raise Unauthenticated("The Authorization header must be Bearer followed by a space and the token.")
    if not token.strip():
        raise Unauthenticated("The Authorization header holds no token after Bearer.")
    return token.strip()


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
