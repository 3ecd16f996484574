"""Trying an Outlook message again while Graph is down or throttling: after the next wait of
OUTLOOK_RETRY_SCHEDULE (its last wait repeating, never shorter than Graph's Retry-After), as a
scheduled message on the queue it came from."""

from datetime import timedelta
from typing import Any

from shared.context import Context
from shared.errors import GraphUnavailable
from shared.rules.outlook_sync import retry_wait
from shared.rules.webhooks import parse_schedule


async def retry_later(ctx: Context, queue: str, message: dict[str, Any], attempt: int, error: GraphUnavailable,
                      extra_attempts: int) -> timedelta | None:
    """Schedule `message` as retry number `attempt`; the wait, or None once the schedule and
    `extra_attempts` more of its last wait are used up (nothing is scheduled then)."""
    schedule = parse_schedule(ctx.settings.OUTLOOK_RETRY_SCHEDULE)
    wait = retry_wait(schedule, attempt, error.retry_after, len(schedule) + extra_attempts)
    if wait is not None:
        await ctx.publisher.schedule([message], ctx.clock() + wait, queue=queue)
    return wait
