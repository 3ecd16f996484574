"""What a queue message refers to, for tests over the fakes: the notice or webhook event in its
outbox document, and a scan of messages for values that must never travel in them."""

import json
from typing import Any

from shared.context import Context
from shared.rules.notifications import Notice, stored_notice
from shared.rules.webhooks import stored_event


def outbox_of(ctx: Context, message: dict[str, Any]) -> dict[str, Any]:
    return ctx.bookings.documents[(message["day"], message["outbox"])]


def notice_of(ctx: Context, message: dict[str, Any]) -> Notice | None:
    return stored_notice(outbox_of(ctx, message), message["id"])


def event_of(ctx: Context, message: dict[str, Any]) -> dict[str, Any] | None:
    return stored_event(outbox_of(ctx, message), message["event"])


def everything_published(ctx: Context) -> list[dict[str, Any]]:
    """Every message the RecordingPublisher took: to any queue, scheduled or not."""
    publisher = ctx.publisher
    return [*publisher.sent, *(m for queued in publisher.queues.values() for m in queued),
            *(m for _, _, m in publisher.scheduled)]


def values_found(messages: list[dict[str, Any]], values: list[str]) -> list[str]:
    """The values that appear anywhere in the messages as sent (JSON, as a queue would carry them)."""
    text = json.dumps(messages, ensure_ascii=False)
    return [v for v in values if v in text]


def service_bus_message(body: bytes, message_id: str, delivery_count: int = 1) -> Any:
    """A Service Bus message as the Functions host hands it to a queue-triggered function."""
    from azure.functions.servicebus import ServiceBusMessage

    return ServiceBusMessage(body=body, message_id=message_id, delivery_count=delivery_count,
                             content_type="application/json", application_properties={}, user_properties={})
