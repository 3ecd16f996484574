"""iCal invitations: RFC 5545 output parsed back with icalendar, and the e-mails carrying them."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from shared.rules import ical
from shared.rules.ical import CANCEL, REQUEST, Invitation, Person
from shared.rules.notifications import Notice, email_for, notices, stored_notice, stored_notices

START = datetime(2030, 3, 4, 9, 0, 0, 123000, tzinfo=UTC)
ORGANIZER = Person("bookme@nordhavnbank.example", "Nordhavn Bank")
METTE = Person("mette.nielsen@nordhavnbank.example", "Mette Nielsen")
LARS = Person("lars.jensen@nordhavnbank.example", "Lars Jensen")
GUEST = Person("guest@example.com", "Gæst, Ekstern")


def invitation(**changes) -> Invitation:
    values = {"uid": ical.uid_for("m1"), "sequence": 0, "start": START, "end": START + timedelta(hours=1),
              "stamp": datetime(2030, 3, 1, tzinfo=UTC), "summary": "Boliglån; møde, med kunde",
              "organizer": ORGANIZER, "attendees": (METTE, GUEST), "chair": METTE.email,
              "description": "Linje 1\nLinje 2 " + "ø" * 60, "location": "Havnen, CPH-HQ"}
    return Invitation(**{**values, **changes})


def parse(octets: bytes):
    calendar = Calendar.from_ical(octets)
    return calendar, calendar.walk("VEVENT")[0]


def test_an_invitation_is_valid_rfc_5545_that_parses_back():
    calendar, event = parse(ical.build(invitation()))
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert str(event["UID"]) == "m1@bookme"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == START.replace(microsecond=0)
    assert event.decoded("DTEND") == START.replace(microsecond=0) + timedelta(hours=1)
    assert str(event["SUMMARY"]) == "Boliglån; møde, med kunde"
    assert str(event["DESCRIPTION"]).startswith("Linje 1\nLinje 2")
    assert str(event["STATUS"]) == "CONFIRMED"


def test_lines_end_with_crlf_and_are_folded_at_75_octets():
    octets = ical.build(invitation())
    assert octets.endswith(b"\r\n")
    assert b"\n" not in octets.replace(b"\r\n", b"")
    lines = octets.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines), "the long description is folded"


def test_text_is_escaped_and_times_are_utc():
    text = ical.build(invitation()).decode()
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    assert "SUMMARY:Boliglån\\; møde\\, med kunde" in unfolded
    assert "DESCRIPTION:Linje 1\\nLinje 2" in unfolded
    assert "DTSTART:20300304T090000Z" in unfolded


def test_the_organizer_and_attendees_carry_names_and_roles():
    _, event = parse(ical.build(invitation()))
    assert str(event["ORGANIZER"]) == "mailto:bookme@nordhavnbank.example"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert attendees["mailto:mette.nielsen@nordhavnbank.example"]["ROLE"] == "CHAIR"
    assert attendees["mailto:guest@example.com"]["CN"] == "Gæst, Ekstern"
    assert attendees["mailto:guest@example.com"]["RSVP"] == "TRUE"


def test_a_cancellation_keeps_the_uid_and_says_cancelled():
    calendar, event = parse(ical.build(invitation(sequence=2), CANCEL))
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "m1@bookme"
    assert event["SEQUENCE"] == 2


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError):
        ical.build(invitation(), "PUBLISH")


def test_the_summary_falls_back_to_the_organizations_title_and_the_advisor():
    assert ical.summary_for(None, None, "Meeting with ", "Mette Nielsen") == "Meeting with Mette Nielsen"
    assert ical.summary_for("Boliglån", None, "Meeting with ", "Mette") == "Boliglån"
    assert ical.summary_for("Boliglån", "Eget", "Meeting with ", "Mette") == "Eget"


def test_the_description_and_location_take_the_override_first():
    assert ical.description_for("Mødets", None, "Standard") == "Mødets"
    assert ical.description_for(None, None, "Standard") == "Standard"
    assert ical.description_for(None, "Egen", "Standard", "https://meet.example/x") == "Egen\n\nhttps://meet.example/x"
    assert ical.location_for(None, "Havnen, CPH-HQ", None) == "Havnen, CPH-HQ"
    assert ical.location_for("Teams", "Havnen", None) == "Teams"
    assert ical.location_for(None, None, "https://meet.example/x") == "https://meet.example/x"


def test_a_new_meeting_invites_everyone_and_a_cancellation_cancels_for_everyone():
    created = notices(None, invitation())
    assert [(n.method, {p.email for p in n.recipients}) for n in created] == [(REQUEST, {METTE.email, GUEST.email})]
    cancelled = notices(invitation(), None)
    assert [n.method for n in cancelled] == [CANCEL]


def test_a_reschedule_invites_everyone_again_with_the_raised_sequence():
    sent = notices(invitation(), invitation(sequence=1, start=START + timedelta(hours=1)))
    assert [(n.method, n.invitation.sequence, len(n.recipients)) for n in sent] == [(REQUEST, 1, 2)]


def test_a_participant_change_invites_the_new_and_cancels_for_the_removed():
    sent = notices(invitation(), invitation(attendees=(METTE, LARS)))
    assert [(n.method, [p.email for p in n.recipients]) for n in sent] == [
        (REQUEST, [LARS.email]), (CANCEL, [GUEST.email])]


def test_a_change_of_title_alone_sends_nothing():
    assert notices(invitation(), invitation(summary="Nyt")) == []


def test_a_new_link_such_as_a_teams_meetings_invites_everyone_again_with_the_same_sequence():
    link = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0"
    sent = notices(invitation(), invitation(url=link))
    assert [(n.method, n.invitation.sequence, len(n.recipients), n.invitation.url) for n in sent] == [
        (REQUEST, 0, 2, link)]


def test_a_notice_round_trips_through_the_outbox_without_loss():
    request, cancel = Notice(REQUEST, invitation(), (METTE, GUEST)), Notice(CANCEL, invitation(), (LARS,))
    invitations, stored = stored_notices("outbox:1", [request, cancel])
    assert len(invitations) == 1, "the notices of one change share their invitation"
    outbox = {"invitations": invitations, "notices": stored}
    assert [stored_notice(outbox, n["id"]) for n in stored] == [request, cancel]
    assert [n["id"] for n in stored_notices("outbox:1", [request, cancel])[1]] == [n["id"] for n in stored], \
        "the ids are deterministic"
    assert stored_notice(outbox, "another") is None
    with pytest.raises(ValueError):
        stored_notice({"invitations": [], "notices": [{**stored[0], "invitation": 3}]}, stored[0]["id"])


def test_the_email_carries_a_parseable_ics_with_its_method():
    mail = email_for(Notice(CANCEL, invitation(sequence=3), (METTE, GUEST)), "bookme@nordhavnbank.example")
    assert mail["Subject"].startswith("Cancelled: ")
    assert "mette.nielsen@nordhavnbank.example" in mail["To"]
    attachment = next(mail.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "CANCEL"
    calendar, event = parse(attachment.get_payload(decode=True))
    assert calendar["METHOD"] == "CANCEL"
    assert event["SEQUENCE"] == 3
