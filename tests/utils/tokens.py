"""Bearer tokens for the local app: good ones with chosen roles, and bad ones."""

from pathlib import Path

from shared.auth import issue_dev_token

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
