"""RFC 5545 invitations for meetings, built with the icalendar package. Pure.

The `icalendar` package writes CRLF line endings, folds lines at 75 octets, escapes TEXT
values and writes aware UTC times with `Z`; this module decides what goes in them.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

PRODID = "-//BookMe//Meeting bookings//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


@dataclass(frozen=True, slots=True)
class Person:
    email: str
    name: str | None = None
    # An address the customer gave (an external attendee, a portal Email field): personal
    # data, left out of mail once the meeting's personal data has been erased.
    personal: bool = False


@dataclass(frozen=True, slots=True)
class Invitation:
    """One meeting as a calendar event; `sequence` grows with every time change."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    stamp: datetime
    summary: str
    organizer: Person
    attendees: tuple[Person, ...] = ()
    chair: str | None = None  # the e-mail of the advising employee among the attendees
    description: str | None = None
    location: str | None = None
    url: str | None = None
    # The description or link come from the meeting's own (erasable) text, not only the defaults.
    holds_personal_text: bool = False


def uid_for(meeting_id: str) -> str:
    """The stable UID of a meeting: the same in every invitation, update and cancellation."""
    return f"{meeting_id}@bookme"


def summary_for(title: str | None, override: str | None, default_title: str, employee_name: str | None) -> str:
    """SUMMARY: the request's title, else the meeting's, else the organization's iCal title
    followed by the advisor's name ("Meeting with " + "Mette Nielsen")."""
    if override:
        return override
    if title:
        return title
    return f"{default_title}{employee_name or ''}".strip() or "Meeting"


def description_for(description: str | None, override: str | None, default_description: str,
                    video_link: str | None = None) -> str | None:
    """DESCRIPTION: the request's, else the meeting's, else the organization's default; the
    video link is appended when there is one."""
    text = override or description or default_description or None
    if video_link and (not text or video_link not in text):
        text = f"{text}\n\n{video_link}" if text else video_link
    return text


def location_for(override: str | None, room: str | None, video_link: str | None) -> str | None:
    """LOCATION: the request's, else the room, else the video link."""
    return override or room or video_link or None


def build(invitation: Invitation, method: str = REQUEST) -> bytes:
    """The iCalendar object (METHOD REQUEST or CANCEL) as RFC 5545 octets."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"unsupported iTIP method {method}")
    from icalendar import Calendar, Event  # on the first invitation, not at cold start

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", _utc(invitation.stamp))
    event.add("dtstart", _utc(invitation.start))
    event.add("dtend", _utc(invitation.end))
    event.add("summary", invitation.summary)
    if invitation.description:
        event.add("description", invitation.description)
    if invitation.location:
        event.add("location", invitation.location)
    if invitation.url:
        event.add("url", invitation.url)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(invitation.organizer))
    for person in invitation.attendees:
        role = "CHAIR" if person.email == invitation.chair else "REQ-PARTICIPANT"
        event.add("attendee", _address(person, ROLE=role, PARTSTAT="NEEDS-ACTION",
                                       RSVP="FALSE" if method == CANCEL else "TRUE"))
    calendar.add_component(event)
    return calendar.to_ical()


def _utc(value: datetime) -> datetime:
    # Whole seconds: RFC 5545 DATE-TIME has no fractions.
    return value.astimezone(UTC).replace(microsecond=0)


def _address(person: Person, **params: str) -> Any:
    from icalendar import vCalAddress, vText

    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = vText(person.name)
    for key, value in params.items():
        address.params[key] = value
    return address
