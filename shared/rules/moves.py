"""Moving a meeting to another day: which stored copy decides its state, the mark a move puts on
it, and the move record that settles the move. Pure; docs/data-model.md, "Moving a meeting to
another day", gives the order of the writes and why every interleaving ends in one state.

A meeting lives in the partition of its organization-local day and a transactional batch holds one
partition, so a move from day A to day B takes three batches: (1) the copy on A is marked
`moving` to B (a write at its ETag: every other writer sees the mark and must settle the move
before it writes); (2) on B, one batch claims the calendars, creates the copy on B and the move
record `committed`; (3) on A, one batch deletes the marked copy and releases its time. Whoever
finds a mark settles the move by creating the move record `aborted` on B: if that create
succeeds, step 2 can never commit (its own create of the same record fails) and the mark is
removed; if it fails, step 2 committed and the move is rolled forward by doing step 3.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from shared.models.common import format_utc, parse_utc
from shared.rules.calendar_documents import MOVE_RECORD_DOC, stored_fields

MOVING = "moving"
# A mark this old belongs to a writer that died or stalled: readers and the repair timer settle it.
MOVE_LEASE = timedelta(seconds=30)
# How long a writer that meets a fresh mark waits for the mover to finish before settling it itself.
WAIT_FOR_MOVER = timedelta(seconds=2)
COMMITTED, ABORTED = "committed", "aborted"
# Move records only settle marks; repairs settle every mark within minutes.
RECORD_TTL_SECONDS = 7 * 24 * 3600


def record_id(move_id: str) -> str:
    return f"move:{move_id}"


def marked(document: dict[str, Any], to_day: str, move_id: str, at: datetime) -> dict[str, Any]:
    """The stored document of the copy on the old day, marked as moving to `to_day`."""
    return {**stored_fields(document), MOVING: {"to": to_day, "moveId": move_id, "since": format_utc(at)}}


def unmarked(document: dict[str, Any]) -> dict[str, Any]:
    """The stored document without its mark (an aborted move)."""
    return {k: v for k, v in stored_fields(document).items() if k != MOVING}


def move_record(move_id: str, meeting_id: str, day: str, outcome: str, at: datetime) -> dict[str, Any]:
    """The record on the day moved to: `committed` by the move's step 2, `aborted` by a settler.
    Both are creates of the same id, so only one of them can ever exist."""
    return {"id": record_id(move_id), "pk": day, "type": MOVE_RECORD_DOC, "meetingId": meeting_id,
            "outcome": outcome, "at": format_utc(at), "ttl": RECORD_TTL_SECONDS}


def mark_of(document: dict[str, Any]) -> dict[str, Any] | None:
    return document.get(MOVING)


def is_stale(document: dict[str, Any], now: datetime) -> bool:
    """Whether the document's mark is older than the lease (its mover is taken to be gone)."""
    mark = mark_of(document)
    return mark is not None and parse_utc(mark["since"]) <= now - MOVE_LEASE


def moved_copy(copies: Iterable[dict[str, Any]], mark: dict[str, Any]) -> dict[str, Any] | None:
    """The copy a marked move created on its new day, if its step 2 committed."""
    return next((c for c in copies if c["pk"] == mark["to"] and c.get("moveId") == mark["moveId"]), None)


def current(copies: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The copy that decides the meeting's state among the stored copies of one meeting.

    A marked copy whose move created its new copy has moved: the new copy decides. Otherwise the
    marked copy does (the move has not happened). Two unmarked copies come only from the move
    protocol before marks (a stale copy left by an interrupted move): the later one decides."""
    if not copies:
        return None
    for copy in copies:
        mark = mark_of(copy)
        if mark is not None and (moved := moved_copy(copies, mark)) is not None:
            return moved
    return max(copies, key=lambda c: (c.get("sequence", 0), c.get("dateModified", ""), c.get(MOVING) is None))


def superseded(copies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The copies that no longer decide anything and are waiting to be removed."""
    deciding = current(copies)
    return [c for c in copies if c is not deciding]
