"""The notification outbox: messages and webhook events written in the booking's own batch,
so they exist if and only if the booking does; published after the commit, re-published by
the timer when the queue was down."""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from shared.context import Context
from shared.errors import ServiceUnavailable
from shared.models.common import format_utc, new_id
from shared.ports import Op
from shared.rules.calendar_documents import OUTBOX_DOC
from shared.rules.notifications import Notice, to_message
from shared.rules.outlook_events import write_message
from shared.rules.webhooks import delivery_messages
from shared.services import webhook_delivery

log = logging.getLogger(__name__)
REPUBLISH_AFTER = timedelta(seconds=30)


def outbox_document(day: str, notices: list[Notice], now: datetime,
                    webhook_events: list[dict[str, Any]] | None = None,
                    subscriptions: Sequence[tuple[str, list[str]]] | None = None,
                    id: str | None = None, outlook_meeting: str | None = None) -> dict[str, Any] | None:
    """The outbox document carrying a booking's notification messages and webhook events
    (shared.rules.webhooks.event), or None for none.

    With the active `subscriptions` known (the booking read them with its configuration), the
    events are fanned out here into one delivery message per subscriber, and an event nobody
    subscribes to writes nothing; otherwise publishing the outbox fans them out. `outlook_meeting`:
    the meeting whose Outlook events the change touches (outlookSync TwoWay), a reference for the
    Outlook events queue (shared/services/outlook/event_writes.py)."""
    deliveries: list[dict[str, Any]] = []
    if subscriptions is not None:
        deliveries = delivery_messages(webhook_events or [], list(subscriptions))
        webhook_events = []
    outlook = [write_message(outlook_meeting)] if outlook_meeting else []
    if not notices and not webhook_events and not deliveries and not outlook:
        return None
    outbox = {"id": id or new_outbox_id(), "pk": day, "type": OUTBOX_DOC, "createdAt": format_utc(now),
              "messages": [to_message(n, now) for n in notices]}
    if webhook_events:
        outbox["webhookEvents"] = webhook_events
    if deliveries:
        outbox["webhookDeliveries"] = deliveries
    if outlook:
        outbox["outlookWrites"] = outlook
    return outbox


def new_outbox_id() -> str:
    return f"outbox:{new_id()}"


def outbox_ops(outbox: dict[str, Any] | None) -> list[Op]:
    return [Op("create", outbox["id"], outbox)] if outbox else []


async def publish_outbox(ctx: Context, outbox: dict[str, Any] | None, etag: str | None = None) -> bool:
    """Publish the outbox's messages, then delete it. When the queue is down the document
    stays, and the timer publishes it later: the booking has succeeded either way."""
    if not outbox:
        return True
    try:
        if outbox["messages"]:
            await ctx.publisher.publish(outbox["messages"])
        # One message per subscription; the POSTs happen in the webhooks queue's function, never here.
        if outbox.get("webhookDeliveries"):
            await ctx.publisher.publish(outbox["webhookDeliveries"], queue=ctx.settings.WEBHOOKS_QUEUE)
        await webhook_delivery.fan_out(ctx, outbox.get("webhookEvents", []))
        if outbox.get("outlookWrites"):
            await ctx.publisher.publish(outbox["outlookWrites"], queue=ctx.settings.OUTLOOK_EVENTS_QUEUE)
    except ServiceUnavailable as error:
        log.warning("Notification queue unavailable, outbox %s kept for retry: %s", outbox["id"], error.detail)
        return False
    try:
        await ctx.bookings.delete(outbox["pk"], outbox["id"], etag)
    except ServiceUnavailable as error:
        # Published but kept: the timer publishes it again (at least once; mail clients take
        # a repeated invitation with the same UID and SEQUENCE as the same event).
        log.warning("Outbox %s published but not deleted: %s", outbox["id"], error.detail)
    return True


async def republish_outbox(ctx: Context, older_than: timedelta = REPUBLISH_AFTER) -> int:
    """Publish every outbox document left behind more than `older_than` ago; returns how many."""
    published = 0
    for outbox in await ctx.bookings.outbox_before(ctx.clock() - older_than):
        if await publish_outbox(ctx, outbox, outbox["_etag"]):
            published += 1
    return published
