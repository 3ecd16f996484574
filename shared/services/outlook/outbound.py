"""The Outlook events queue's messages (contract section 23, TwoWay): each names a meeting whose
events to bring in line (event_writes.py). While Graph is down or throttling, the message is
scheduled again after the next wait of OUTLOOK_RETRY_SCHEDULE, its last wait repeating for two
days: a Graph outage never loses a meeting's events, they are written once it is over."""

import json
import logging

from shared.context import Context
from shared.errors import GraphRefused, GraphUnavailable, UnreadableMessage
from shared.ports import Graph
from shared.rules.outlook_events import follow_up
from shared.services import queue_messages
from shared.services.outlook import leases
from shared.services.outlook.event_writes import Written, bring_in_line
from shared.services.outlook.retries import retry_later
from shared.services.queue_messages import Outcome

log = logging.getLogger(__name__)
# Retries after the schedule is used up, each after its last wait (30 minutes by default: two days).
MORE_RETRIES = 96


async def handle_delivery(ctx: Context, graph: Graph, message_id: str, body: bytes | str,
                          delivery_count: int) -> Outcome:
    """One delivery of an events queue message: the meeting's events in line (or their retry
    scheduled), or the message set aside (unreadable at once; Cosmos DB failing on its last
    allowed delivery)."""
    async def work(content: bytes | str) -> Outcome:
        written = await deliver(ctx, graph, content)
        return Outcome.DELIVERED if written is Written.DONE else Outcome.RETRY_SCHEDULED

    return await queue_messages.handle(ctx, ctx.settings.OUTLOOK_EVENTS_QUEUE, message_id, body, delivery_count, work)


async def deliver(ctx: Context, graph: Graph, body: bytes | str) -> Written:
    """Bring the named meeting's Outlook events in line; retry later while Graph cannot."""
    try:
        message = json.loads(body)
        meeting_id, attempt = message["meetingId"], int(message.get("attempt", 0))
    except (ValueError, KeyError, TypeError):
        raise UnreadableMessage("Not an Outlook events message") from None
    try:
        outcome = await bring_in_line(ctx, graph, meeting_id)
    except GraphUnavailable as error:
        wait = await retry_later(ctx, ctx.settings.OUTLOOK_EVENTS_QUEUE, follow_up(message, attempt + 1), attempt + 1,
                                 error, MORE_RETRIES)
        if wait is None:
            log.error("Outlook: gave up on the events of meeting %s after %d attempts: %s", meeting_id, attempt,
                      error.detail)
        else:
            log.info("Outlook: events of meeting %s again in %s: %s", meeting_id, wait, error.detail)
        return Written.BUSY
    except (GraphRefused, leases.LeaseLost) as error:
        log.error("Outlook: the events of meeting %s were not written: %s", meeting_id, error.detail)
        return Written.BUSY
    if outcome is Written.BUSY:
        await ctx.publisher.schedule([follow_up(message, attempt)], ctx.clock() + leases.LEASE,
                                     queue=ctx.settings.OUTLOOK_EVENTS_QUEUE)
    return outcome
