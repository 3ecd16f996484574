"""Reading a meeting's history: kept in the meeting document, and in the tombstone a
cancellation leaves, so one query by id finds it (docs/data-model.md, "Meeting history")."""

from shared.context import Context
from shared.errors import NotFound
from shared.models.history import HistoryRecord
from shared.rules.calendar_documents import CANCELLED_MEETING_DOC, MEETING_DOC


async def history(ctx: Context, meeting_id: str) -> list[HistoryRecord]:
    """Every change of the meeting, oldest first; 404 for an id that was never a meeting."""
    found = await ctx.bookings.find(meeting_id, (MEETING_DOC, CANCELLED_MEETING_DOC))
    if not found:
        raise NotFound(f"No meeting with id '{meeting_id}'.")
    # The tombstone holds everything; else the current copy (an interrupted move leaves two).
    current = max(found, key=lambda d: (d["type"] == CANCELLED_MEETING_DOC, d.get("sequence", 0),
                                        d.get("dateModified", ""), len(d.get("history", []))))
    return [HistoryRecord.model_validate(r) for r in current.get("history", [])]
