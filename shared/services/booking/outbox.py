"""The notification outbox: the notices and webhook events of a change, written in its own
batch so they exist if and only if the change does; published after the commit as references
(queue messages name the outbox document, which stays until it expires), re-published by the
timer when the queue was down, at most MAX_ATTEMPTS times in all, then set aside.
See shared/rules/outbox.py and docs/data-model.md, "Notifications (outbox)"."""

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from datetime import datetime
from typing import Any

from shared.context import Context
from shared.errors import ServiceUnavailable
from shared.models.common import new_id
from shared.ports import BatchRejected, Op
from shared.rules import outbox as rules
from shared.rules.messaging import Reference
from shared.rules.notifications import Notice
from shared.rules.outlook_events import outlook_messages, with_outlook_writes
from shared.rules.webhooks import wanted
from shared.services import webhook_delivery

log = logging.getLogger(__name__)
Subscriptions = Sequence[tuple[str, list[str]]]


def outbox_document(day: str, notices: list[Notice], now: datetime,
                    webhook_events: list[dict[str, Any]] | None = None,
                    subscriptions: Subscriptions | None = None,
                    id: str | None = None, outlook: bool = False) -> dict[str, Any] | None:
    """The outbox document of a change's notices and webhook events (shared.rules.webhooks.event),
    or None when there is nothing to send. With the active `subscriptions` known (the booking read
    them with its configuration), an event nobody subscribes to is left out. `outlook`: the change
    goes to its employees' Outlook calendars too (outlookSync TwoWay, shared/rules/outlook_events.py)."""
    events = webhook_events or []
    about = [e["payload"]["data"] for e in events]
    if subscriptions is not None:
        events = wanted(events, list(subscriptions))
    if not notices and not events and not outlook:
        return None
    document = rules.outbox_document(id or new_outbox_id(), day, now, notices, events, about)
    return with_outlook_writes(document) if outlook else document


def new_outbox_id() -> str:
    return f"outbox:{new_id()}"


def outbox_ops(outbox: dict[str, Any] | None) -> list[Op]:
    """The outbox document and its pending entry, for the change's batch."""
    return [Op("create", outbox["id"], outbox), Op("create", rules.pending_id(outbox["id"]),
                                                   rules.pending_entry(outbox))] if outbox else []


async def publish_outbox(ctx: Context, outbox: dict[str, Any] | None,
                         subscriptions: Subscriptions | None = None) -> bool:
    """Publish the messages of an outbox just committed, then delete its pending entry. When the
    queue is down the entry stays and the timer publishes it later: the change has succeeded
    either way. `subscriptions`: the active ones, when the change read them."""
    if not outbox:
        return True
    try:
        await _publish(ctx, outbox, subscriptions)
    except ServiceUnavailable as error:
        log.warning("Notification queue unavailable, outbox %s kept for retry: %s", outbox["id"], error.detail)
        return False
    try:
        await ctx.bookings.delete(outbox["pk"], rules.pending_id(outbox["id"]))
    except ServiceUnavailable as error:
        # Published but still pending: the timer publishes it again and the queues drop the repeats.
        log.warning("Outbox %s published but still pending: %s", outbox["id"], error.detail)
    return True


async def _publish(ctx: Context, outbox: dict[str, Any], subscriptions: Subscriptions | None) -> None:
    """Send an outbox's messages, references all, to each queue at once, each even when another
    refuses: ServiceUnavailable when any did. Every message has the same id on every publication of
    the outbox, so the queues drop what they took before."""
    attempts = await asyncio.gather(_attempt(_notices(ctx, outbox)), _attempt(_deliveries(ctx, outbox, subscriptions)),
                                    _attempt(_outlook_writes(ctx, outbox)))
    failures = [error for error in attempts if error]
    if failures:
        raise failures[0]


async def _attempt(send: Awaitable[None]) -> ServiceUnavailable | None:
    try:
        await send
    except ServiceUnavailable as error:
        return error
    return None


async def _notices(ctx: Context, outbox: dict[str, Any]) -> None:
    if messages := rules.notice_messages(outbox):
        await ctx.publisher.publish(messages)


async def _outlook_writes(ctx: Context, outbox: dict[str, Any]) -> None:
    if messages := outlook_messages(outbox):
        await ctx.publisher.publish(messages, queue=ctx.settings.OUTLOOK_EVENTS_QUEUE)


async def _deliveries(ctx: Context, outbox: dict[str, Any], subscriptions: Subscriptions | None) -> None:
    # One message per subscription and event; the POSTs happen in the webhooks queue's function, never here.
    if events := outbox.get("webhookEvents"):
        active = list(subscriptions) if subscriptions is not None else await webhook_delivery.active(ctx)
        await webhook_delivery.fan_out(ctx, Reference(outbox["pk"], outbox["id"]), events, active)


async def republish_outbox(ctx: Context) -> int:
    """Publish every outbox left pending whose next attempt is due; returns how many were
    published. Each attempt is counted in the pending entry before it is made (a write at the
    ETag read, so two timers never make the same attempt), and the last failed one sets it aside."""
    now, first_wait = ctx.clock(), ctx.settings.OUTBOX_REPUBLISH_AFTER
    published = 0
    subscriptions: list[tuple[str, list[str]]] | None = None  # read once per run, when an outbox has events
    for entry in await ctx.bookings.pending_outbox(now, first_wait):
        if rules.used_up(entry):  # the last attempt was cut short (a crash): nothing is sent again
            await _set_aside(ctx, entry, f"attempt {entry['attempts']} did not finish", now)
            continue
        try:
            claimed = (await ctx.bookings.commit(entry["pk"], [
                Op("replace", entry["id"], rules.claimed(entry, now, first_wait), entry["_etag"])]))[entry["id"]]
        except BatchRejected:
            continue  # published, or taken by another instance, since it was read
        outbox = (await ctx.bookings.day(entry["pk"], [entry["outbox"]])).get(entry["outbox"])
        if outbox is None:  # expired: nothing left to send
            await ctx.bookings.delete(entry["pk"], entry["id"], claimed["_etag"])
            continue
        if outbox.get("webhookEvents") and subscriptions is None:
            subscriptions = await webhook_delivery.active(ctx)
        try:
            await _publish(ctx, outbox, subscriptions)
        except ServiceUnavailable as error:
            reason = f"attempt {claimed['attempts']} failed: {error.detail}"
            log.warning("Outbox %s of meeting %s not published, %s", outbox["id"], outbox.get("meetingId"), reason)
            if rules.used_up(claimed):
                await _set_aside(ctx, claimed, reason, now)
            continue
        await ctx.bookings.delete(entry["pk"], entry["id"], claimed["_etag"])
        log.info("Outbox %s of meeting %s published on attempt %d", outbox["id"], outbox.get("meetingId"),
                 claimed["attempts"])
        published += 1
    return published


async def _set_aside(ctx: Context, entry: dict[str, Any], reason: str, now: datetime) -> None:
    try:
        await ctx.bookings.commit(entry["pk"], [
            Op("replace", entry["id"], rules.set_aside_entry(entry, reason, now), entry["_etag"])])
    except BatchRejected:
        return  # another instance got there first
    log.error("Outbox %s set aside after %d attempts: %s", entry["outbox"], entry["attempts"], reason)


async def cleanup_expired(ctx: Context) -> int:
    """Delete outbox documents and set-aside entries past their life (Azure's ttl does it too;
    the local Cosmos API server ignores ttl); returns how many."""
    removed = 0
    for document in await ctx.bookings.expired_outbox(ctx.clock()):
        removed += await ctx.bookings.delete(document["pk"], document["id"], document["_etag"])
    return removed
