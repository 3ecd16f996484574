"""Webhook events of meeting changes, their delivery messages and the retry schedule. Pure.

A meeting change becomes one event in the booking's outbox, stored once. Publishing the outbox
fans it out into one delivery message per subscription, each a reference to the event; a
failed delivery is published again, scheduled after the next wait of the retry schedule, with
the same `webhook-id`; when the schedule is used up it is set aside with the reason.
"""

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from shared.models.common import format_utc
from shared.models.history import HistoryAction
from shared.models.meetings import Meeting
from shared.models.webhooks import WebhookEvent
from shared.rules.history import action_for
from shared.rules.messaging import MAX_ATTEMPTS, MAX_RETRY_SPAN, Reference, reference
from shared.rules.timespan import parse_timespan

CREATED, UPDATED = WebhookEvent.MEETING_CREATED.value, WebhookEvent.MEETING_UPDATED.value
RESCHEDULED, CANCELLED = WebhookEvent.MEETING_RESCHEDULED.value, WebhookEvent.MEETING_CANCELLED.value
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
    """One event on its way to one subscription: a reference to the event in its outbox
    document, and the attempt (counting from 1)."""

    outbox: Reference
    event_id: str
    subscription_id: str
    attempt: int = 1
    first_attempt_at: str | None = None

    @property
    def webhook_id(self) -> str:
        return webhook_id(self.event_id, self.subscription_id)


def body(payload: dict[str, Any]) -> bytes:
    """The exact bytes of an event that are signed and sent, the same on every attempt."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def event_type_of(event_entry: dict[str, Any]) -> str:
    return event_entry["payload"]["type"]


def stored_event(outbox: dict[str, Any], event_id: str) -> dict[str, Any] | None:
    """The payload of the event `event_id` in a stored outbox; None when it holds no such event."""
    found = next((e for e in outbox.get("webhookEvents", []) if e.get("id") == event_id), None)
    return found["payload"] if found else None


def subscribed(webhooks: Iterable[Any]) -> list[tuple[str, list[str]]]:
    """(id, event names) of each subscription, the shape the fan-out takes."""
    return [(w.id, [str(e) for e in w.events]) for w in webhooks]


def wanted(events: Iterable[dict[str, Any]], subscriptions: list[tuple[str, list[str]]]) -> list[dict[str, Any]]:
    """The events some subscription is subscribed to."""
    return [e for e in events if any(event_type_of(e) in names for _, names in subscriptions)]


def delivery_messages(outbox: Reference, events: Iterable[dict[str, Any]],
                      subscriptions: list[tuple[str, list[str]]]) -> list[dict[str, Any]]:
    """The queue messages of an outbox's events fanned out to their subscribers: one per
    subscription and event, each a reference to the event (stored once, whatever the number of
    subscribers)."""
    return [to_message(Delivery(outbox, event["id"], id)) for event in events for id, names in subscriptions
            if event_type_of(event) in names]


def to_message(delivery: Delivery) -> dict[str, Any]:
    """The queue message; its `id` (the Service Bus MessageId) is the webhook-id and the attempt,
    so a repeated send of one attempt is dropped by the queue and a retry never is."""
    return {"id": f"{delivery.webhook_id}.{delivery.attempt}", "kind": DELIVERY, "day": delivery.outbox.day,
            "outbox": delivery.outbox.outbox, "event": delivery.event_id,
            "subscriptionId": delivery.subscription_id, "attempt": delivery.attempt,
            "firstAttemptAt": delivery.first_attempt_at}


def from_message(message: Any) -> Delivery:
    """The delivery of a queue message; ValueError when it is not one."""
    if not isinstance(message, dict) or message.get("kind") != DELIVERY:
        raise ValueError("not a webhook delivery")
    attempt = message.get("attempt")
    if not isinstance(attempt, int) or attempt < 1:
        raise ValueError("attempt is a positive integer")
    if not isinstance(message.get("event"), str) or not isinstance(message.get("subscriptionId"), str):
        raise ValueError("a delivery names its event and subscription")
    return Delivery(reference(message), message["event"], message["subscriptionId"], attempt,
                    message.get("firstAttemptAt"))


@lru_cache  # a setting's text: parsed once per process
def parse_schedule(text: str) -> tuple[timedelta, ...]:
    """`00:00:05,00:05:00,...`: the wait before each retry. ValueError when a wait is not a
    positive TimeSpan, or when the schedule allows more than MAX_ATTEMPTS attempts or spans more
    than MAX_RETRY_SPAN (the outbox document the deliveries read lives only so long)."""
    waits = tuple(parse_timespan(part) for part in text.split(",") if part.strip())
    if any(wait <= timedelta(0) for wait in waits):
        raise ValueError("every wait of a retry schedule is longer than zero")
    if len(waits) >= MAX_ATTEMPTS:
        raise ValueError(f"a retry schedule has at most {MAX_ATTEMPTS - 1} waits ({MAX_ATTEMPTS} attempts)")
    if sum(waits, timedelta(0)) > MAX_RETRY_SPAN:
        raise ValueError(f"a retry schedule spans at most {MAX_RETRY_SPAN}")
    return waits


def next_wait(schedule: tuple[timedelta, ...], attempt: int) -> timedelta | None:
    """The wait before the attempt after `attempt`, or None when the retries are used up."""
    return schedule[attempt - 1] if 1 <= attempt <= len(schedule) else None


def retried(delivery: Delivery, now: datetime) -> Delivery:
    """The next attempt of a failed delivery."""
    return replace(delivery, attempt=delivery.attempt + 1,
                   first_attempt_at=delivery.first_attempt_at or format_utc(now))
