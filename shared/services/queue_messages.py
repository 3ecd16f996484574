"""One delivery of a queue message to its Service Bus-triggered function: the work, or, when it
cannot be done, the message set aside with its reason.

A failure raises, so Service Bus delivers the message again; on its last allowed delivery
(MAX_ATTEMPTS) the message is moved to the set-aside queue instead, where it expires within
14 days: it is never dead-lettered (the dead-letter queue keeps messages forever) and never
retried without end. A message that cannot be read is set aside at once: no retry makes it
readable. See docs/operations.md, "Set aside".
"""

import json
import logging
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

from shared.context import Context
from shared.errors import BookMeError, UnreadableMessage
from shared.rules.messaging import MAX_ATTEMPTS, last_attempt, set_aside_message

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY_SCHEDULED = "retryScheduled"
    DROPPED = "dropped"
    SET_ASIDE = "setAside"


async def handle(ctx: Context, queue: str, message_id: str, body: bytes | str, delivery_count: int,
                 work: Callable[[bytes | str], Awaitable[Outcome]]) -> Outcome:
    """Do `work` with the message body; raise its failure while deliveries remain, set the message
    aside on the last one. ServiceUnavailable only when even the set-aside queue refuses."""
    if delivery_count > MAX_ATTEMPTS:  # the last attempt failed and so did setting it aside: only set it aside
        await set_aside(ctx, queue, message_id, _message(body), f"{MAX_ATTEMPTS} attempts failed", delivery_count - 1)
        return Outcome.SET_ASIDE
    try:
        return await work(body)
    except UnreadableMessage as error:
        await set_aside(ctx, queue, message_id, None, error.detail, delivery_count)
        return Outcome.SET_ASIDE
    except Exception as error:
        if not last_attempt(delivery_count):
            raise
        # Our own errors say what failed without personal data; of anything else, only its kind.
        reason = error.detail if isinstance(error, BookMeError) else f"{type(error).__name__} (see the function's log)"
        log.warning("Message %s on %s failed on its last attempt (%d): %s", message_id, queue, delivery_count, reason)
        await set_aside(ctx, queue, message_id, _message(body), reason, delivery_count)
        return Outcome.SET_ASIDE


async def set_aside(ctx: Context, queue: str, message_id: str, message: dict[str, Any] | None, reason: str,
                    attempts: int) -> None:
    """Publish the message, with why and after how many attempts, to the set-aside queue."""
    await ctx.publisher.publish([set_aside_message(queue, message_id, message, reason, attempts, ctx.clock())],
                                queue=ctx.settings.SET_ASIDE_QUEUE)
    log.error("Set aside message %s of queue %s after %d attempt(s): %s", message_id, queue, attempts, reason)


def _message(body: bytes | str) -> dict[str, Any] | None:
    """The message as sent, to keep beside the reason: ours carry references only."""
    try:
        message = json.loads(body)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None
