"""Retry-safe writes (contract section 11): `Idempotency-Key` on POST /meetings, POST
/time-slots/reserve and PATCH /meetings/{id}.

Two documents share the record id (docs/data-model.md, "Idempotency"): an in-flight marker in
its own partition, created first (a 409 there means a repeat), and the kept answer, written by
the booking's own batch in the booking's day. The document the write created or changed carries
`idempotencyRecord`, so one query finds the answer and the current ETag: a replay costs the
failed marker create plus that query.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.context import Context
from shared.errors import BookMeError
from shared.models.common import format_utc, parse_utc
from shared.ports import BatchRejected, Op, Versioned
from shared.rules import idempotency as rules

MARKER_DOC, ANSWER_DOC = "idempotencyMarker", "idempotency"
LIFETIME = timedelta(seconds=rules.LIFETIME_SECONDS)
# A first attempt that has not answered within this long is taken to have died: a retry takes over.
LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class Keep:
    """What a keyed write adds to its batch: the kept answer, and the mark on the document it writes."""

    record_id: str
    fingerprint: str
    status: int
    kept_until: datetime

    def answer_op(self, day: str, body: Any, meeting: Any = None) -> Op:
        """The kept answer's write; one about a meeting names the meeting and its customer, so
        erasure finds it with the meeting's other copies."""
        # Upsert: an expired answer of the same key may still be there locally (the emulator ignores ttl).
        answer = {"id": self.record_id, "pk": day, "type": ANSWER_DOC, "fingerprint": self.fingerprint,
                  "status": self.status, "body": body, "keptUntil": format_utc(self.kept_until),
                  "ttl": rules.LIFETIME_SECONDS}
        if meeting is not None:
            answer.update(meetingId=meeting.id, customerId=meeting.customer_id)
        return Op("upsert", self.record_id, answer)

    @property
    def mark(self) -> dict[str, str]:
        return {"idempotencyRecord": self.record_id}


@dataclass(frozen=True)
class Answer:
    """What to send: a fresh result (a Versioned) or a replayed kept answer (plain JSON)."""

    status: int
    body: Any
    etag: str | None
    replayed: bool = False


Write = Callable[[Keep | None], Awaitable[Versioned[Any]]]


def _marker(record_id: str, fingerprint: str, now: datetime) -> dict[str, Any]:
    return {"id": record_id, "pk": record_id, "type": MARKER_DOC, "fingerprint": fingerprint,
            "leaseUntil": format_utc(now + LEASE), "keptUntil": format_utc(now + LIFETIME),
            "ttl": rules.LIFETIME_SECONDS}


async def run(ctx: Context, subject: str, operation: str, key: str | None, raw_body: bytes | None,
              status: int, write: Write) -> Answer:
    """Do `write` once per (caller, operation, key): a repeat gets the kept answer back."""
    key = rules.valid_key(key)
    if key is None:
        result = await write(None)
        return Answer(status, result, result.etag)
    record_id, fingerprint, now = rules.record_id(subject, operation, key), rules.fingerprint(raw_body), ctx.clock()
    try:
        await ctx.bookings.commit(record_id, [Op("create", record_id, _marker(record_id, fingerprint, now))])
    except BatchRejected as rejected:
        if rejected.status != 409:
            raise rejected.error from None
        replayed = await _repeat(ctx, record_id, fingerprint, now)
        if replayed is not None:
            return replayed
    try:
        result = await write(Keep(record_id, fingerprint, status, now + LIFETIME))
    except BookMeError:
        await ctx.bookings.delete(record_id, record_id)  # a 4xx is not kept: a retry is decided afresh
        raise
    return Answer(status, result, result.etag)


async def _repeat(ctx: Context, record_id: str, fingerprint: str, now: datetime) -> Answer | None:
    """The kept answer of a repeat; 422 for another body, 409 while the first is in flight; None
    when the first attempt died without answering and this one has taken over."""
    found = await ctx.bookings.kept_answer(record_id)
    alive = [d for d in found if d.get("type") in (MARKER_DOC, ANSWER_DOC) and parse_utc(d["keptUntil"]) > now]
    answer = next((d for d in alive if d["type"] == ANSWER_DOC), None)
    marker = next((d for d in found if d.get("type") == MARKER_DOC), None)
    if answer is not None:
        rules.check_repeat(answer["fingerprint"], fingerprint)
        written = next((d for d in found if d.get("idempotencyRecord") == record_id), None)
        etag = (written.get("version") or written["_etag"]) if written else None  # a meeting's public ETag
        return Answer(answer["status"], answer["body"], etag, replayed=True)
    if marker is None:
        raise rules.in_flight()  # the first attempt failed and let go of the key just now: retry
    if marker in alive:
        rules.check_repeat(marker["fingerprint"], fingerprint)
        if parse_utc(marker["leaseUntil"]) > now:
            raise rules.in_flight()
    try:
        await ctx.bookings.commit(record_id, [Op("replace", record_id, _marker(record_id, fingerprint, now),
                                                 etag=marker["_etag"])])
    except BatchRejected:
        raise rules.in_flight() from None
    return None


async def cleanup_expired(ctx: Context) -> int:
    """Delete markers and kept answers past their 24 hours (Azure's ttl does it too; the local
    Cosmos API server ignores ttl)."""
    removed = 0
    for document in await ctx.bookings.expired_idempotency(ctx.clock()):
        removed += await ctx.bookings.delete(document["pk"], document["id"], document["_etag"])
    return removed
