"""Erasing customers' personal data (contract sections 16 and 22): on request, and by retention.

Erasure reaches every copy: the meeting (or what a cancellation left of it), its history records,
the kept answers of Idempotency-Keys and the outbox documents that copied it (what queued e-mails
and webhooks read: a message queued or set aside before the erasure sends the erased form, so
the delivery functions need no check of their own). Each of those
documents carries the meeting's customerId, so one query finds them; every one is replaced at the
ETag it was read at, per day partition in batches under Cosmos DB's operation limit, copies before
the meeting, so an erasure that dies half way is found unfinished by the next one. Calendars are
not touched: the meetings stay booked. A meeting in the middle of a move to another day is
settled first (shared/services/booking/moves.py), so no move can bring erased data back.
See docs/data-model.md, "Personal data".
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from shared.context import Context
from shared.models.common import new_id
from shared.models.history import HistoryAction, PersonalDataErasure
from shared.ports import BatchRejected, Op
from shared.rules import moves as move_rules
from shared.rules.calendar_documents import MEETING_DOC, stored_fields
from shared.rules.history import history_op, record
from shared.rules.personal_data import (
    BATCH_LIMIT,
    RETENTION_ACTOR,
    erased_copy,
    erased_meeting,
    is_meeting,
    meeting_needs_erasure,
    retention_cutoff,
)
from shared.rules.sizes import cut_by_size, wire_bytes
from shared.rules.webhooks import event as webhook_event
from shared.services.booking import moves
from shared.services.booking import outbox as outboxes
from shared.services.booking.meeting_documents import meeting_of, new_version

log = logging.getLogger(__name__)
# Re-reads of one batch after another writer changed one of its documents.
ATTEMPTS = 5
# Query again until a query finds nothing left: a change committed meanwhile may have written a copy.
ROUNDS = 4
# The retention timer's work per run; the rest waits for the next run.
RETENTION_LIMIT = 100

Document = dict[str, Any]


async def erase_customer(ctx: Context, customer_id: str, actor: str) -> PersonalDataErasure:
    """Erase the personal data of every meeting (and cancelled meeting) of the customer, and of
    every copy of it."""
    erased: set[str] = set()
    for _ in range(ROUNDS):
        found = await ctx.bookings.customer_documents(customer_id)
        if await _settle_moves(ctx, found):
            found = await ctx.bookings.customer_documents(customer_id)
        if not any(_due(d) for d in found):
            break
        erased |= await erase_documents(ctx, found, actor)
    return PersonalDataErasure(meetings_erased=len(erased))


async def erase_expired(ctx: Context, limit: int = RETENTION_LIMIT) -> int:
    """Erase the personal data of at most `limit` meetings that ended longer ago than the
    organization's personalDataRetention, and of their copies; returns how many meetings."""
    from shared.services.organization import current_settings

    settings = (await current_settings(ctx)).item
    cutoff = retention_cutoff(ctx.clock(), settings.personal_data_retention)
    found = await ctx.bookings.personal_data_ended_before(cutoff, limit)
    if await _settle_moves(ctx, found):
        found = await ctx.bookings.personal_data_ended_before(cutoff, limit)
    if not found:
        return 0
    copies = await ctx.bookings.meeting_documents({d["id"] for d in found})
    erased = await erase_documents(ctx, [*found, *(c for c in copies if not is_meeting(c))], RETENTION_ACTOR)
    if erased:
        log.info("Erased the personal data of %d meeting(s) past retention", len(erased))
    return len(erased)


def _due(document: Document) -> bool:
    return meeting_needs_erasure(document) if is_meeting(document) else erased_copy(document) is not None


async def _settle_moves(ctx: Context, documents: Iterable[Document]) -> bool:
    """Settle every meeting among `documents` that is being moved; True when one was."""
    marked = {d["id"] for d in documents if d.get("type") == MEETING_DOC and move_rules.mark_of(d) is not None}
    for id in marked:
        await moves.for_write(ctx, id)
    return bool(marked)


async def erase_documents(ctx: Context, documents: Iterable[Document], actor: str) -> set[str]:
    """Erase these stored documents, one batch per day and at most BATCH_LIMIT documents (and what
    one batch may write), the days that hold only copies first; returns the ids of the meetings erased."""
    by_day: dict[str, dict[str, Document]] = defaultdict(dict)
    for document in documents:
        if _due(document):
            by_day[document["pk"]][document["id"]] = document
    # A day with a meeting last: the meeting's `personalData: false` then means its copies are clean.
    order = sorted(by_day, key=lambda day: (any(is_meeting(d) for d in by_day[day].values()), day))
    erased: set[str] = set()
    for day in order:
        documents = by_day[day]
        for ids in cut_by_size(((id, wire_bytes(documents[id])) for id in sorted(documents)), count=BATCH_LIMIT):
            erased |= await _erase_batch(ctx, day, {id: documents[id] for id in ids}, actor)
    return erased


async def _erase_batch(ctx: Context, day: str, documents: dict[str, Document], actor: str) -> set[str]:
    for _ in range(ATTEMPTS):
        now = ctx.clock()
        ops, events, meetings = _erasure_ops(day, documents, now, actor)
        if not ops:
            return set()
        outbox = outboxes.outbox_document(day, [], now, events)
        try:
            await ctx.bookings.commit(day, [*ops, *outboxes.outbox_ops(outbox)])
            await outboxes.publish_outbox(ctx, outbox)
            return meetings
        except BatchRejected as rejected:
            if rejected.status not in (404, 409, 412):
                raise
        # Someone changed (or moved, or cancelled) one of them meanwhile: erase what is there now.
        current = await ctx.bookings.day(day, documents)
        if await _settle_moves(ctx, current.values()):
            current = await ctx.bookings.day(day, documents)
        documents = {id: d for id, d in current.items() if _due(d)}
    log.warning("Gave up erasing %d document(s) on %s after %d attempts", len(documents), day, ATTEMPTS)
    return set()


def _erasure_ops(day: str, documents: dict[str, Document], now: datetime, actor: str
                 ) -> tuple[list[Op], list[dict[str, Any]], set[str]]:
    """The batch erasing `documents` of one day: each replaced at its ETag; each meeting with an
    Updated record by `actor`; and the `meeting.updated` webhook events of the booked ones."""
    ops: list[Op] = []
    events: list[dict[str, Any]] = []
    meetings: set[str] = set()
    for id, document in documents.items():
        if not is_meeting(document):
            if (copy := erased_copy(document)) is not None:
                ops.append(Op("replace", id, stored_fields(copy),
                              document["_etag"]))
            continue
        if not meeting_needs_erasure(document):
            continue
        erased, before, after = erased_meeting(document, now, new_version())
        entry = record(now, actor, before, after, HistoryAction.UPDATED)
        ops += [Op("replace", id, erased, document["_etag"]),
                history_op(id, document.get("customerId"), day, erased["historyLength"] - 1, entry)]
        meetings.add(id)
        if document.get("type") == MEETING_DOC:
            # Subscribers (a CRM) learn to erase their copy too.
            events.append(webhook_event(meeting_of(document), meeting_of(erased), now, new_id()))
    return ops, events, meetings
