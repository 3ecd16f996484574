"""The reminders chore (its own timer, REMINDERS_SCHEDULE): one query for the meetings whose
`reminderAt` is due, then per meeting one conditional batch that advances the instant and
writes the reminder's outbox document; the outbox is then published like a booking's. A
meeting moved or cancelled meanwhile fails the batch (its ETag changed) and is left to its new
state, so a reminder is queued once, for the time the meeting has."""

import logging
from typing import Any

from shared.context import Context
from shared.models.common import format_utc, parse_utc
from shared.ports import BatchRejected, Op
from shared.rules import moves as move_rules
from shared.rules.calendar_documents import stored_fields
from shared.rules.outbox import reminder_outbox
from shared.rules.reminders import next_reminder, reminder_message
from shared.services.booking.day_batch import after_commit
from shared.services.booking.outbox import new_outbox_id, outbox_ops, publish_outbox
from shared.services.organization import current_settings

log = logging.getLogger(__name__)
PER_RUN = 100


async def send_due(ctx: Context, limit: int = PER_RUN) -> int:
    """Queue every reminder due now (at most `limit` per run); returns how many were queued."""
    now = ctx.clock()
    due = await ctx.bookings.reminders_due(now, limit)
    if not due:
        return 0
    offsets = (await current_settings(ctx)).item.reminders
    queued = 0
    for document in due:
        queued += await _advance(ctx, document, offsets, now)
    return queued


async def _advance(ctx: Context, document: dict[str, Any], offsets, now) -> int:
    if move_rules.mark_of(document) is not None:
        return 0  # being moved: the move sets the reminder of the new time
    start = parse_utc(document["startDate"])
    due = document["reminderAt"]
    following = next_reminder(start, offsets, max(now, parse_utc(due)))
    stored = {k: v for k, v in stored_fields(document).items() if k != "reminderAt"}
    if following is not None:
        stored["reminderAt"] = format_utc(following)
    ops = [Op("replace", document["id"], stored, document["_etag"])]
    outbox = None
    if start > now:  # a meeting that has begun is past reminding: only advance it
        outbox = reminder_outbox(new_outbox_id(), document["pk"], now,
                                 reminder_message(document["id"], document["startDate"], due, now), document)
        ops += outbox_ops(outbox)
    try:
        await ctx.bookings.commit(document["pk"], ops)
    except BatchRejected:
        log.info("Meeting %s changed while its reminder was due; the next run sees it as it is now", document["id"])
        return 0
    if outbox is None:
        return 0
    await after_commit("publishing a reminder", publish_outbox(ctx, outbox))
    return 1
