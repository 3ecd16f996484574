"""Meeting history records: what changed (an RFC 6902 diff), how to call the change, and the
personal values no record may hold. Pure.

A record's `changes` go from the previous Meeting JSON to the new one; a creation diffs from
an empty object, a cancellation to one (every member removed).
"""

from datetime import datetime
from typing import Any

import jsonpatch

from shared.models.common import format_utc
from shared.models.history import HistoryAction
from shared.rules.calendar_documents import CANCELLED_MEETING_DOC

MASK = "***"
SYSTEM_ACTOR = "system"
_TOMBSTONE_KEEPS = ("id", "pk", "customerId", "employeeId", "startDate", "endDate", "sequence", "erasedAt")
# A change to any of these is a reschedule (a new time, advisor or room); webhook events follow this rule.
RESCHEDULING_FIELDS = ("startDate", "endDate", "employeeId", "roomId")
# The members of a list item that are personal: customFields[].value, externalAttendees[].email.
_PERSONAL_MEMBERS = {"customFields": "value", "externalAttendees": "email"}


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
    """The RFC 6902 operations from `before` to `after` (either may be None), masked."""
    return mask(jsonpatch.make_patch(before or {}, after or {}).patch)


def record(at: datetime, actor: str, before: dict[str, Any] | None, after: dict[str, Any] | None,
           action: HistoryAction | None = None) -> dict[str, Any]:
    """The stored (and returned) history record of one change of a meeting."""
    return {"at": format_utc(at), "action": (action or action_for(before, after)).value, "actor": actor,
            "changes": changes(before, after)}


def tombstone(document: dict[str, Any], history: list[dict[str, Any]], at: datetime) -> dict[str, Any]:
    """The document a cancelled meeting leaves in its day: the history (with the Cancelled
    record), what erasure and retention select on, and none of the personal fields."""
    kept = {name: document[name] for name in _TOMBSTONE_KEEPS if name in document}
    return {**kept, "type": CANCELLED_MEETING_DOC, "cancelledAt": format_utc(at), "history": history}


def mask(operations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The operations with cpr, custom field values and attendee e-mail addresses as "***"."""
    return [{**op, "value": mask_value(op["path"], op["value"])} if "value" in op else op for op in operations]


def mask_value(path: str, value: Any) -> Any:
    """The value an operation writes at `path`, with every personal part replaced by "***"."""
    tokens = _tokens(path)
    if not tokens:  # the whole document
        return {name: mask_value(f"/{name}", v) for name, v in value.items()} if isinstance(value, dict) else value
    head = tokens[0]
    if head == "cpr":
        return value if value is None else MASK
    member = _PERSONAL_MEMBERS.get(head)
    if member is None:
        return value
    if len(tokens) == 1:  # the whole list
        return [_mask_item(item, member) for item in value] if isinstance(value, list) else value
    if len(tokens) == 2:  # one item
        return _mask_item(value, member)
    return MASK if tokens[2] == member and value is not None else value


def _mask_item(item: Any, member: str) -> Any:
    if isinstance(item, dict) and item.get(member) is not None:
        return {**item, member: MASK}
    return item


def _tokens(path: str) -> list[str]:
    # RFC 6901: "~1" is "/" and "~0" is "~" inside a token.
    return [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]] if path else []
