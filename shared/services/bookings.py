"""The booking engine: read a day's calendars, decide with the pure rules, write one batch.

Every booking, move, cancellation and cleanup in a day partition goes through `write_day`.
The calendars are replaced at the ETag they were read at (or created when missing), in the
same transactional batch as the meeting, reservation and outbox documents, so of two
writers that read the same calendar only one can commit; the other re-reads and decides
again. See docs/data-model.md, "Bookings".
"""

import asyncio
import logging
import random
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from shared.adapters.cosmos_bookings import OUTBOX, BatchRejected, CosmosBookings, Op, calendar_ops, is_calendar
from shared.bootstrap import App
from shared.errors import Conflict, ServiceUnavailable
from shared.models.common import format_utc, new_id
from shared.rules.booking import Calendar, Entry
from shared.rules.notifications import Notice, to_message

log = logging.getLogger(__name__)
# Enough for a burst of writers on one employee's day: each lost race costs one re-read.
ATTEMPTS = 25

Decide = Callable[[dict[str, Calendar], datetime], dict[str, tuple[Entry, ...]]]


def store(app: App) -> CosmosBookings:
    return CosmosBookings(app.bookings)


def day_key(day: date) -> str:
    """The partition key of an organization-local day: YYYY-MM-DD."""
    return day.isoformat()


async def write_day(app: App, day: str, resources: Iterable[str], decide: Decide, ops: list[Op],
                    known: dict[str, Calendar] | None = None) -> dict[str, dict[str, Any]]:
    """Commit `ops` with the calendars `decide` plans, retrying when another writer changed a
    calendar in between. A failing non-calendar op is raised as BatchRejected to the caller.

    `known`: calendars the caller has just read, used for the first attempt.
    """
    bookings = store(app)
    resources = set(resources)
    for attempt in range(ATTEMPTS):
        calendars = known if known is not None and attempt == 0 else await bookings.calendars(day, resources)
        planned = decide(calendars, app.clock())
        try:
            return await bookings.commit(day, calendar_ops(day, calendars, planned) + ops)
        except BatchRejected as rejected:
            if not is_calendar(rejected.op) or rejected.status not in (404, 409, 412):
                raise
        # Jitter keeps a crowd of losers from re-reading in lockstep.
        await asyncio.sleep(random.uniform(0, min(0.002 * 2 ** attempt, 0.05)))
    raise Conflict("The calendars involved are being changed by many others at once; try again.")


def outbox_document(day: str, notices: list[Notice], now: datetime) -> dict[str, Any] | None:
    """The outbox document carrying a booking's notification messages, written in its batch."""
    if not notices:
        return None
    return {"id": f"outbox:{new_id()}", "pk": day, "type": OUTBOX, "createdAt": format_utc(now),
            "messages": [to_message(n) for n in notices]}


def outbox_ops(outbox: dict[str, Any] | None) -> list[Op]:
    return [Op("create", outbox["id"], outbox)] if outbox else []


async def publish_outbox(app: App, outbox: dict[str, Any] | None, etag: str | None = None) -> bool:
    """Publish the outbox's messages, then delete it. When the queue is down the document
    stays, and the outbox timer publishes it later: the booking has succeeded either way."""
    if not outbox:
        return True
    try:
        await app.publisher.publish(outbox["messages"])
    except ServiceUnavailable as error:
        log.warning("Notification queue unavailable, outbox %s kept for retry: %s", outbox["id"], error.detail)
        return False
    await store(app).delete(outbox["pk"], outbox["id"], etag)
    return True


async def republish_outbox(app: App, older_than: timedelta = timedelta(seconds=30)) -> int:
    """Publish every outbox document left behind more than `older_than` ago; returns how many."""
    bookings = store(app)
    published = 0
    for outbox in await bookings.outbox_before(app.clock() - older_than):
        if await publish_outbox(app, outbox, outbox["_etag"]):
            published += 1
    return published
