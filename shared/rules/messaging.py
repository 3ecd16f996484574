"""What every queue message and the outbox behind it promise: references, bounded attempts,
set-aside entries that expire, ids the queues de-duplicate. Pure.

A queue message names the outbox document its content lives in (day partition and id) and
carries nothing else but ids and counters, so it holds no personal data and stays a few
hundred bytes whatever the meeting. What cannot be handled is set aside with its reason after
at most MAX_ATTEMPTS, on a queue (or as a document) of its own that forgets it within
SET_ASIDE_LIFE. See docs/data-model.md, "Notifications (outbox)", and docs/operations.md.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.models.common import format_utc

MAX_ATTEMPTS = 10
SET_ASIDE_LIFE = timedelta(days=14)
# Every queue has Service Bus duplicate detection with this window (infra/app/servicebus.bicep)
# and the local queue drops repeats the same way: it must outlast the outbox's re-publishing,
# the longest time between two sends of one message id (settings check it).
DUPLICATE_DETECTION_WINDOW = timedelta(days=1)
# The longest a webhook retry schedule may span (settings check it).
MAX_RETRY_SPAN = timedelta(days=2)
# An outbox document outlives every message that refers to it: its re-publishing (at most the
# duplicate detection window), the webhook retries and a set-aside message's life.
OUTBOX_LIFE = DUPLICATE_DETECTION_WINDOW + MAX_RETRY_SPAN + SET_ASIDE_LIFE
SET_ASIDE = "setAside"


@dataclass(frozen=True)
class Reference:
    """Where a message's content lives: the outbox document `outbox` in the day partition `day`."""

    day: str
    outbox: str


def reference(message: Any) -> Reference:
    """The outbox a queue message refers to; ValueError when it names none."""
    try:
        day, outbox = message["day"], message["outbox"]
    except (KeyError, TypeError) as error:
        raise ValueError(f"names no outbox document: {error!r}") from None
    if not isinstance(day, str) or not isinstance(outbox, str):
        raise ValueError("the outbox reference is not two strings")
    return Reference(day, outbox)


def republish_wait(first: timedelta, attempts: int) -> timedelta:
    """The wait after an outbox's `attempts`-th attempt: `first`, doubled after each further one."""
    return first * 2 ** max(attempts - 1, 0)


def republish_span(first: timedelta) -> timedelta:
    """From an outbox's first attempt to its last (the MAX_ATTEMPTS-th)."""
    return sum((republish_wait(first, n) for n in range(1, MAX_ATTEMPTS)), timedelta(0))


def expiry(now: datetime, life: timedelta) -> dict[str, Any]:
    """The fields that make a stored document expire: Cosmos DB's `ttl` (seconds) in Azure and
    `expiresAt` for the local cleanup (the local Cosmos API server ignores ttl)."""
    return {"ttl": int(life.total_seconds()), "expiresAt": format_utc(now + life)}


def last_attempt(delivery_count: int) -> bool:
    """Whether this delivery of a queue message is the last one allowed before it is set aside."""
    return delivery_count >= MAX_ATTEMPTS


def set_aside_message(queue: str, message_id: str, message: dict[str, Any] | None, reason: str, attempts: int,
                      at: datetime) -> dict[str, Any]:
    """The message that keeps one set aside: which queue it came from, why, after how many attempts,
    and the message itself (references only; None when it could not be read, since an unreadable
    body is not ours and may hold anything)."""
    return {"id": f"{message_id}.{SET_ASIDE}", "kind": SET_ASIDE, "queue": queue, "messageId": message_id,
            "reason": reason, "attempts": attempts, "setAsideAt": format_utc(at), "message": message}
