"""Which invitation e-mails a meeting change sends, how the outbox stores them, their queue
messages (references to them) and the e-mails. Pure.

The outbox document holds the notices (never the CPR number); a queue message names one by
id and the Service Bus-triggered function reads it there. Delivering one twice sends the same
UID and SEQUENCE, which calendar clients treat as the same update.
"""

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any

from shared.models.common import format_utc, parse_utc
from shared.rules.ical import CANCEL, REQUEST, Invitation, Person, build
from shared.rules.messaging import Reference, reference

NAMESPACE = uuid.UUID("5f0e7c2a-8d41-4b6e-9a0f-3c2d1e4b5a69")
INVITATION = "meetingInvitation"
_SUBJECTS = {REQUEST: "Invitation", CANCEL: "Cancelled"}


@dataclass(frozen=True, slots=True)
class Notice:
    method: str
    invitation: Invitation
    recipients: tuple[Person, ...]


def _key(person: Person) -> str:
    return person.email.strip().lower()


def recipients(invitation: Invitation | None) -> dict[str, Person]:
    """Everyone on the invitation with an e-mail address, once each."""
    found: dict[str, Person] = {}
    for person in invitation.attendees if invitation else ():
        if person.email:
            found.setdefault(_key(person), person)
    return found


def notices(before: Invitation | None, after: Invitation | None) -> list[Notice]:
    """Created: REQUEST to all. Cancelled: CANCEL to all. Rescheduled (sequence raised) or given
    another link (a Teams meeting's, contract section 23): REQUEST to all. Otherwise REQUEST to new
    participants, CANCEL to removed ones."""
    old, new = recipients(before), recipients(after)
    if after is None:
        return [Notice(CANCEL, before, tuple(old.values()))] if before is not None and old else []
    sent: list[Notice] = []
    if before is None or after.sequence != before.sequence or after.url != before.url:
        if new:
            sent.append(Notice(REQUEST, after, tuple(new.values())))
    elif added := [p for k, p in new.items() if k not in old]:
        sent.append(Notice(REQUEST, after, tuple(added)))
    if before is not None and (removed := [p for k, p in old.items() if k not in new]):
        sent.append(Notice(CANCEL, after, tuple(removed)))
    return sent


def message_id(notice: Notice) -> str:
    """The e-mail's Message-ID: the same for the same invitation, method and recipients."""
    emails = ",".join(sorted(_key(p) for p in notice.recipients))
    seed = f"{notice.invitation.uid}|{notice.invitation.sequence}|{notice.method}|{emails}"
    return str(uuid.uuid5(NAMESPACE, seed))


def meeting_id(invitation: Invitation) -> str:
    """The id of the meeting an invitation is about (its UID is `<meeting id>@bookme`)."""
    return invitation.uid.rsplit("@", 1)[0]


def notice_id(outbox_id: str, index: int) -> str:
    """The id of an outbox's `index`-th notice and of its queue message: the same on every
    publication of that outbox, so the queue drops a repeat."""
    return str(uuid.uuid5(NAMESPACE, f"{outbox_id}|{index}"))


def stored_notices(outbox_id: str, notices: list[Notice]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The notices as the outbox stores them: each invitation once (the notices of one change
    share it), and per notice its id, method, recipients and the index of its invitation."""
    invitations: list[Invitation] = []
    stored = []
    for index, notice in enumerate(notices):
        if notice.invitation not in invitations:
            invitations.append(notice.invitation)
        stored.append({"id": notice_id(outbox_id, index), "method": notice.method,
                       "invitation": invitations.index(notice.invitation),
                       "recipients": [person_to_json(p) for p in notice.recipients]})
    return [invitation_to_json(i) for i in invitations], stored


def stored_notice(outbox: dict[str, Any], id: str) -> Notice | None:
    """The notice `id` of a stored outbox, or None when it has none by that id (an erasure
    removes a notice that has nobody left to mail); ValueError when the outbox is not readable."""
    found = next((n for n in outbox.get("notices", []) if n.get("id") == id), None)
    if found is None:
        return None
    try:
        invitation = invitation_from_json(outbox["invitations"][found["invitation"]])
        method = found["method"]
        if method not in (REQUEST, CANCEL):
            raise ValueError(f"unknown method {method}")
        return Notice(method, invitation, tuple(person_from_json(p) for p in found["recipients"]))
    except (KeyError, IndexError, TypeError) as error:
        raise ValueError(f"not a stored notice: {error!r}") from None


def invitation_to_json(invitation: Invitation) -> dict[str, Any]:
    stored = asdict(invitation)
    for name in ("start", "end", "stamp"):
        stored[name] = format_utc(stored[name])
    stored["organizer"] = person_to_json(invitation.organizer)
    stored["attendees"] = [person_to_json(p) for p in invitation.attendees]
    return stored


def invitation_from_json(raw: dict[str, Any]) -> Invitation:
    """ValueError when `raw` is not a stored invitation."""
    try:
        fields = dict(raw)
        times: dict[str, datetime] = {name: parse_utc(fields.pop(name)) for name in ("start", "end", "stamp")}
        people = {"organizer": person_from_json(fields.pop("organizer")),
                  "attendees": tuple(person_from_json(p) for p in fields.pop("attendees"))}
        return Invitation(**fields, **times, **people)
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"not a stored invitation: {error!r}") from None


def person_to_json(person: Person) -> dict[str, Any]:
    # `personal` only when set, so the bank's own people keep the short shape.
    fields = asdict(person)
    return fields if person.personal else {k: v for k, v in fields.items() if k != "personal"}


def person_from_json(raw: dict[str, Any]) -> Person:
    return Person(**raw)


def notice_message(day: str, outbox_id: str, id: str) -> dict[str, Any]:
    """The queue message of one notice: a reference to it, nothing of what it says."""
    return {"id": id, "kind": INVITATION, "day": day, "outbox": outbox_id}


def notice_reference(message: Any) -> tuple[Reference, str]:
    """The outbox and notice id a queue message names; ValueError when it is not a notice's message."""
    if not isinstance(message, dict) or message.get("kind") != INVITATION or not isinstance(message.get("id"), str):
        raise ValueError("not a meeting invitation message")
    return reference(message), message["id"]


def email_for(notice: Notice, sender: str) -> EmailMessage:
    """The e-mail: a short text and the .ics as a text/calendar attachment with its method."""
    invitation = notice.invitation
    mail = EmailMessage()
    mail["Subject"] = f"{_SUBJECTS[notice.method]}: {invitation.summary}"
    mail["From"] = sender
    mail["To"] = ", ".join(_address(p) for p in notice.recipients)
    mail["Message-ID"] = f"<{message_id(notice)}@bookme>"
    when = f"{format_utc(invitation.start)} - {format_utc(invitation.end)} (UTC)"
    lines = [invitation.summary, when]
    if invitation.location:
        lines.append(invitation.location)
    if notice.method == CANCEL:
        lines.insert(0, "This meeting has been cancelled.")
    mail.set_content("\n".join(lines) + "\n")
    mail.add_attachment(build(invitation, notice.method), maintype="text", subtype="calendar",
                        filename="invite.ics", params={"method": notice.method, "charset": "utf-8"})
    return mail


def _address(person: Person) -> str:
    return str(Address(person.name or "", addr_spec=person.email))
