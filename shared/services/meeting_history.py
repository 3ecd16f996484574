"""Reading a meeting's history: its record documents, one per change, in the days of the
changes, found with the meeting's copies in one query (docs/data-model.md, "Meeting history")."""

from shared.context import Context
from shared.errors import NotFound
from shared.models.history import HistoryRecord
from shared.rules.calendar_documents import MEETING_HISTORY_DOC
from shared.rules.history import record_of


async def history(ctx: Context, meeting_id: str) -> list[HistoryRecord]:
    """Every change of the meeting, oldest first; 404 for an id that was never a meeting."""
    found = await ctx.bookings.history(meeting_id)
    if not found:
        raise NotFound(f"No meeting with id '{meeting_id}'.")
    documents = sorted((d for d in found if d["type"] == MEETING_HISTORY_DOC), key=lambda d: d["position"])
    # Records kept inside the meeting document before history documents existed come first.
    legacy = max((d.get("history", []) for d in found if d["type"] != MEETING_HISTORY_DOC), key=len, default=[])
    return [HistoryRecord.model_validate(r) for r in (*legacy, *(record_of(d) for d in documents))]
