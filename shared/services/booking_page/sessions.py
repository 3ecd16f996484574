"""The page's server-side sessions: one document per session in a partition of its own in the
bookings container, living 30 minutes after its last change (Cosmos DB `ttl`; `expiresAt` for
stores that ignore it). The browser holds only the session's random id, in one cookie; the
document is named by a hash of it, so the store never holds the id either."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from shared.context import Context
from shared.errors import Conflict
from shared.models.common import format_utc, parse_utc
from shared.models.page_session import PageSession
from shared.ports import BatchRejected, Op

SESSION_DOC = "pageSession"
LIFE = timedelta(minutes=30)
_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass
class Session:
    """A session as read: `etag` None when it is not stored (yet, or any more)."""

    id: str
    state: PageSession
    etag: str | None = None


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def is_session_id(text: str | None) -> bool:
    return bool(text) and _ID_SHAPE.fullmatch(text) is not None


def csrf_token(session_id: str) -> str:
    """The token every form of the session carries: derived from the cookie's id, which another
    site can neither read nor guess, and revealing nothing of it."""
    return hashlib.sha256(f"bookme-page-csrf:{session_id}".encode()).hexdigest()[:40]


def csrf_valid(session_id: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(csrf_token(session_id), sent)


def document_id(session_id: str) -> str:
    return "pagesession:" + hashlib.sha256(session_id.encode()).hexdigest()


async def load(ctx: Context, session_id: str) -> Session:
    """The session, or a fresh one when it is unknown or has run out."""
    id = document_id(session_id)
    found = (await ctx.bookings.day(id, [id])).get(id)
    if found is None:
        return Session(session_id, PageSession())
    try:
        if parse_utc(found["expiresAt"]) > ctx.clock():
            return Session(session_id, PageSession.model_validate(found), found["_etag"])
    except (KeyError, ValueError):
        pass  # a session of an older shape, or damaged: start afresh rather than fail the page
    return Session(session_id, PageSession(), found["_etag"])


async def save(ctx: Context, session: Session) -> Session:
    """Store the session's state; Conflict when another request changed it meanwhile (two tabs)."""
    id = document_id(session.id)
    now = ctx.clock()
    document = {"id": id, "pk": id, "type": SESSION_DOC, "ttl": int(LIFE.total_seconds()),
                "expiresAt": format_utc(now + LIFE), **session.state.to_json()}
    op = Op("replace", id, document, session.etag) if session.etag else Op("create", id, document)
    try:
        written = await ctx.bookings.commit(id, [op])
    except BatchRejected:
        raise Conflict("This booking was changed in another window; please try again.") from None
    return Session(session.id, session.state, written[id]["_etag"])
