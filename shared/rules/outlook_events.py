"""BookMe to Outlook (contract section 23, outlookSync TwoWay): the event a meeting is in each
of its employees' calendars, and the few changes that bring an event in line. Pure.

An event carries the meeting's title (the invitation's SUMMARY: never a CPR number or a custom
field), its times, its location and showAs busy; the primary employee's event of an Online
meeting without a link of its own is a Teams meeting, whose join URL the other employees' events
and the meeting itself are given. A move changes start and end only, so the Teams details stay.
Every event is created with a transactionId starting `bookme-`, which is how the sync knows it
as BookMe's own and never mirrors it back as Outlook time.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.models.common import MeetingType, new_id
from shared.models.directory import Employee
from shared.models.meetings import Meeting
from shared.models.organization import OutlookSync
from shared.models.outlook import OutlookEvent
from shared.rules.outlook_blocks import OWN_TRANSACTION_PREFIX
from shared.rules.outlook_sync import follows, synced_mailboxes

OUTLOOK_EVENTS = "outlookEvents"
# A named property on every event BookMe writes, holding the meeting id (for Exchange administrators).
MEETING_PROPERTY = "String {6a4e7d2e-2f61-4b1c-9a0e-bd1f3c7e5a10} Name BookMeMeetingId"
TEAMS = {"isOnlineMeeting": True, "onlineMeetingProvider": "teamsForBusiness"}


@dataclass(frozen=True)
class EventFields:
    """What BookMe writes into an employee's event and keeps to compare with later."""

    subject: str
    start: datetime
    end: datetime
    location: str
    join_url: str | None = None  # the Teams link written into the body of the other employees' events


def with_outlook_writes(outbox: dict[str, Any]) -> dict[str, Any]:
    """The outbox of a change that goes to Outlook too: it names the meeting (shared/rules/outbox.py)."""
    return {**outbox, "outlookWrites": True}


def outlook_messages(outbox: dict[str, Any]) -> list[dict[str, Any]]:
    """The events queue's message of an outbox: a reference to the meeting, so a retried or late
    message only brings Outlook in line with the meeting as it is when the message is handled.
    Its id is the outbox's, so the queue drops it when the outbox is published again."""
    if not outbox.get("outlookWrites") or "meetingId" not in outbox:
        return []
    return [{"id": f"{outbox['id']}.outlook", "kind": OUTLOOK_EVENTS, "meetingId": outbox["meetingId"]}]


def follow_up(message: dict[str, Any], attempt: int) -> dict[str, Any]:
    """The message again, for a later try: an id of its own, since the queues drop a repeated id."""
    return {**message, "id": f"{message['meetingId']}.outlook.{new_id()}", "attempt": attempt}


def writes_outlook(setting: OutlookSync, employees: Iterable[Employee | None]) -> bool:
    """Whether a change of a meeting with these employees (before and after) goes to Outlook."""
    return setting.writes_outlook and any(follows(setting, e) for e in employees)


def new_transaction_id() -> str:
    return f"{OWN_TRANSACTION_PREFIX}{new_id()}"


def calendars(meeting: Meeting | None, setting: OutlookSync, employees: dict[str, Employee]) -> dict[str, str]:
    """The mailbox of each employee whose calendar shows the meeting, primary first: none for a
    cancelled meeting."""
    if meeting is None or not setting.writes_outlook:
        return {}
    ids = dict.fromkeys([meeting.employee_id, *meeting.additional_employees])
    return synced_mailboxes(setting, (employees[id] for id in ids if id in employees))


def is_teams(meeting: Meeting, given_video_link: str | None) -> bool:
    """An Online meeting without a link of its own gets a Teams meeting (one BookMe gave it counts as none)."""
    return meeting.type is MeetingType.ONLINE and (not meeting.video_link or meeting.video_link == given_video_link)


def fields(meeting: Meeting, subject: str, room: str | None, teams: bool, join_url: str | None) -> EventFields:
    """The event's fields: a room's name and place as location, else an Online meeting's own link;
    a Teams meeting's place is Teams's own."""
    link = meeting.video_link if meeting.type is MeetingType.ONLINE and not teams else None
    return EventFields(subject, meeting.start_date, meeting.end_date, room or link or "",
                       None if teams else join_url)


def _time(moment: datetime) -> dict[str, str]:
    return {"dateTime": moment.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}


def _body(wanted: EventFields) -> dict[str, str]:
    text = "Booked in BookMe." + (f"\nJoin the Teams meeting: {wanted.join_url}" if wanted.join_url else "")
    return {"contentType": "text", "content": text}


def create_body(meeting_id: str, wanted: EventFields, transaction_id: str, teams: bool) -> dict[str, Any]:
    """The POST body of a new event."""
    return {"subject": wanted.subject, "start": _time(wanted.start), "end": _time(wanted.end),
            "location": {"displayName": wanted.location}, "showAs": "busy", "body": _body(wanted),
            "isReminderOn": True, "transactionId": transaction_id,
            "singleValueExtendedProperties": [{"id": MEETING_PROPERTY, "value": meeting_id}],
            **(TEAMS if teams else {})}


def changes(kept: OutlookEvent, wanted: EventFields) -> dict[str, Any]:
    """The PATCH body that brings an event in line, only with what differs (empty: nothing to do)."""
    patch: dict[str, Any] = {}
    if (kept.start, kept.end) != (wanted.start, wanted.end):
        patch.update(start=_time(wanted.start), end=_time(wanted.end))
    if kept.subject != wanted.subject:
        patch["subject"] = wanted.subject
    if not kept.teams and kept.location != wanted.location:
        patch["location"] = {"displayName": wanted.location}
    if not kept.teams and kept.join_url != wanted.join_url:
        patch["body"] = _body(wanted)
    return patch


def written(kept: OutlookEvent, wanted: EventFields, answer: dict[str, Any] | None = None) -> OutlookEvent:
    """The event as kept after it was created or changed."""
    update: dict[str, Any] = {"start": wanted.start, "end": wanted.end, "subject": wanted.subject}
    if not kept.teams:
        update.update(location=wanted.location, join_url=wanted.join_url)
    if answer is not None:
        update["event_id"] = answer["id"]
        if kept.teams:
            update["join_url"] = (answer.get("onlineMeeting") or {}).get("joinUrl")
    return kept.model_copy(update=update)
