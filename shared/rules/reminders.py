"""When a booking-page meeting's customer is reminded (organization setting `reminders`). Pure.

A meeting document carries `reminderAt`, the next instant a reminder is due, written in the same
batch as the booking or the move that sets it: a move moves it, a cancellation (the tombstone)
drops it, and the timer that sends a reminder advances it in the batch that queues the e-mail,
so each reminder is sent once and none is lost when a process dies.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from shared.models.common import format_utc

REMINDER_KIND = "meetingReminder"


def next_reminder(start: datetime, offsets: Iterable[timedelta], after: datetime) -> datetime | None:
    """The earliest reminder instant (start - offset) after `after`; None when none is left. An
    instant already past when the meeting is booked or moved is skipped, not sent late."""
    due = [start - offset for offset in offsets if start - offset > after]
    return min(due) if due else None


def reminder_at(reminded: bool, start: datetime, offsets: Iterable[timedelta], now: datetime,
                retimed: bool, before: str | None) -> str | None:
    """The `reminderAt` a meeting write stores: computed afresh when the meeting is booked or its
    start changes, kept otherwise (a reminder due but not yet sent stays due)."""
    if not reminded:
        return None
    if not retimed:
        return before
    found = next_reminder(start, offsets, now)
    return format_utc(found) if found else None


def reminder_message(meeting_id: str, start: str, due: str, made_at: datetime) -> dict:
    """The queue message of one reminder: a reference to the meeting and the start it reminds of
    (delivery reads the meeting and drops the reminder when it was cancelled or moved since)."""
    import uuid

    seed = f"{meeting_id}|{start}|{due}"
    return {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"bookme:reminder:{seed}")), "kind": REMINDER_KIND,
            "meetingId": meeting_id, "startDate": start, "reminderAt": due, "madeAt": format_utc(made_at)}
