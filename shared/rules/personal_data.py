"""Personal data of meetings: what erasure empties, which stored meetings are due for it, and
how the writes are cut into transactional batches. Pure.

Erasure empties the personal fields of the stored meeting (`cpr` null; `customFields`,
`externalAttendees` `[]`; `description`, `videoLink` `""` when they held text) and replaces the
values its history recorded at those paths with "***", so the erased data is kept nowhere; the
outbox documents of the meeting's changes (what its queued e-mails and webhooks refer to) lose
the same data (erased_outbox).
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from shared.models.common import format_utc
from shared.models.history import HistoryAction
from shared.rules.calendar_documents import CANCELLED_MEETING_DOC, MEETING_DOC, OUTBOX_DOC
from shared.rules.history import MASK, record

RETENTION_ACTOR = "system:personal-data-retention"
# One day batch holds at most 100 operations; leave room for an outbox document and its pending entry.
BATCH_LIMIT = 90
_EMPTIED: dict[str, Any] = {"cpr": None, "customFields": [], "externalAttendees": []}
_TEXTS = ("description", "videoLink")
_ERASED_PATHS = ("cpr", "customFields", "externalAttendees", *_TEXTS)


def erase_fields(meeting: dict[str, Any]) -> dict[str, Any]:
    """The Meeting JSON with its personal fields emptied (a field already empty is kept as is)."""
    erased = dict(meeting)
    for name, empty in _EMPTIED.items():
        if meeting.get(name):
            erased[name] = empty
    for name in _TEXTS:
        if meeting.get(name):
            erased[name] = ""
    return erased


def scrub_history(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """History records with every value written at an erased path replaced by "***"."""
    return [{**r, "changes": [_scrubbed(op) for op in r.get("changes", [])]} for r in records]


def _scrubbed(op: dict[str, Any]) -> dict[str, Any]:
    if "value" not in op or op["value"] in (None, "", [], MASK):
        return op
    path = op["path"]
    if path == "":
        return {**op, "value": erase_fields(op["value"]) if isinstance(op["value"], dict) else op["value"]}
    head = path.split("/")[1]
    return {**op, "value": MASK} if head in _ERASED_PATHS else op


def holds_personal_data(meeting: dict[str, Any], history: Sequence[dict[str, Any]] = ()) -> bool:
    """Whether erasing would change anything in the meeting or its history."""
    return erase_fields(meeting) != meeting or scrub_history(history) != list(history)


def needs_erasure(document: dict[str, Any]) -> bool:
    """Whether a stored meeting (or cancelled meeting) document still holds personal data."""
    fields = {name: document[name] for name in _ERASED_PATHS if name in document}
    return holds_personal_data(fields, list(document.get("history", [])))


def erased_document(document: dict[str, Any], at: datetime, actor: str) -> dict[str, Any] | None:
    """The stored meeting (or cancelled meeting) document with its personal data erased and an
    Updated record by `actor`; None when there is nothing left to erase (so nothing is written)."""
    fields = {name: document[name] for name in _ERASED_PATHS if name in document}
    history = list(document.get("history", []))
    erased, scrubbed = erase_fields(fields), scrub_history(history)
    if erased == fields and scrubbed == history:
        return None
    stored = {k: v for k, v in document.items() if not k.startswith("_")}  # Cosmos' own properties
    if document.get("type") == CANCELLED_MEETING_DOC:
        changed: dict[str, Any] = {}
        entry = record(at, actor, {}, {}, HistoryAction.UPDATED)
    else:
        changed = {**erased, "dateModified": format_utc(at)}
        entry = record(at, actor, {**fields, "dateModified": document.get("dateModified")}, changed,
                       HistoryAction.UPDATED)
    return {**stored, **changed, "history": [*scrubbed, entry], "erasedAt": format_utc(at), "personalData": False}


def erased_outbox(document: dict[str, Any], at: datetime) -> dict[str, Any] | None:
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
    stored = {k: v for k, v in document.items() if not k.startswith("_")}  # Cosmos' own properties
    return {**stored, "invitations": invitations, "notices": notices, "webhookEvents": events,
            "erasedAt": format_utc(at), "personalData": False}


def _erased_invitation(invitation: dict[str, Any]) -> dict[str, Any]:
    erased = {**invitation, "attendees": [p for p in invitation.get("attendees", []) if not p.get("personal")]}
    if invitation.get("holds_personal_text"):  # the meeting's own description or link, not only the defaults
        link = invitation.get("url")
        erased.update(description=None, url=None, holds_personal_text=False,
                      location=None if link and invitation.get("location") == link else invitation.get("location"))
    return erased


def retention_cutoff(now: datetime, retention: timedelta) -> datetime:
    """Meetings that ended before this instant are due for erasure."""
    return now - retention


def due_for_erasure(document: dict[str, Any], cutoff: datetime) -> bool:
    """Whether a stored document is a meeting (or cancelled meeting) that ended before `cutoff`
    and may still hold personal data (`personalData` is false only once erased)."""
    # Stored instants share one fixed format, so they compare as strings.
    return document.get("type") in (MEETING_DOC, CANCELLED_MEETING_DOC) and document.get("personalData") is not False \
        and document.get("endDate", "") < format_utc(cutoff)


def outbox_to_erase(document: dict[str, Any], customer_id: str | None = None,
                    ended_before: datetime | None = None) -> bool:
    """Whether a stored document is an outbox document that may still hold personal data
    (`personalData` is false once erased, or when it never held any) of the customer, or about a
    meeting that ended before `ended_before` (retention)."""
    if document.get("type") != OUTBOX_DOC or document.get("personalData") is False:
        return False
    return (customer_id is not None and document.get("customerId") == customer_id) or \
        (ended_before is not None and document.get("endDate", "") < format_utc(ended_before))


def batches(ids_by_day: dict[str, list[str]], limit: int = BATCH_LIMIT) -> Iterator[tuple[str, list[str]]]:
    """(day, ids) groups to write, one transactional batch each: per day, at most `limit` ids."""
    for day in sorted(ids_by_day):
        ids = ids_by_day[day]
        for start in range(0, len(ids), limit):
            yield day, ids[start:start + limit]
