"""A meeting as an iCal invitation: who takes part, what it is called, where it is."""

from shared.models.common import MeetingType
from shared.models.meetings import IcalRequest, Meeting
from shared.models.organization import OrganizationSetting
from shared.rules import ical
from shared.rules.customer_invitation import customer_attendees
from shared.services.booking.lookups import Parties

ORGANIZER_NAME = "BookMe"


def invitation(meeting: Meeting, sequence: int, found: Parties, org: OrganizationSetting, sender: str,
               overrides: IcalRequest | None = None) -> ical.Invitation:
    """The meeting's invitation: organized by the BookMe mailbox, the advisor as chair, the
    additional employees, external attendees and (portals with icalEnabled) the customer's
    Email-field addresses as participants. Customer-given addresses are marked personal."""
    overrides = overrides or IcalRequest()
    advisor = found.employees.get(meeting.employee_id)
    people = [advisor, *(found.employees.get(id) for id in meeting.additional_employees)]
    attendees = [ical.Person(e.email, e.name) for e in people if e is not None and e.email]
    attendees += [ical.Person(a.email, a.name, personal=True) for a in meeting.external_attendees]
    attendees += customer_attendees(meeting.booked_by, found.portal, meeting.custom_fields)
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
        holds_personal_text=bool(meeting.description or meeting.video_link),
    )
