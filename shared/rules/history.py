"""Meeting history records: what changed (an RFC 6902 diff), how to call the change, and the
personal values no record may hold. Pure.

A record's `changes` go from the previous Meeting JSON to the new one; a creation diffs from
an empty object, a cancellation to one (every member removed). Each record is a document of its
own in the day partition of the change it records, written in the change's own batch: a long
history never makes the meeting document grow.
"""

from datetime import datetime
from typing import Any

import jsonpatch

from shared.models.common import format_utc
from shared.models.history import HistoryAction
from shared.ports import Op
from shared.rules.calendar_documents import CANCELLED_MEETING_DOC, MEETING_HISTORY_DOC
from shared.rules.personal_data import mask

SYSTEM_ACTOR = "system"
_TOMBSTONE_KEEPS = ("id", "pk", "customerId", "employeeId", "startDate", "endDate", "sequence", "erasedAt",
                    "historyLength", "personalData", "history")
# A change to any of these is a reschedule (a new time, advisor or room); webhook events follow this rule.
RESCHEDULING_FIELDS = ("startDate", "endDate", "employeeId", "roomId")


def action_for(before: dict[str, Any] | None, after: dict[str, Any] | None) -> HistoryAction:
    """Created, Cancelled, Rescheduled (time, employee or room changed) or Updated."""
    if before is None:
        return HistoryAction.CREATED
    if after is None:
        return HistoryAction.CANCELLED
    if any(before.get(name) != after.get(name) for name in RESCHEDULING_FIELDS):
        return HistoryAction.RESCHEDULED
    return HistoryAction.UPDATED


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The RFC 6902 operations from `before` to `after` (either may be None), with the sensitive
    values of shared/rules/personal_data.py masked."""
    return mask(jsonpatch.make_patch(before or {}, after or {}).patch)


def record(at: datetime, actor: str, before: dict[str, Any] | None, after: dict[str, Any] | None,
           action: HistoryAction | None = None) -> dict[str, Any]:
    """The stored (and returned) history record of one change of a meeting."""
    return {"at": format_utc(at), "action": (action or action_for(before, after)).value, "actor": actor,
            "changes": changes(before, after)}


def history_document(meeting_id: str, customer_id: str | None, day: str, position: int,
                     entry: dict[str, Any]) -> dict[str, Any]:
    """The stored form of the record at `position` (0 for the creation) of a meeting's history.
    It carries the meeting's customer, so erasure finds it with the customer's other documents."""
    return {"id": f"history:{meeting_id}:{position:06d}", "pk": day, "type": MEETING_HISTORY_DOC,
            "meetingId": meeting_id, "customerId": customer_id, "position": position, **entry}


def history_op(meeting_id: str, customer_id: str | None, day: str, position: int, entry: dict[str, Any]) -> Op:
    """The creation of one history record, in the batch of the change it records."""
    stored = history_document(meeting_id, customer_id, day, position, entry)
    return Op("create", stored["id"], stored)


def record_of(document: dict[str, Any]) -> dict[str, Any]:
    """The record (at, action, actor, changes) a history document holds."""
    return {name: document[name] for name in ("at", "action", "actor", "changes")}


def tombstone(document: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The document a cancelled meeting leaves in its day: what erasure and retention select on,
    and none of the personal fields (its history records are documents of their own)."""
    kept = {name: document[name] for name in _TOMBSTONE_KEEPS if name in document}
    return {**kept, "type": CANCELLED_MEETING_DOC, "cancelledAt": format_utc(at)}
