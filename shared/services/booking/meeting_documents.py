"""A meeting as it is stored in its day partition: the document, read back, and the calendars
it holds."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from shared.models.common import new_id
from shared.models.meetings import Meeting
from shared.rules import moves
from shared.rules.booking import employee_calendar, room_calendar
from shared.rules.calendar_documents import MEETING_DOC

NO_BUFFERS = (timedelta(0), timedelta(0))


@dataclass(frozen=True)
class StoredMeeting:
    meeting: Meeting
    day: str
    sequence: int
    etag: str
    # How many history records the meeting has (the next record's position), and when its
    # personal data was last erased.
    history_length: int = 0
    erased_at: str | None = None
    buffers: tuple[timedelta, timedelta] = NO_BUFFERS  # taken when booked (section 12)
    room_assigned: bool = False  # the room was chosen by BookMe (section 13), not named by the client
    # The mark of a move to another day in progress (shared/rules/moves.py), or None.
    moving: dict[str, Any] | None = None
    # Records kept inside the document by releases before history documents; read, never added to.
    legacy_history: tuple[dict[str, Any], ...] = ()
    personal: bool = True  # the meeting or its history may hold personal data (false once erased)
    document: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)  # as read

    @property
    def version(self) -> str:
        """The meeting's ETag as clients see it: it changes with every change of the meeting, and
        not with the mark a move puts on its copy (`etag` is the copy's own, for conditional writes)."""
        return self.document.get("version") or self.etag

    @property
    def reminder_at(self) -> str | None:
        """The next reminder to the customer (section 24, shared/rules/reminders.py)."""
        return self.document.get("reminderAt")


def document(meeting: Meeting, day: str, sequence: int, history_length: int, personal: bool,
             erased_at: str | None = None, buffers: tuple[timedelta, timedelta] = NO_BUFFERS,
             extra: Mapping[str, Any] | None = None, legacy_history: tuple[dict[str, Any], ...] = ()
             ) -> dict[str, Any]:
    # `type` tells the documents of the container apart, so the meeting's type is kept as meetingType.
    # `personal`: whether the meeting or any of its history records may hold personal data (erasure
    # and retention select on it; only an erasure sets it false).
    fields = meeting.to_json()
    stored = {**fields, "meetingType": fields.pop("type"), "pk": day, "type": MEETING_DOC, "sequence": sequence,
              "version": new_version(), "historyLength": history_length, "personalData": personal,
              "bufferBefore": int(buffers[0].total_seconds()), "bufferAfter": int(buffers[1].total_seconds()),
              **(extra or {})}
    if legacy_history:
        stored["history"] = list(legacy_history)
    return {**stored, "erasedAt": erased_at} if erased_at else stored


def new_version() -> str:
    """A fresh public ETag of a meeting (quoted, as ETags are)."""
    return f'"{new_id()}"'


def meeting_of(document: Mapping[str, Any]) -> Meeting:
    """The Meeting of a stored meeting document."""
    return Meeting.model_validate({**document, "type": document["meetingType"]})


def from_document(document: dict[str, Any]) -> StoredMeeting:
    buffers = (timedelta(seconds=document.get("bufferBefore") or 0),
               timedelta(seconds=document.get("bufferAfter") or 0))
    legacy = tuple(document.get("history", ()))
    return StoredMeeting(meeting_of(document), document["pk"], document.get("sequence", 0), document["_etag"],
                         document.get("historyLength", len(legacy)), document.get("erasedAt"), buffers,
                         bool(document.get("roomAssigned")), moves.mark_of(document), legacy,
                         document.get("personalData") is not False, document)


def resources(meeting: Meeting) -> tuple[str, ...]:
    """The calendars a meeting holds: its employees and its room."""
    held = [employee_calendar(meeting.employee_id), *(employee_calendar(e) for e in meeting.additional_employees)]
    if meeting.room_id:
        held.append(room_calendar(meeting.room_id))
    return tuple(dict.fromkeys(held))


def holds_same_time(before: Meeting, after: Meeting) -> bool:
    return (before.start_date, before.end_date) == (after.start_date, after.end_date) and \
        set(resources(before)) == set(resources(after))
