"""Bearer tokens for the local app: good ones with chosen roles, and bad ones."""

from pathlib import Path

from shared.auth import issue_dev_token

ALL_ROLES = ["BookMe.Config", "BookMe.Admin"]


def token(key_file: Path, roles: list[str] | None = None, **overrides) -> str:
    return issue_dev_token(key_file, ALL_ROLES if roles is None else roles, **overrides)


def bearer(key_file: Path, roles: list[str] | None = None, **overrides) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(key_file, roles, **overrides)}"}
