"""Webhook events of meeting changes, their delivery messages and the retry schedule. Pure.

A meeting change becomes one event in the booking's outbox. Publishing the outbox fans each
event out into one delivery message per subscription; a failed delivery is published again,
scheduled after the next wait of the retry schedule, with the same `webhook-id`; when the
schedule is used up it is dead-lettered with the reason.
"""

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.models.common import format_utc
from shared.models.history import HistoryAction
from shared.models.meetings import Meeting
from shared.models.webhooks import WebhookEvent
from shared.rules.history import action_for
from shared.rules.timespan import parse_timespan

CREATED, UPDATED = WebhookEvent.MEETING_CREATED.value, WebhookEvent.MEETING_UPDATED.value
RESCHEDULED, CANCELLED = WebhookEvent.MEETING_RESCHEDULED.value, WebhookEvent.MEETING_CANCELLED.value
EVENT_TYPES = (CREATED, UPDATED, RESCHEDULED, CANCELLED)
# A meeting change's event is its history action (one rule for what counts as a reschedule).
_EVENT_OF = {HistoryAction.CREATED: CREATED, HistoryAction.UPDATED: UPDATED,
             HistoryAction.RESCHEDULED: RESCHEDULED, HistoryAction.CANCELLED: CANCELLED}
DELIVERY = "webhookDelivery"
NAMESPACE = uuid.UUID("0b6f3c1e-5a7d-4e29-9c84-2f1d6a3b7e50")


def event_type(before: Meeting | None, after: Meeting | None) -> str:
    """Created, cancelled, rescheduled (its time, employee or room changed) or updated."""
    return _EVENT_OF[action_for(before.to_json() if before else None, after.to_json() if after else None)]


def event(before: Meeting | None, after: Meeting | None, at: datetime, id: str) -> dict[str, Any]:
    """The outbox entry of one committed meeting change: its id and the payload receivers get,
    `{"type", "timestamp", "data"}` with the meeting as it is now (as it was, when cancelled),
    never with its CPR number."""
    meeting = after if after is not None else before
    if meeting is None:
        raise ValueError("a meeting change has a meeting before or after it")
    data = meeting.listed().to_json()
    return {"id": id, "payload": {"type": event_type(before, after), "timestamp": format_utc(at),
                                  "data": {"id": data.pop("id"), **data}}}  # id first, as the API answers


def webhook_id(event_id: str, subscription_id: str) -> str:
    """Deterministic: the same event to the same subscription is always the same webhook-id,
    however often it is published or retried."""
    return "msg_" + uuid.uuid5(NAMESPACE, f"{event_id}|{subscription_id}").hex


@dataclass(frozen=True)
class Delivery:
    """One event on its way to one subscription; `attempt` counts from 1."""

    webhook_id: str
    subscription_id: str
    payload: dict[str, Any]
    attempt: int = 1
    first_attempt_at: str | None = None
    dead_letter_reason: str | None = None

    @property
    def type(self) -> str:
        return self.payload["type"]

    def body(self) -> bytes:
        """The exact bytes that are signed and sent, the same on every attempt."""
        return json.dumps(self.payload, ensure_ascii=False, separators=(",", ":")).encode()


def deliveries(event_entry: dict[str, Any], subscriptions: list[tuple[str, list[str]]]) -> list[Delivery]:
    """The deliveries of one event: one per subscription (id, events) subscribed to its type."""
    payload = event_entry["payload"]
    return [Delivery(webhook_id(event_entry["id"], id), id, payload) for id, events in subscriptions
            if payload["type"] in events]


def subscribed(webhooks: Iterable[Any]) -> list[tuple[str, list[str]]]:
    """(id, event names) of each subscription, the shape `deliveries` takes."""
    return [(w.id, [str(e) for e in w.events]) for w in webhooks]


def delivery_messages(events: Iterable[dict[str, Any]], subscriptions: list[tuple[str, list[str]]]
                      ) -> list[dict[str, Any]]:
    """The queue messages of events fanned out to their subscribers: one per subscription and event."""
    return [to_message(d) for event in events for d in deliveries(event, subscriptions)]


def to_message(delivery: Delivery) -> dict[str, Any]:
    """The queue message; its `id` (the Service Bus MessageId) differs per attempt, so a
    retry is never taken for a duplicate of the attempt it follows."""
    message = {"id": f"{delivery.webhook_id}.{delivery.attempt}", "kind": DELIVERY,
               "webhookId": delivery.webhook_id, "subscriptionId": delivery.subscription_id,
               "attempt": delivery.attempt, "firstAttemptAt": delivery.first_attempt_at,
               "payload": delivery.payload}
    if delivery.dead_letter_reason is not None:
        message["deadLetterReason"] = delivery.dead_letter_reason
    return message


def from_message(message: Any) -> Delivery:
    """The delivery of a queue message; ValueError when it is not one."""
    try:
        if message.get("kind") != DELIVERY or message["payload"]["type"] not in EVENT_TYPES:
            raise ValueError("not a webhook delivery")
        attempt = message["attempt"]
        if not isinstance(attempt, int) or attempt < 1:
            raise ValueError("attempt is a positive integer")
        return Delivery(str(message["webhookId"]), str(message["subscriptionId"]), dict(message["payload"]),
                        attempt, message.get("firstAttemptAt"), message.get("deadLetterReason"))
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"not a webhook delivery message: {error}") from None


def parse_schedule(text: str) -> tuple[timedelta, ...]:
    """`00:00:05,00:05:00,...`: the wait before each retry. ValueError when a wait is not a
    positive TimeSpan."""
    waits = tuple(parse_timespan(part) for part in text.split(",") if part.strip())
    if any(wait <= timedelta(0) for wait in waits):
        raise ValueError("every wait of a retry schedule is longer than zero")
    return waits


def next_wait(schedule: tuple[timedelta, ...], attempt: int) -> timedelta | None:
    """The wait before the attempt after `attempt`, or None when the retries are used up."""
    return schedule[attempt - 1] if 1 <= attempt <= len(schedule) else None


def retried(delivery: Delivery, now: datetime) -> Delivery:
    """The next attempt of a failed delivery."""
    return Delivery(delivery.webhook_id, delivery.subscription_id, delivery.payload, delivery.attempt + 1,
                    delivery.first_attempt_at or format_utc(now))


def dead_lettered(delivery: Delivery, reason: str) -> Delivery:
    return Delivery(delivery.webhook_id, delivery.subscription_id, delivery.payload, delivery.attempt,
                    delivery.first_attempt_at, reason)
