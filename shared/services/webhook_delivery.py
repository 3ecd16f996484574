"""Delivering webhook events: the fan-out from the outbox to the queue, and the queue
function's signed POST with scheduled retries and, in the end, setting the delivery aside.

Nothing here runs while a booking waits: the outbox publisher only enqueues, and every
HTTP request to a receiver happens in the Service Bus-triggered function. A delivery message
is a reference to the event in its outbox document, read at each attempt: an erasure scrubs
that document, so what is sent after it is the erased payload.
"""

import json
import logging
from collections.abc import Iterable
from typing import Any

from shared import kinds, telemetry
from shared.context import Context
from shared.errors import TargetUnreachable, UnreadableMessage
from shared.models.common import parse_utc
from shared.models.webhooks import StoredWebhook
from shared.ports import Documents, WebhookSender
from shared.rules import webhook_signing
from shared.rules.messaging import Reference
from shared.rules.webhooks import (
    Delivery,
    body,
    delivery_messages,
    from_message,
    next_wait,
    parse_schedule,
    retried,
    stored_event,
    subscribed,
    to_message,
)
from shared.services import crud, queue_messages
from shared.services.queue_messages import Outcome

log = logging.getLogger(__name__)


def _subscriptions(ctx: Context) -> Documents[StoredWebhook]:
    return ctx.store(kinds.WEBHOOK)


async def active(ctx: Context) -> list[tuple[str, list[str]]]:
    """(id, event names) of every active subscription, in one request."""
    return subscribed(s.item for s in await _subscriptions(ctx).find_by("isActive", [True]))


async def fan_out(ctx: Context, outbox: Reference, events: Iterable[dict[str, Any]],
                  subscriptions: list[tuple[str, list[str]]]) -> int:
    """Enqueue one delivery per subscription and subscribed event of an outbox; returns how many.
    ServiceUnavailable when the queue is down."""
    messages = delivery_messages(outbox, events, subscriptions)
    if messages:
        await ctx.publisher.publish(messages, queue=ctx.settings.WEBHOOKS_QUEUE)
    return len(messages)


async def handle(ctx: Context, sender: WebhookSender, message_id: str, body: bytes | str,
                 delivery_count: int) -> Outcome:
    """One delivery of a webhooks queue message (see deliver); set aside when it cannot be read,
    or when it fails on its last allowed delivery (Cosmos DB or the queue down, not the receiver:
    a receiver's failure schedules a retry)."""
    return await queue_messages.handle(ctx, ctx.settings.WEBHOOKS_QUEUE, message_id, body, delivery_count,
                                       lambda content: deliver(ctx, sender, content))


async def deliver(ctx: Context, sender: WebhookSender, content: bytes | str) -> Outcome:
    """POST one delivery, signed, to its subscription's current URL, with the event as its outbox
    document holds it now. A failure schedules the next attempt (same webhook-id) after the next
    wait of WEBHOOK_RETRY_SCHEDULE; after the last, the delivery is set aside with the reason. A
    deleted or deactivated subscription, or one no longer subscribed to the event, gets nothing;
    nor does an event whose outbox document is gone. A message that is not a delivery raises
    UnreadableMessage."""
    try:
        delivery = from_message(json.loads(content))
    except ValueError as error:  # JSONDecodeError is a ValueError
        raise UnreadableMessage(f"Not a webhook delivery: {error}") from None
    found = await crud.find(_subscriptions(ctx), delivery.subscription_id)
    subscription = found.item if found else None
    if subscription is None or not subscription.is_active:
        return _dropped(delivery, f"subscription {delivery.subscription_id} is gone or inactive")
    where = delivery.outbox
    document = (await ctx.bookings.day(where.day, [where.outbox])).get(where.outbox)
    payload = stored_event(document, delivery.event_id) if document else None
    if payload is None:
        return _dropped(delivery, f"its outbox {where.outbox} is gone")
    if payload["type"] not in subscription.events:
        return _dropped(delivery, f"subscription {delivery.subscription_id} is no longer subscribed to it")
    failure = await _post(ctx, sender, subscription, delivery, payload)
    if failure is None:
        log.info("Webhook %s (%s) delivered on attempt %d", delivery.webhook_id, payload["type"], delivery.attempt)
        telemetry.measure("bookme.webhook_lag", (ctx.clock() - parse_utc(payload["timestamp"])).total_seconds())
        return Outcome.DELIVERED
    return await _after_failure(ctx, delivery, failure)


def _dropped(delivery: Delivery, why: str) -> Outcome:
    log.info("Webhook %s not sent: %s", delivery.webhook_id, why)
    return Outcome.DROPPED


async def _post(ctx: Context, sender: WebhookSender, subscription: StoredWebhook, delivery: Delivery,
                payload: dict[str, Any]) -> str | None:
    """The reason the attempt failed, or None when the receiver took it (2xx)."""
    content = body(payload)
    # The timestamp is the attempt's: receivers refuse old ones, so each retry is signed anew.
    signed = webhook_signing.headers(subscription.secret, delivery.webhook_id, int(ctx.clock().timestamp()), content)
    try:
        status = await sender.post(subscription.url, signed, content)
    except TargetUnreachable as error:
        return error.detail
    if 200 <= status < 300:
        return None
    return f"the receiver answered {status}" + (" (redirects are not followed)" if 300 <= status < 400 else "")


async def _after_failure(ctx: Context, delivery: Delivery, failure: str) -> Outcome:
    queue = ctx.settings.WEBHOOKS_QUEUE
    now = ctx.clock()
    wait = next_wait(parse_schedule(ctx.settings.WEBHOOK_RETRY_SCHEDULE), delivery.attempt)
    if wait is None:
        since = f" since {delivery.first_attempt_at}" if delivery.first_attempt_at else ""
        reason = f"Webhook {delivery.webhook_id} gave up after {delivery.attempt} attempt(s){since}; " \
                 f"the last: {failure}"
        message = to_message(delivery)
        await queue_messages.set_aside(ctx, queue, message["id"], message, reason, delivery.attempt)
        return Outcome.SET_ASIDE
    log.info("Webhook %s attempt %d failed (%s); next in %s", delivery.webhook_id, delivery.attempt, failure, wait)
    await ctx.publisher.schedule([to_message(retried(delivery, now))], now + wait, queue=queue)
    return Outcome.RETRY_SCHEDULED
