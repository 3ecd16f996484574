"""Which invitation e-mails a meeting change sends, as queue messages and as e-mails. Pure.

A message carries everything the e-mail needs (never the CPR number), so the Service
Bus-triggered function reads nothing; delivering one twice sends the same UID and SEQUENCE,
which calendar clients treat as the same update.
"""

import uuid
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any

from shared.models.common import format_utc, parse_utc
from shared.rules.ical import CANCEL, REQUEST, Invitation, Person, build

NAMESPACE = uuid.UUID("5f0e7c2a-8d41-4b6e-9a0f-3c2d1e4b5a69")
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
    """Deterministic, so a re-published outbox message is recognisably the same one."""
    emails = ",".join(sorted(_key(p) for p in notice.recipients))
    seed = f"{notice.invitation.uid}|{notice.invitation.sequence}|{notice.method}|{emails}"
    return str(uuid.uuid5(NAMESPACE, seed))


def to_message(notice: Notice, made_at: datetime | None = None) -> dict[str, Any]:
    """The JSON queue message of a notice; `made_at` (when the booking change was committed)
    lets delivery tell whether the meeting's personal data was erased since."""
    invitation = asdict(notice.invitation)
    for name in ("start", "end", "stamp"):
        invitation[name] = format_utc(invitation[name])
    invitation["organizer"] = _person(notice.invitation.organizer)
    invitation["attendees"] = [_person(p) for p in notice.invitation.attendees]
    if not notice.invitation.holds_personal_text:  # only when set, like `personal`
        del invitation["holds_personal_text"]
    message = {
        "id": message_id(notice),
        "kind": "meetingInvitation",
        "method": notice.method,
        "recipients": [_person(p) for p in notice.recipients],
        "invitation": invitation,
    }
    return {**message, "madeAt": format_utc(made_at)} if made_at else message


def _person(person: Person) -> dict[str, Any]:
    # `personal` only when set, so messages about the bank's own people keep their shape.
    fields = asdict(person)
    return fields if person.personal else {k: v for k, v in fields.items() if k != "personal"}


def made_at(message: dict[str, Any]) -> datetime | None:
    """When the message's booking change was committed; None for messages older than the field."""
    return parse_utc(message["madeAt"]) if message.get("madeAt") else None


def meeting_id(notice: Notice) -> str:
    """The id of the meeting a notice is about (its UID is `<meeting id>@bookme`)."""
    return notice.invitation.uid.rsplit("@", 1)[0]


def carries_personal_data(notice: Notice) -> bool:
    """Whether the notice names a customer-given address or carries the meeting's own
    description or video link (the organization's default description is no personal data,
    so most notices need no erasure check at delivery)."""
    people = (*notice.recipients, *notice.invitation.attendees)
    return any(p.personal for p in people) or notice.invitation.holds_personal_text


def without_personal_data(notice: Notice) -> Notice | None:
    """The notice of a meeting whose personal data was erased after it was made: no
    customer-given address, no description, no video link; None when nobody is left to mail."""
    invitation = notice.invitation
    location = None if invitation.location and invitation.location == invitation.url else invitation.location
    cleaned = replace(invitation, attendees=tuple(p for p in invitation.attendees if not p.personal),
                      description=None, url=None, location=location, holds_personal_text=False)
    recipients = tuple(p for p in notice.recipients if not p.personal)
    return Notice(notice.method, cleaned, recipients) if recipients else None


def from_message(message: dict[str, Any]) -> Notice:
    """The notice of a queue message; ValueError when it is not one."""
    try:
        raw = dict(message["invitation"])
        times: dict[str, datetime] = {name: parse_utc(raw.pop(name)) for name in ("start", "end", "stamp")}
        people = {"organizer": Person(**raw.pop("organizer")),
                  "attendees": tuple(Person(**p) for p in raw.pop("attendees"))}
        invitation = Invitation(**raw, **times, **people)
        method = message["method"]
        if method not in (REQUEST, CANCEL):
            raise ValueError(f"unknown method {method}")
        return Notice(method, invitation, tuple(Person(**p) for p in message["recipients"]))
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"not a meeting invitation message: {error}") from None


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
