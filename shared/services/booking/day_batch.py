"""The day-batch loop every booking, move, cancellation and cleanup goes through.

The calendars are replaced at the ETag they were read at (or created when missing), in the
same transactional batch as the meeting, reservation and outbox documents, so of two
writers that read the same calendar only one can commit; the other re-reads and decides
again. See docs/data-model.md, "Bookings".

A commit whose answer is lost (a timeout, or a 503 after Cosmos DB may have applied it; the
SDK may even have sent it twice) is ambiguous. It is resolved by reading the batch's own
documents back: the re-read that every retry does anyway includes them, so a batch found
applied is answered as committed, and one found not applied is decided again. Only when
the database stays unreachable is the caller told 503, and then nothing was written.
"""

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from shared.context import Context
from shared.errors import BookMeError, Conflict, ServiceUnavailable
from shared.ports import BatchRejected, Document, Op
from shared.rules.booking import Calendar, Entry
from shared.rules.calendar_documents import calendar_ops, calendars_in, is_calendar

log = logging.getLogger(__name__)
# Enough for a burst of writers on one employee's day: each lost race costs one re-read.
ATTEMPTS = 25
# Commits that ended without an answer before the caller is told 503 (each is then read back).
UNANSWERED_COMMITS = 2
# Reads of an unanswered batch's documents before giving up (the outcome is then unknown).
READ_BACK_ATTEMPTS = 6

Decide = Callable[[Mapping[str, Calendar], datetime], dict[str, tuple[Entry, ...]]]


def keep_calendars(calendars: Mapping[str, Calendar], at: datetime) -> dict[str, tuple[Entry, ...]]:
    """The decision of a write that changes no calendar."""
    return {}


def as_stored(document: Document) -> Document:
    """The document as the store gives it back: plain JSON (tuples become lists)."""
    return json.loads(json.dumps(document))


def applied(ops: list[Op], current: Mapping[str, Document]) -> bool:
    """Whether `current` (the day's documents by id) shows this batch committed: every document
    it writes is there as written and every one it deletes is gone. A batch that only deletes
    proves nothing (someone else may have deleted the same documents), so it is never taken
    as applied here."""
    if not any(op.kind != "delete" for op in ops):
        return False
    for op in ops:
        found = current.get(op.id)
        if op.kind == "delete":
            if found is not None:
                return False
        elif found is None or as_stored({k: found.get(k) for k in op.document}) != as_stored(op.document):
            return False
    return True


async def read_back(ctx: Context, day: str, ids: set[str]) -> dict[str, Document]:
    """The day's documents with these ids, read patiently: an unanswered commit must be
    resolved before anyone is told it failed."""
    for attempt in range(READ_BACK_ATTEMPTS):
        try:
            return await ctx.bookings.day(day, ids)
        except ServiceUnavailable:
            if attempt == READ_BACK_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.2 * 2 ** attempt)
    raise AssertionError("unreachable")


async def write_day(ctx: Context, day: str, resources: Iterable[str], decide: Decide,
                    ops: list[Op] | Callable[[], list[Op]],
                    known: Mapping[str, Calendar] | None = None) -> dict[str, dict[str, Any]]:
    """Commit `ops` with the calendars `decide` plans, retrying when another writer changed a
    calendar in between. A failing non-calendar op is raised as BatchRejected to the caller;
    ServiceUnavailable only when the batch is known not to be applied.

    `ops` may be a function, called after each decision (when the decision shapes a document,
    such as the room chosen for a meeting; the ids stay the same). `known`: calendars the caller
    has just read, used for the first attempt.
    """
    resources = set(resources)
    make = ops if callable(ops) else (lambda: ops)
    batch: list[Op] = []  # what the last attempt committed, or tried to
    own: set[str] = set()
    unanswered = 0  # commits that ended without an answer
    for attempt in range(ATTEMPTS):
        if known is not None and attempt == 0:
            calendars = known
        elif attempt == 0:
            calendars = await ctx.bookings.calendars(day, resources)
        else:
            # One read: the calendars to decide on, and this batch's own documents, which tell
            # whether the last attempt (or the SDK's own retry of it) was applied after all.
            current = await read_back(ctx, day, resources | own)
            if applied(batch, current):
                log.info("A commit in %s whose answer was lost had been applied; answered as committed", day)
                return {id: current[id] for id in own if id in current}
            calendars = calendars_in(current, resources)
        planned = decide(calendars, ctx.clock())
        batch = make()
        own = {op.id for op in batch}
        try:
            return await ctx.bookings.commit(day, calendar_ops(day, calendars, planned) + batch)
        except BatchRejected as rejected:
            if not is_calendar(rejected.op) or rejected.status not in (404, 409, 412):
                # Possibly the echo of this very batch, applied once and sent again by the SDK.
                if applied(batch, current := await read_back(ctx, day, own)):
                    return {id: current[id] for id in own if id in current}
                raise
        except ServiceUnavailable:
            unanswered += 1
            if unanswered >= UNANSWERED_COMMITS:
                if applied(batch, current := await read_back(ctx, day, own)):
                    return {id: current[id] for id in own if id in current}
                raise
            log.warning("A commit in %s got no answer; reading it back before deciding again", day)
        # Jitter keeps a crowd of losers from re-reading in lockstep.
        await asyncio.sleep(random.uniform(0, min(0.002 * 2 ** attempt, 0.05)))
    raise Conflict("The calendars involved are being changed by many others at once; try again.")


async def after_commit(what: str, work: Awaitable[Any]) -> None:
    """Run work left over once a change is committed (publishing its outbox, removing a moved
    meeting's old copy or a replaced reservation). Its failure never turns the committed change
    into an error answer: it is logged, and picked up later (the outbox by the timer, an old
    copy by the next read of the meeting, a reservation by its expiry)."""
    try:
        await work
    except BookMeError as error:
        log.warning("Committed; %s failed and is left for later: %s", what, error.detail)
