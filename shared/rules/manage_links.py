"""Manage links (contract section 24): a random token per link shown or mailed, stored only as
its SHA-256 in a document of its own that names the meeting. Pure.

The token is looked up by one point read of `manage:<hash>` (its own partition) and is void as
soon as its meeting is cancelled (no meeting any more) or over (its end has passed).
"""

import hashlib
import re
from datetime import datetime, timedelta

from shared.models.common import format_utc

MANAGE_TOKEN_DOC = "manageToken"
TOKEN_BYTES = 24  # 192 bits, more than the 128 the contract asks for
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32}")  # base64url of TOKEN_BYTES
# Kept after the meeting's end at minting; a moved meeting's later mails mint fresh tokens.
TOKEN_KEPT = timedelta(days=92)


def token_id(token: str) -> str:
    """The id (and partition) of a token's document: never the token itself."""
    return "manage:" + hashlib.sha256(token.encode()).hexdigest()


def is_token_shaped(token: str) -> bool:
    return TOKEN_SHAPE.fullmatch(token) is not None


def token_document(token: str, meeting_id: str, portal_id: str, meeting_end: datetime, now: datetime) -> dict:
    id = token_id(token)
    life = max(meeting_end - now, timedelta(0)) + TOKEN_KEPT
    return {"id": id, "pk": id, "type": MANAGE_TOKEN_DOC, "meetingId": meeting_id, "portalId": portal_id,
            "createdAt": format_utc(now), "ttl": int(life.total_seconds())}


def is_live(meeting_end: datetime, now: datetime) -> bool:
    """A link manages a meeting until the meeting is over."""
    return now < meeting_end
