"""Erasing customers' personal data from their meetings (contract section 16), on request and
by retention, and from the outbox documents their queued e-mails and webhooks refer to.

Every erased document is replaced at the ETag it was read at, per day partition in batches
under Cosmos DB's operation limit; calendars are not touched, so the meetings stay booked.
See docs/data-model.md, "Personal data".
"""

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from shared.context import Context
from shared.models.common import new_id
from shared.models.history import PersonalDataErasure
from shared.models.meetings import Meeting
from shared.ports import BatchRejected, Op
from shared.rules.calendar_documents import CANCELLED_MEETING_DOC, MEETING_DOC, OUTBOX_DOC
from shared.rules.personal_data import (
    RETENTION_ACTOR,
    batches,
    erased_document,
    erased_outbox,
    needs_erasure,
    retention_cutoff,
)
from shared.rules.webhooks import event as webhook_event
from shared.services.booking import outbox as outboxes

log = logging.getLogger(__name__)
MEETING_DOCS = (MEETING_DOC, CANCELLED_MEETING_DOC)
# Re-reads of one batch after another writer changed one of its meetings.
ATTEMPTS = 5
# A query may miss a meeting that moved to another day while it was being erased: query again.
ROUNDS = 3
# The retention timer's work per run; the rest waits for the next run.
RETENTION_LIMIT = 100


async def erase_customer(ctx: Context, customer_id: str, actor: str) -> PersonalDataErasure:
    """Erase the personal data of every meeting (and cancelled meeting) of the customer."""
    erased: set[str] = set()
    for _ in range(ROUNDS):
        found = await ctx.bookings.customer_meetings(customer_id)
        due = {d["id"] for d in found if needs_erasure(d)}
        done = await erase_documents(ctx, found, actor) if due else set()
        erased |= done
        if due <= done:
            break
    # After the meetings: an outbox written by a change that raced the erasure is there by now.
    await erase_outboxes(ctx, await ctx.bookings.outbox_with_personal_data(customer_id=customer_id))
    return PersonalDataErasure(meetings_erased=len(erased))


async def erase_expired(ctx: Context, limit: int = RETENTION_LIMIT) -> int:
    """Erase the personal data of at most `limit` meetings that ended longer ago than the
    organization's personalDataRetention; returns how many were erased."""
    from shared.services.organization import current_settings

    settings = (await current_settings(ctx)).item
    cutoff = retention_cutoff(ctx.clock(), settings.personal_data_retention)
    found = await ctx.bookings.personal_data_ended_before(cutoff, limit)
    erased = await erase_documents(ctx, found, RETENTION_ACTOR)
    if erased:
        log.info("Erased the personal data of %d meeting(s) past retention", len(erased))
    scrubbed = await erase_outboxes(ctx, await ctx.bookings.outbox_with_personal_data(ended_before=cutoff,
                                                                                       limit=limit))
    if scrubbed:
        log.info("Erased the personal data of %d outbox document(s) past retention", scrubbed)
    return len(erased)


async def erase_documents(ctx: Context, documents: Iterable[dict[str, Any]], actor: str) -> set[str]:
    """Erase these stored documents, one batch per day and at most BATCH_LIMIT documents;
    returns the ids of the meetings erased."""
    documents = list(documents)
    by_day: dict[str, list[str]] = {}
    for document in documents:
        by_day.setdefault(document["pk"], []).append(document["id"])
    current = {(d["pk"], d["id"]): d for d in documents}
    erased: set[str] = set()
    for day, ids in batches({day: sorted(set(ids)) for day, ids in by_day.items()}):
        erased |= await _erase_batch(ctx, day, {id: current[(day, id)] for id in ids}, actor)
    return erased


async def _erase_batch(ctx: Context, day: str, documents: dict[str, dict[str, Any]], actor: str) -> set[str]:
    for _ in range(ATTEMPTS):
        now = ctx.clock()
        changed = {id: erased_document(d, now, actor) for id, d in documents.items()}
        ops = [Op("replace", id, new, documents[id]["_etag"]) for id, new in changed.items() if new is not None]
        if not ops:
            return set()
        outbox = outboxes.outbox_document(day, [], now, _webhook_events(documents, changed, now))
        try:
            await ctx.bookings.commit(day, [*ops, *outboxes.outbox_ops(outbox)])
            await outboxes.publish_outbox(ctx, outbox)
            return {op.id for op in ops}
        except BatchRejected as rejected:
            if rejected.status not in (404, 412):
                raise
        # Someone changed (or moved, or cancelled) one of them meanwhile: erase what is there now.
        documents = {id: d for id, d in (await ctx.bookings.day(day, documents)).items()
                     if d.get("type") in MEETING_DOCS}
    log.warning("Gave up erasing %d meeting(s) on %s after %d attempts", len(documents), day, ATTEMPTS)
    return set()


def _webhook_events(documents: dict[str, dict[str, Any]], changed: dict[str, dict[str, Any] | None],
                    now: datetime) -> list[dict[str, Any]]:
    """An erasure is a change of each booked meeting it touches: `meeting.updated`, with the data
    as it is now, so subscribers (a CRM) learn to erase their copy too. Cancelled meetings are
    no meetings any more and send nothing."""

    def meeting(document: dict[str, Any]) -> Meeting:
        return Meeting.model_validate({**document, "type": document["meetingType"]})

    return [webhook_event(meeting(documents[id]), meeting(new), now, new_id()) for id, new in changed.items()
            if new is not None and new.get("type") == MEETING_DOC]


async def erase_outboxes(ctx: Context, documents: Iterable[dict[str, Any]]) -> int:
    """Erase the personal data copied into these outbox documents (what queued e-mails and
    webhooks read), one batch per day; returns how many were changed."""
    by_day: dict[str, dict[str, dict[str, Any]]] = {}
    for document in documents:
        by_day.setdefault(document["pk"], {})[document["id"]] = document
    erased = 0
    for day, ids in batches({day: sorted(found) for day, found in by_day.items()}):
        erased += await _erase_outbox_batch(ctx, day, {id: by_day[day][id] for id in ids})
    return erased


async def _erase_outbox_batch(ctx: Context, day: str, documents: dict[str, dict[str, Any]]) -> int:
    for _ in range(ATTEMPTS):
        now = ctx.clock()
        ops = [Op("replace", id, new, d["_etag"]) for id, d in documents.items()
               if (new := erased_outbox(d, now)) is not None]
        if not ops:
            return 0
        try:
            await ctx.bookings.commit(day, ops)
            return len(ops)
        except BatchRejected as rejected:
            if rejected.status not in (404, 412):
                raise
        # Expired meanwhile (404), or changed: erase what is there now.
        documents = {id: d for id, d in (await ctx.bookings.day(day, documents)).items() if d.get("type") == OUTBOX_DOC}
    log.warning("Gave up erasing %d outbox document(s) on %s after %d attempts", len(documents), day, ATTEMPTS)
    return 0
