"""Outlook to BookMe, the three ways in (contract section 23): Graph's notifications (answered at
once, the work queued), the sync queue's messages (one mailbox's delta query each), and the
reconciliation timer (every followed mailbox from its stored state, repairing whatever a lost
notification missed).

While Graph is down or throttling, a mailbox's message is scheduled again after the next wait of
OUTLOOK_RETRY_SCHEDULE (its last wait repeating, twice the schedule's length in all); after that
the reconciliation timer takes the mailbox up again, so nothing is lost.
"""

import json
import logging
from typing import Any

from shared import kinds
from shared.context import Context
from shared.errors import GraphUnavailable, NotFound, UnreadableMessage
from shared.ports import Graph
from shared.rules import outlook_notifications as notices
from shared.rules.webhooks import parse_schedule
from shared.services import queue_messages
from shared.services.outlook import leases, subscriptions
from shared.services.outlook.mailbox_sync import Synced, sync_mailbox
from shared.services.outlook.retries import retry_later
from shared.services.queue_messages import Outcome

log = logging.getLogger(__name__)


async def accept(ctx: Context, body: bytes) -> int:
    """A notification POST: the notifications whose clientState is BookMe's become one queue
    message per subscription; the others are dropped. Returns how many were queued."""
    found, refused = notices.messages(body, ctx.settings.OUTLOOK_CLIENT_STATE)
    if refused:
        log.warning("Outlook: %d notification(s) without BookMe's clientState were dropped", refused)
    if found:
        await ctx.publisher.publish(found, queue=ctx.settings.OUTLOOK_SYNC_QUEUE)
    return len(found)


async def reconcile(ctx: Context) -> int:
    """Queue a delta round for every followed mailbox; returns how many."""
    wanted, states = await subscriptions.followed(ctx)
    found = [notices.mailbox_message(id) for id in sorted(states) if wanted.get(id) == states[id].item.mailbox]
    if found:
        await ctx.publisher.publish(found, queue=ctx.settings.OUTLOOK_SYNC_QUEUE)
    return len(found)


async def handle_delivery(ctx: Context, graph: Graph, message_id: str, body: bytes | str,
                          delivery_count: int) -> Outcome:
    """One delivery of a sync queue message: the mailbox synced (or its retry scheduled), or the
    message set aside (unreadable at once; Cosmos DB failing on its last allowed delivery)."""
    async def work(content: bytes | str) -> Outcome:
        synced = await handle(ctx, graph, content)
        return Outcome.RETRY_SCHEDULED if synced is Synced.BUSY else \
            Outcome.DROPPED if synced is Synced.UNKNOWN else Outcome.DELIVERED

    return await queue_messages.handle(ctx, ctx.settings.OUTLOOK_SYNC_QUEUE, message_id, body, delivery_count, work)


async def handle(ctx: Context, graph: Graph, body: bytes | str) -> Synced:
    """One sync queue message: a notification, or a mailbox to sync."""
    try:
        message: dict[str, Any] = json.loads(body)
        kind = message["kind"]
    except (ValueError, KeyError, TypeError):
        raise UnreadableMessage("Not an Outlook sync message") from None
    if kind == notices.NOTIFICATION:
        found = await ctx.store(kinds.OUTLOOK_MAILBOX).find_by("subscriptionId", [message["subscriptionId"]])
        if not found:
            log.info("Outlook: a notification of a subscription no mailbox has (any more) was dropped")
            return Synced.UNKNOWN
        employee_id, event = found[0].item.id, message.get("lifecycleEvent")
        message = notices.mailbox_message(employee_id, full=event == notices.SUBSCRIPTION_REMOVED)
        try:
            if event == notices.SUBSCRIPTION_REMOVED:
                await subscriptions.resubscribe(ctx, graph, employee_id)
            elif event == notices.REAUTHORIZATION_REQUIRED:
                await subscriptions.reauthorize(ctx, graph, employee_id)
        except GraphUnavailable as error:
            log.warning("Outlook: the subscription of employee %s waits for the next run: %s", employee_id,
                        error.detail)
    elif kind != notices.MAILBOX:
        raise UnreadableMessage(f"Unknown Outlook sync message kind {kind!r}")
    return await _sync(ctx, graph, message)


async def _sync(ctx: Context, graph: Graph, message: dict[str, Any]) -> Synced:
    employee_id, full, attempt = message["employeeId"], bool(message.get("full")), int(message.get("attempt", 0))
    try:
        outcome = await sync_mailbox(ctx, graph, employee_id, full)
    except GraphUnavailable as error:
        wait = await retry_later(ctx, ctx.settings.OUTLOOK_SYNC_QUEUE,
                                 notices.mailbox_message(employee_id, full, attempt + 1), attempt + 1, error,
                                 len(parse_schedule(ctx.settings.OUTLOOK_RETRY_SCHEDULE)))
        if wait is None:
            log.warning("Outlook: mailbox of employee %s left to the reconciliation timer: %s", employee_id,
                        error.detail)
        else:
            log.info("Outlook: mailbox of employee %s again in %s: %s", employee_id, wait, error.detail)
        return Synced.BUSY
    except (NotFound, leases.LeaseLost) as error:
        log.info("Outlook: mailbox of employee %s changed hands meanwhile: %s", employee_id, error.detail)
        return Synced.UNKNOWN
    if outcome is Synced.BUSY:
        # Should the worker holding it have died, this runs once its lease is over.
        await ctx.publisher.schedule([notices.mailbox_message(employee_id, full)], ctx.clock() + leases.LEASE,
                                     queue=ctx.settings.OUTLOOK_SYNC_QUEUE)
    return outcome
