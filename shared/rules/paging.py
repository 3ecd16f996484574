"""Pages of a list ordered by (startDate, id): the opaque continuation token that says where the
next page starts. Pure."""

import base64
import binascii
import json

from shared.errors import invalid

# At most this many items in one answer (contract section 22).
PAGE_LIMIT = 1000
TOKEN_PARAMETER = "continuationToken"


def continuation_token(start: str, id: str) -> str:
    """The token of the page that starts after the item (start, id)."""
    return base64.urlsafe_b64encode(json.dumps([start, id], separators=(",", ":")).encode()).decode().rstrip("=")


def position_after(token: str | None) -> tuple[str, str] | None:
    """The (start, id) a token continues after; 400 for a token this API did not give out."""
    if token is None:
        return None
    try:
        start, id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if isinstance(start, str) and isinstance(id, str) and len(start) <= 40 and len(id) <= 100:
            return start, id
    except (ValueError, TypeError, binascii.Error):
        pass
    raise invalid(TOKEN_PARAMETER, "Not a continuation token of this list: use the Link rel=\"next\" URL as given.")
