"""The day-batch loop every booking, move, cancellation and cleanup goes through.

The calendars are replaced at the ETag they were read at (or created when missing), in the
same transactional batch as the meeting, reservation and outbox documents, so of two
writers that read the same calendar only one can commit; the other re-reads and decides
again. See docs/data-model.md, "Bookings".
"""

import asyncio
import random
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from shared.context import Context
from shared.errors import Conflict
from shared.ports import BatchRejected, Op
from shared.rules.booking import Calendar, Entry
from shared.rules.calendar_documents import calendar_ops, is_calendar

# Enough for a burst of writers on one employee's day: each lost race costs one re-read.
ATTEMPTS = 25

Decide = Callable[[Mapping[str, Calendar], datetime], dict[str, tuple[Entry, ...]]]


def day_key(day: date) -> str:
    """The partition key of an organization-local day: YYYY-MM-DD."""
    return day.isoformat()


def keep_calendars(calendars: Mapping[str, Calendar], at: datetime) -> dict[str, tuple[Entry, ...]]:
    """The decision of a write that changes no calendar."""
    return {}


async def write_day(ctx: Context, day: str, resources: Iterable[str], decide: Decide, ops: list[Op],
                    known: Mapping[str, Calendar] | None = None) -> dict[str, dict[str, Any]]:
    """Commit `ops` with the calendars `decide` plans, retrying when another writer changed a
    calendar in between. A failing non-calendar op is raised as BatchRejected to the caller.

    `known`: calendars the caller has just read, used for the first attempt.
    """
    resources = set(resources)
    for attempt in range(ATTEMPTS):
        calendars = known if known is not None and attempt == 0 else await ctx.bookings.calendars(day, resources)
        planned = decide(calendars, ctx.clock())
        try:
            return await ctx.bookings.commit(day, calendar_ops(day, calendars, planned) + ops)
        except BatchRejected as rejected:
            if not is_calendar(rejected.op) or rejected.status not in (404, 409, 412):
                raise
        # Jitter keeps a crowd of losers from re-reading in lockstep.
        await asyncio.sleep(random.uniform(0, min(0.002 * 2 ** attempt, 0.05)))
    raise Conflict("The calendars involved are being changed by many others at once; try again.")
