"""A meeting as an iCal invitation: who takes part, what it is called, where it is."""

import asyncio
from dataclasses import dataclass

from shared.bootstrap import App
from shared.models.common import MeetingType
from shared.models.directory import Employee, Room
from shared.models.meetings import IcalRequest, Meeting
from shared.models.organization import OrganizationSetting
from shared.rules import ical
from shared.services import directory

ORGANIZER_NAME = "BookMe"


@dataclass(frozen=True)
class Parties:
    """The directory entries a meeting names (missing ones are left out)."""

    employees: dict[str, Employee]
    rooms: dict[str, Room]


async def parties(app: App, *meetings: Meeting | None) -> Parties:
    """The employees and rooms of the meetings: one query each."""
    employee_ids = sorted({id for m in meetings if m for id in (m.employee_id, *m.additional_employees)})
    room_ids = sorted({m.room_id for m in meetings if m and m.room_id})
    employees, rooms = await asyncio.gather(
        directory.employees(app).find_by("id", employee_ids) if employee_ids else _nothing(),
        directory.rooms(app).find_by("id", room_ids) if room_ids else _nothing())
    return Parties({v.item.id: v.item for v in employees}, {v.item.id: v.item for v in rooms})


async def _nothing() -> list:
    return []


def invitation(meeting: Meeting, sequence: int, found: Parties, org: OrganizationSetting, sender: str,
               overrides: IcalRequest | None = None) -> ical.Invitation:
    """The meeting's invitation: organized by the BookMe mailbox, the advisor as chair, the
    additional employees and external attendees as participants."""
    overrides = overrides or IcalRequest()
    advisor = found.employees.get(meeting.employee_id)
    people = [advisor, *(found.employees.get(id) for id in meeting.additional_employees)]
    attendees = [ical.Person(e.email, e.name) for e in people if e is not None and e.email]
    attendees += [ical.Person(a.email, a.name) for a in meeting.external_attendees]
    room = found.rooms.get(meeting.room_id) if meeting.room_id else None
    online = meeting.video_link if meeting.type is MeetingType.ONLINE else None
    return ical.Invitation(
        uid=ical.uid_for(meeting.id),
        sequence=sequence,
        start=meeting.start_date,
        end=meeting.end_date,
        stamp=meeting.date_modified,
        summary=ical.summary_for(meeting.title, overrides.title, org.i_cal_meeting_title,
                                 advisor.name if advisor else None),
        organizer=ical.Person(sender, ORGANIZER_NAME),
        attendees=tuple(attendees),
        chair=advisor.email if advisor and advisor.email else None,
        description=ical.description_for(meeting.description, overrides.description, org.i_cal_meeting_description,
                                         meeting.video_link),
        location=ical.location_for(overrides.location, f"{room.name}, {room.location}" if room else None, online),
        url=meeting.video_link or None,
    )
