"""Delivering webhook events: the fan-out from the outbox to the queue, and the queue
function's signed POST with scheduled retries and, in the end, dead-lettering.

Nothing here runs while a booking waits: the outbox publisher only enqueues, and every
HTTP request to a receiver happens in the Service Bus-triggered function.
"""

import dataclasses
import json
import logging
from enum import StrEnum
from functools import lru_cache
from typing import Any

from shared import kinds
from shared.context import Context
from shared.errors import DeliveryAbandoned, TargetUnreachable, UnreadableMessage
from shared.models.common import parse_utc
from shared.models.webhooks import StoredWebhook
from shared.ports import Documents, WebhookSender
from shared.rules import webhook_signing
from shared.rules.personal_data import erase_fields
from shared.rules.webhooks import (
    Delivery,
    dead_lettered,
    delivery_messages,
    from_message,
    next_wait,
    parse_schedule,
    retried,
    subscribed,
    to_message,
)
from shared.services import crud, personal_data

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY_SCHEDULED = "retryScheduled"
    DEAD_LETTERED = "deadLettered"
    DROPPED = "dropped"


def _subscriptions(ctx: Context) -> Documents[StoredWebhook]:
    return ctx.store(kinds.WEBHOOK)


@lru_cache
def retry_schedule(text: str):
    return parse_schedule(text)


async def fan_out(ctx: Context, events: list[dict[str, Any]]) -> int:
    """Enqueue one delivery per active subscription and subscribed event, reading the
    subscriptions once; returns how many. ServiceUnavailable when the queue is down."""
    if not events:
        return 0
    active = await _subscriptions(ctx).find_by("isActive", [True])
    messages = delivery_messages(events, subscribed(s.item for s in active))
    if messages:
        await ctx.publisher.publish(messages, queue=ctx.settings.WEBHOOKS_QUEUE)
    return len(messages)


async def deliver(ctx: Context, sender: WebhookSender, body: bytes | str) -> Outcome:
    """POST one delivery, signed, to its subscription's current URL. A failure schedules the
    next attempt (same webhook-id) after the next wait of WEBHOOK_RETRY_SCHEDULE; after the
    last, the delivery is dead-lettered with the reason. A deleted or deactivated
    subscription, or one no longer subscribed to the event, gets nothing. A message that is not
    a delivery raises UnreadableMessage, so that Service Bus dead-letters it."""
    try:
        delivery = from_message(json.loads(body))
    except ValueError as error:  # JSONDecodeError is a ValueError
        raise UnreadableMessage(f"Not a webhook delivery: {error}") from None  # dead-lettered, as notifications
    if delivery.dead_letter_reason is not None:
        raise DeliveryAbandoned(delivery.dead_letter_reason)
    found = await crud.find(_subscriptions(ctx), delivery.subscription_id)
    subscription = found.item if found else None
    if subscription is None or not subscription.is_active or delivery.type not in subscription.events:
        log.info("Webhook %s not sent: subscription %s is gone, inactive or unsubscribed", delivery.webhook_id,
                 delivery.subscription_id)
        return Outcome.DROPPED
    delivery = await _without_erased_data(ctx, delivery)  # retries carry no erased data either
    failure = await _post(ctx, sender, subscription, delivery)
    if failure is None:
        log.info("Webhook %s (%s) delivered on attempt %d", delivery.webhook_id, delivery.type, delivery.attempt)
        return Outcome.DELIVERED
    return await _after_failure(ctx, delivery, failure)


async def _without_erased_data(ctx: Context, delivery: Delivery) -> Delivery:
    """The delivery as it may still be sent: when the meeting's personal data was erased after
    the change, the erased fields go out empty (no query when the data holds none)."""
    data = delivery.payload["data"]
    if erase_fields(data) == data or not await personal_data.erased_since(
            ctx, data["id"], parse_utc(delivery.payload["timestamp"])):
        return delivery
    return dataclasses.replace(delivery, payload={**delivery.payload, "data": erase_fields(data)})


async def _post(ctx: Context, sender: WebhookSender, subscription: StoredWebhook, delivery: Delivery) -> str | None:
    """The reason the attempt failed, or None when the receiver took it (2xx)."""
    content = delivery.body()
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
    wait = next_wait(retry_schedule(ctx.settings.WEBHOOK_RETRY_SCHEDULE), delivery.attempt)
    if wait is None:
        since = f" since {delivery.first_attempt_at}" if delivery.first_attempt_at else ""
        reason = f"Gave up after {delivery.attempt} attempt(s){since}; the last: {failure}"
        log.warning("Webhook %s dead-lettered: %s", delivery.webhook_id, reason)
        await ctx.publisher.publish([to_message(dead_lettered(delivery, reason))], queue=queue)
        return Outcome.DEAD_LETTERED
    log.info("Webhook %s attempt %d failed (%s); next in %s", delivery.webhook_id, delivery.attempt, failure, wait)
    await ctx.publisher.schedule([to_message(retried(delivery, now))], now + wait, queue=queue)
    return Outcome.RETRY_SCHEDULED
