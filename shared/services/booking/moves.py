"""Moving a meeting to another day, and settling moves others left unfinished
(shared/rules/moves.py has the protocol; docs/data-model.md proves it).

Every writer of a meeting (change, cancellation, erasure, retention) takes the copy that decides
with `for_write`: a move in progress is waited for briefly, then settled (rolled forward when its
new copy exists, else aborted), so no writer ever changes a copy a move is about to replace.
Readers take the deciding copy as it is (`for_read`) and settle only marks past the lease; the
repair timer settles the rest.
"""

import asyncio
import logging
from typing import Any

from shared.context import Context
from shared.errors import Conflict, NotFound, PreconditionFailed
from shared.ports import BatchRejected, Op
from shared.rules import moves as rules
from shared.rules.booking import release
from shared.rules.calendar_documents import MEETING_DOC
from shared.services.booking import spills
from shared.services.booking.day_batch import keep_calendars, write_day
from shared.services.booking.meeting_documents import StoredMeeting, from_document, resources

log = logging.getLogger(__name__)
# Settling rounds before a writer gives up (each round re-reads the meeting).
ROUNDS = 8
# Copies dropped, or moves settled, per run of the repair timer.
REPAIR_LIMIT = 100


class ChangedMeanwhile(PreconditionFailed):
    """The meeting changed between the read and the write (another writer, or a settled move):
    without If-Match the change reads it again and decides again."""


async def write_one(ctx: Context, day: str, op: Op) -> dict[str, Any]:
    """One conditional write outside any calendar decision; BatchRejected when refused."""
    written = await write_day(ctx, day, (), keep_calendars, [op])
    return written.get(op.id, {})


async def mark(ctx: Context, before: StoredMeeting, to_day: str, move_id: str) -> StoredMeeting:
    """Step 1: mark the deciding copy as moving to `to_day`, at the ETag it was read at."""
    marked = rules.marked(before.document, to_day, move_id, ctx.clock())
    try:
        return from_document(await write_one(ctx, before.day, Op("replace", before.meeting.id, marked, before.etag)))
    except BatchRejected as rejected:
        if rejected.status in (404, 412):
            raise ChangedMeanwhile("The meeting was changed by someone else.") from None
        raise


async def drop_copy(ctx: Context, stale: StoredMeeting) -> None:
    """Step 3 (and the repair of a legacy stale copy): delete one day's copy of a meeting and free
    its time there, at the ETag it was read at; already gone or changed is someone else's repair."""
    ids = {stale.meeting.id}
    try:
        await write_day(ctx, stale.day, resources(stale.meeting), lambda c, at: release(c, ids, at),
                        [Op("delete", stale.meeting.id, etag=stale.etag)])
    except BatchRejected as rejected:
        if rejected.status not in (404, 412):
            raise
        log.info("The old copy of meeting %s on %s was removed by another writer", stale.meeting.id, stale.day)
        return
    await spills.release_spill(ctx, spills.spill_of(stale.document))


async def settle(ctx: Context, copy: dict[str, Any]) -> str:
    """Finish or undo the move a marked copy is in; returns the outcome (committed or aborted).
    Safe to run by any number of writers at once, and while the mover itself is still running."""
    mark = rules.mark_of(copy)
    if mark is None:
        return rules.ABORTED
    meeting_id, record_id = copy["id"], rules.record_id(mark["moveId"])
    found = await ctx.bookings.day(mark["to"], {meeting_id, record_id})
    outcome = _outcome(found, mark, record_id)
    if outcome is None:
        try:
            await write_one(ctx, mark["to"], Op("create", record_id, rules.move_record(
                mark["moveId"], meeting_id, mark["to"], rules.ABORTED, ctx.clock())))
            outcome = rules.ABORTED
        except BatchRejected as rejected:
            if rejected.status != 409:
                raise
            # Its step 2 committed (or another settler aborted it) just now.
            outcome = _outcome(await ctx.bookings.day(mark["to"], {meeting_id, record_id}), mark, record_id) \
                or rules.COMMITTED
    if outcome == rules.COMMITTED:
        await drop_copy(ctx, from_document(copy))
    else:
        try:
            await write_one(ctx, copy["pk"], Op("replace", meeting_id, rules.unmarked(copy), copy["_etag"]))
        except BatchRejected as rejected:
            if rejected.status not in (404, 412):
                raise
    log.info("Settled the move of meeting %s to %s: %s", meeting_id, mark["to"], outcome)
    return outcome


def _outcome(found: dict[str, dict[str, Any]], mark: dict[str, Any], record_id: str) -> str | None:
    if rules.moved_copy(found.values(), mark) is not None:
        return rules.COMMITTED
    record = found.get(record_id)
    return record["outcome"] if record is not None else None


async def _copies(ctx: Context, id: str) -> list[dict[str, Any]]:
    return await ctx.bookings.find(id, [MEETING_DOC])


async def for_read(ctx: Context, id: str) -> StoredMeeting:
    """The copy that decides the meeting (404 when there is none). Marks past the lease and
    copies left by older interrupted moves are settled first; a fresh mark is a move in flight,
    and the copy it marks still decides."""
    copies = await _copies(ctx, id)
    now = ctx.clock()
    legacy = len(copies) > 1 and all(rules.mark_of(c) is None for c in copies)
    if legacy or any(rules.is_stale(c, now) for c in copies):
        await _settle_all(ctx, copies)
        copies = await _copies(ctx, id)
    deciding = rules.current(copies)
    if deciding is None:
        raise NotFound(f"No meeting with id '{id}'.")
    return from_document(deciding)


async def for_write(ctx: Context, id: str) -> StoredMeeting:
    """The copy that decides the meeting, with no move in progress: a fresh mark is waited for (a
    move takes milliseconds), then settled, so the caller writes at an ETag no move will replace."""
    deadline = asyncio.get_running_loop().time() + rules.WAIT_FOR_MOVER.total_seconds()
    pause = 0.01
    for _ in range(ROUNDS):
        copies = await _copies(ctx, id)
        deciding = rules.current(copies)
        if deciding is None:
            raise NotFound(f"No meeting with id '{id}'.")
        if len(copies) == 1 and rules.mark_of(deciding) is None:
            return from_document(deciding)
        mover_alive = _in_flight(copies) and not rules.is_stale(copies[0], ctx.clock())
        if mover_alive and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.2)
            continue
        await _settle_all(ctx, copies)
    raise Conflict("The meeting is being moved by others; try again.")


def _in_flight(copies: list[dict[str, Any]]) -> bool:
    """One marked copy whose move has not created its new copy yet: the mover is at work."""
    return len(copies) == 1 and rules.mark_of(copies[0]) is not None


async def _settle_all(ctx: Context, copies: list[dict[str, Any]]) -> None:
    """Settle every mark, then drop what is superseded (a legacy stale copy)."""
    for copy in copies:
        if rules.mark_of(copy) is not None:
            await settle(ctx, copy)
            return  # the copies changed: the caller reads them again
    for stale in rules.superseded(copies):
        log.warning("Meeting %s has a stale copy on %s; removing it", stale["id"], stale["pk"])
        await drop_copy(ctx, from_document(stale))


async def repair(ctx: Context, limit: int = REPAIR_LIMIT) -> int:
    """Settle every move whose mark is past the lease (its mover died or stalled); returns how many."""
    settled = 0
    for copy in await ctx.bookings.marked_before(ctx.clock() - rules.MOVE_LEASE, limit):
        await settle(ctx, copy)
        settled += 1
    return settled
