"""A meeting as it is stored in its day partition: the document, read back, and the calendars
it holds."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shared.models.meetings import Meeting
from shared.rules.booking import employee_calendar, room_calendar
from shared.rules.calendar_documents import MEETING_DOC
from shared.rules.personal_data import holds_personal_data

NO_BUFFERS = (timedelta(0), timedelta(0))


@dataclass(frozen=True)
class StoredMeeting:
    meeting: Meeting
    day: str
    sequence: int
    etag: str
    # Its history records, oldest first, and when its personal data was last erased.
    history: tuple[dict[str, Any], ...] = ()
    erased_at: str | None = None
    buffers: tuple[timedelta, timedelta] = NO_BUFFERS  # taken when booked (section 12)
    room_assigned: bool = False  # the room was chosen by BookMe (section 13), not named by the client
    reminder_at: str | None = None  # the next reminder to the customer (section 24, shared/rules/reminders.py)


def document(meeting: Meeting, day: str, sequence: int, history: tuple[dict[str, Any], ...] = (),
             erased_at: str | None = None, buffers: tuple[timedelta, timedelta] = NO_BUFFERS,
             extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    # `type` tells the documents of the container apart, so the meeting's type is kept as meetingType.
    fields = meeting.to_json()
    personal = holds_personal_data(fields, list(history))
    stored = {**fields, "meetingType": fields.pop("type"), "pk": day, "type": MEETING_DOC, "sequence": sequence,
              "history": list(history), "personalData": personal,
              "bufferBefore": int(buffers[0].total_seconds()), "bufferAfter": int(buffers[1].total_seconds()),
              **(extra or {})}
    return {**stored, "erasedAt": erased_at} if erased_at else stored


def from_document(document: dict[str, Any]) -> StoredMeeting:
    meeting = Meeting.model_validate({**document, "type": document["meetingType"]})
    buffers = (timedelta(seconds=document.get("bufferBefore") or 0),
               timedelta(seconds=document.get("bufferAfter") or 0))
    return StoredMeeting(meeting, document["pk"], document.get("sequence", 0), document["_etag"],
                         tuple(document.get("history", ())), document.get("erasedAt"), buffers,
                         bool(document.get("roomAssigned")), document.get("reminderAt"))


def latest(copies: list[StoredMeeting]) -> list[StoredMeeting]:
    """Copies of one meeting, the current one first (higher sequence, then later change)."""
    return sorted(copies, key=lambda s: (s.sequence, s.meeting.date_modified), reverse=True)


def resources(meeting: Meeting) -> tuple[str, ...]:
    """The calendars a meeting holds: its employees and its room."""
    held = [employee_calendar(meeting.employee_id), *(employee_calendar(e) for e in meeting.additional_employees)]
    if meeting.room_id:
        held.append(room_calendar(meeting.room_id))
    return tuple(dict.fromkeys(held))


def holds_same_time(before: Meeting, after: Meeting) -> bool:
    return (before.start_date, before.end_date) == (after.start_date, after.end_date) and \
        set(resources(before)) == set(resources(after))
