"""What personal data is, once, for everything that handles it: history masking, erasure, CPR
visibility, notifications and logs (contract sections 15, 16, 21). Pure.

A meeting's personal data is its `cpr`, its `customFields` and `externalAttendees` (the values
and addresses customers gave), and its own `description` and `videoLink` texts.
- Sensitive (never written to a history record, never in a log, never in a list): the CPR
  number, custom field values and attendees' e-mail addresses; a record shows them as "***".
- Erased (by `DELETE /customers/{id}/personal-data` and by retention): all of it, in the
  meeting, in every history record, kept answer and outbox document that copied it. An outbox
  document (what queued e-mails and webhooks refer to) also holds the addresses customers gave
  as invitation attendees and recipients (people marked `personal`: external attendees and
  portal Email fields) and the meeting's own text in the invitation; they go too.
Erasure empties the fields (`cpr` null; the lists `[]`; the texts `""` when they held text),
replaces the values history recorded at those paths with "***", and keeps nothing else.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from shared.models.common import format_utc
from shared.rules.calendar_documents import (
    CANCELLED_MEETING_DOC,
    MEETING_DOC,
    MEETING_HISTORY_DOC,
    OUTBOX_DOC,
    stored_fields,
)

MASK = "***"
CPR = "cpr"
# The member of each item of these lists that only the customer may know.
SENSITIVE_MEMBERS = {"customFields": "value", "externalAttendees": "email"}
PERSONAL_LISTS = tuple(SENSITIVE_MEMBERS)
PERSONAL_TEXTS = ("description", "videoLink")
PERSONAL_FIELDS = (CPR, *PERSONAL_LISTS, *PERSONAL_TEXTS)
# The same fields by their Python (snake_case) names, as the models declare them (repr=False).
PERSONAL_MODEL_FIELDS = ("cpr", "custom_fields", "external_attendees", "description", "video_link")

RETENTION_ACTOR = "system:personal-data-retention"
# One day batch holds at most 100 operations; leave room for an outbox document, its pending entry and
# history records.
BATCH_LIMIT = 45
# Documents that copy a meeting's data and carry its customerId: erasure selects on it.
ANSWER_DOC = "idempotency"


# -- history masking ------------------------------------------------------------------------------

def mask_value(path: str, value: Any) -> Any:
    """The value an operation writes at `path`, with every sensitive part replaced by "***"."""
    tokens = _tokens(path)
    if not tokens:  # the whole document
        return {name: mask_value(f"/{name}", v) for name, v in value.items()} if isinstance(value, dict) else value
    head = tokens[0]
    if head == CPR:
        return value if value is None else MASK
    member = SENSITIVE_MEMBERS.get(head)
    if member is None:
        return value
    if len(tokens) == 1:  # the whole list
        return [_mask_item(item, member) for item in value] if isinstance(value, list) else value
    if len(tokens) == 2:  # one item
        return _mask_item(value, member)
    return MASK if tokens[2] == member and value is not None else value


def mask(operations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """RFC 6902 operations with every sensitive value as "***"."""
    return [{**op, "value": mask_value(op["path"], op["value"])} if "value" in op else op for op in operations]


def _mask_item(item: Any, member: str) -> Any:
    if isinstance(item, dict) and item.get(member) is not None:
        return {**item, member: MASK}
    return item


def _tokens(path: str) -> list[str]:
    # RFC 6901: "~1" is "/" and "~0" is "~" inside a token.
    return [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]] if path else []


# -- erasure of a meeting's fields and of the records and copies of it ----------------------------

def erase_fields(meeting: dict[str, Any]) -> dict[str, Any]:
    """The Meeting JSON with its personal fields emptied (a field already empty is kept as is)."""
    erased = dict(meeting)
    if meeting.get(CPR):
        erased[CPR] = None
    for name in PERSONAL_LISTS:
        if meeting.get(name):
            erased[name] = []
    for name in PERSONAL_TEXTS:
        if meeting.get(name):
            erased[name] = ""
    return erased


def scrub_changes(operations: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """History operations with every value written at a personal path replaced by "***"."""
    return [_scrubbed(op) for op in operations]


def scrub_history(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """History records with every value written at a personal path replaced by "***"."""
    return [{**r, "changes": scrub_changes(r.get("changes", []))} for r in records]


def _scrubbed(op: dict[str, Any]) -> dict[str, Any]:
    if "value" not in op or op["value"] in (None, "", [], MASK):
        return op
    path = op["path"]
    if path == "":
        return {**op, "value": erase_fields(op["value"]) if isinstance(op["value"], dict) else op["value"]}
    return {**op, "value": MASK} if _tokens(path)[0] in PERSONAL_FIELDS else op


def holds_personal_data(meeting: dict[str, Any], history: Sequence[dict[str, Any]] = ()) -> bool:
    """Whether erasing would change anything in the meeting or the history records given."""
    return erase_fields(meeting) != meeting or scrub_history(history) != list(history)


def erased_copy(document: dict[str, Any]) -> dict[str, Any] | None:
    """A stored copy of a meeting's data (a history record, a kept answer, an outbox document) with
    the personal data erased; None when it holds none (nothing is written)."""
    kind = document.get("type")
    if kind == OUTBOX_DOC:
        return erased_outbox(document)
    if kind == MEETING_HISTORY_DOC:
        changes = scrub_changes(document.get("changes", []))
        return {**document, "changes": changes} if changes != document.get("changes", []) else None
    if kind == ANSWER_DOC and isinstance(document.get("body"), dict):
        body = erase_fields(document["body"])
        return {**document, "body": body} if body != document["body"] else None
    return None


def erased_outbox(document: dict[str, Any]) -> dict[str, Any] | None:
    """The outbox document (shared.rules.outbox) with the personal data it copies erased, or None
    when it holds none: customer-given addresses (people marked `personal`) leave the invitations
    and the notices' recipients, a notice with nobody left to mail goes, the meeting's own
    description and video link leave the invitations, and each webhook event carries the meeting
    with its personal fields emptied (erase_fields)."""
    invitations = [_erased_invitation(i) for i in document.get("invitations", [])]
    notices = [{**n, "recipients": [p for p in n["recipients"] if not p.get("personal")]}
               for n in document.get("notices", [])]
    notices = [n for n in notices if n["recipients"]]
    events = [{**e, "payload": {**e["payload"], "data": erase_fields(e["payload"]["data"])}}
              for e in document.get("webhookEvents", [])]
    if (invitations, notices, events) == (document.get("invitations", []), document.get("notices", []),
                                          document.get("webhookEvents", [])):
        return None
    return {**document, "invitations": invitations, "notices": notices, "webhookEvents": events}


def _erased_invitation(invitation: dict[str, Any]) -> dict[str, Any]:
    erased = {**invitation, "attendees": [p for p in invitation.get("attendees", []) if not p.get("personal")]}
    if invitation.get("holds_personal_text"):  # the meeting's own description or link, not only the defaults
        link = invitation.get("url")
        erased.update(description=None, url=None, holds_personal_text=False,
                      location=None if link and invitation.get("location") == link else invitation.get("location"))
    return erased


def erased_meeting(document: dict[str, Any], at: datetime, version: str
                   ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A stored meeting (or cancelled meeting) document with its personal data erased, marked as
    erased at `at`, with its history length raised for the Updated record that goes with it and
    its new public `version` (ETag); and the Meeting JSON before and after, for that record (both
    empty for a cancelled meeting)."""
    legacy = document.get("history")
    stored = stored_fields(document)
    position = document.get("historyLength", len(legacy or []))
    marked = {"historyLength": position + 1, "erasedAt": format_utc(at), "personalData": False, "version": version}
    if legacy:
        marked["history"] = scrub_history(legacy)
    if document.get("type") == CANCELLED_MEETING_DOC:
        return {**stored, **marked}, {}, {}
    fields = {name: document[name] for name in PERSONAL_FIELDS if name in document}
    changed = {**erase_fields(fields), "dateModified": format_utc(at)}
    return {**stored, **changed, **marked}, {**fields, "dateModified": document.get("dateModified")}, changed


def meeting_needs_erasure(document: dict[str, Any]) -> bool:
    """Whether a stored meeting (or cancelled meeting) may still hold personal data itself or in
    its history records (`personalData` is false only once erased, until the next change)."""
    fields = {name: document[name] for name in PERSONAL_FIELDS if name in document}
    return document.get("personalData") is not False or erase_fields(fields) != fields


def is_meeting(document: dict[str, Any]) -> bool:
    return document.get("type") in (MEETING_DOC, CANCELLED_MEETING_DOC)


def retention_cutoff(now: datetime, retention: timedelta) -> datetime:
    """Meetings that ended before this instant are due for erasure."""
    return now - retention


def due_for_erasure(document: dict[str, Any], cutoff: datetime) -> bool:
    """Whether a stored document is a meeting (or cancelled meeting) that ended before `cutoff`
    and may still hold personal data (`personalData` is false only once erased)."""
    # Stored instants share one fixed format, so they compare as strings.
    return is_meeting(document) and document.get("personalData") is not False \
        and document.get("endDate", "") < format_utc(cutoff)
