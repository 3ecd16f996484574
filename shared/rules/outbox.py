"""The outbox of a meeting change: the document its queue messages refer to, and the entry
that tracks publishing it. Pure.

The outbox document is written in the change's own batch and kept until it expires
(OUTBOX_LIFE): it is what every message about the change refers to. Beside it the same batch
writes a pending entry (`outboxPending`) with the count of attempts to publish it; publishing
deletes the entry, and the re-publishing timer takes the entries left behind, each attempt
claimed by a conditional write. After MAX_ATTEMPTS the entry is replaced by a set-aside entry
(`outboxSetAside`) with the reason, which expires within SET_ASIDE_LIFE.
See docs/data-model.md, "Notifications (outbox)".
"""

from datetime import datetime, timedelta
from typing import Any

from shared.models.common import format_utc
from shared.rules.calendar_documents import OUTBOX_DOC, OUTBOX_PENDING_DOC, OUTBOX_SET_ASIDE_DOC, stored_fields
from shared.rules.messaging import MAX_ATTEMPTS, OUTBOX_LIFE, SET_ASIDE_LIFE, expiry, republish_wait
from shared.rules.notifications import Notice, meeting_id, notice_message, stored_notices

_PENDING_SUFFIX = ":pending"


def outbox_document(id: str, day: str, now: datetime, notices: list[Notice],
                    events: list[dict[str, Any]], about: list[dict[str, Any]]) -> dict[str, Any]:
    """The outbox document of one change: its notices and webhook events (shared.rules.webhooks.event,
    each stored once). `about`: the Meeting JSON of each meeting the change is about, which gives
    the top-level fields erasure and retention select it by (`meetingId`, `customerId`)."""
    invitations, stored = stored_notices(id, notices)
    return {"id": id, "pk": day, "type": OUTBOX_DOC, **_about(about, notices), "createdAt": format_utc(now),
            **expiry(now, OUTBOX_LIFE), "invitations": invitations, "notices": stored, "webhookEvents": events}


def _about(meetings: list[dict[str, Any]], notices: list[Notice]) -> dict[str, Any]:
    ids = list(dict.fromkeys([*(m["id"] for m in meetings), *(meeting_id(n.invitation) for n in notices)]))
    # One change is about one meeting; an erasure's batch about several (with their data already erased).
    fields: dict[str, Any] = {"meetingId": ids[0]} if len(ids) == 1 else {"meetingIds": ids}
    customers = {m["customerId"] for m in meetings if m.get("customerId")}
    return {**fields, "customerId": customers.pop()} if len(customers) == 1 else fields


def pending_id(outbox_id: str) -> str:
    return outbox_id + _PENDING_SUFFIX


def pending_entry(outbox: dict[str, Any]) -> dict[str, Any]:
    """The entry that keeps an outbox for the timer until it is published. The change that writes
    it makes the first attempt itself, so it starts at one."""
    about = {"meetingId": outbox["meetingId"]} if "meetingId" in outbox else {}
    return {"id": pending_id(outbox["id"]), "pk": outbox["pk"], "type": OUTBOX_PENDING_DOC, "outbox": outbox["id"],
            **about, "attempts": 1, "createdAt": outbox["createdAt"], "nextAttemptAt": None}


def due(entry: dict[str, Any], now: datetime, first_wait: timedelta) -> bool:
    """Whether the timer takes a pending entry now: `first_wait` after it was written, then at
    the time its last attempt set (CosmosBookings.pending_outbox selects the same)."""
    if entry.get("type") != OUTBOX_PENDING_DOC:
        return False
    if entry.get("nextAttemptAt") is None:
        return entry["createdAt"] <= format_utc(now - first_wait)
    return entry["nextAttemptAt"] <= format_utc(now)  # one fixed format: strings compare as instants


def claimed(entry: dict[str, Any], now: datetime, first_wait: timedelta) -> dict[str, Any]:
    """The entry with one more attempt counted, and the next one due after a doubled wait."""
    attempts = entry["attempts"] + 1
    return {**stored_fields(entry), "attempts": attempts,
            "nextAttemptAt": format_utc(now + republish_wait(first_wait, attempts))}


def used_up(entry: dict[str, Any]) -> bool:
    """Whether every attempt allowed has been made (a crash may have cut the last one short)."""
    return entry["attempts"] >= MAX_ATTEMPTS


def set_aside_entry(entry: dict[str, Any], reason: str, now: datetime) -> dict[str, Any]:
    """What replaces a pending entry whose attempts are used up: the reason and the attempts
    made, kept for on-call until it expires; the outbox document it names stays as it was."""
    stored = {k: v for k, v in stored_fields(entry).items() if k != "nextAttemptAt"}
    return {**stored, "type": OUTBOX_SET_ASIDE_DOC, "reason": reason, "setAsideAt": format_utc(now),
            **expiry(now, SET_ASIDE_LIFE)}


def notice_messages(outbox: dict[str, Any]) -> list[dict[str, Any]]:
    """The queue messages of an outbox's notices: one reference per notice, and its reminders
    (references to a meeting and the start they remind of, shared/rules/reminders.py)."""
    return [*(notice_message(outbox["pk"], outbox["id"], n["id"]) for n in outbox.get("notices", [])),
            *outbox.get("reminders", [])]


def reminder_outbox(id: str, day: str, now: datetime, message: dict[str, Any], meeting: dict[str, Any]
                    ) -> dict[str, Any]:
    """The outbox of one reminder: the reminder's queue message, which holds references only."""
    return {**outbox_document(id, day, now, [], [], [meeting]), "reminders": [message]}

