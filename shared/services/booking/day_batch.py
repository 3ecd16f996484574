"""The day-batch loop every booking, move, cancellation and cleanup goes through.

The calendars are replaced at the ETag they were read at (or created when missing), in the
same transactional batch as the meeting, reservation and outbox documents, so of two
writers that read the same calendar only one can commit; the other re-reads and decides
again. See docs/data-model.md, "Bookings".

A commit whose answer is lost (a timeout, or a 503 after Cosmos DB may have applied it; the
SDK may even have sent it twice) is ambiguous. Every batch therefore creates a *witness*, a
tiny document whose id is new for each attempt and which nobody else ever writes: the re-read
that every retry does anyway includes it, so a batch whose witness is there was applied and is
answered as committed, and one whose witness is not was not and is decided again. (Its other
documents prove nothing: the re-publishing timer, an erasure or a later change may have
changed them in the meantime.) Only when the database stays unreachable is the caller told
503, and then nothing was written.
"""

import asyncio
import logging
import random
import uuid
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


WITNESS_DOC = "commitWitness"
# Witnesses only answer the question "was this attempt applied?", asked within seconds.
WITNESS_TTL_SECONDS = 3600


def witness(day: str) -> Op:
    """The create that proves a batch was applied: a document of a new id, written by no one else."""
    id = f"commit:{uuid.uuid4()}"
    return Op("create", id, {"id": id, "pk": day, "type": WITNESS_DOC, "ttl": WITNESS_TTL_SECONDS})


def applied(batch: list[Op], current: Mapping[str, Document]) -> bool:
    """Whether `current` (the day's documents by id) shows this batch committed: its witness is there."""
    return any(op.kind == "create" and op.document and op.document.get("type") == WITNESS_DOC and op.id in current
               for op in batch)


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
        batch = [*make(), witness(day)]
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
