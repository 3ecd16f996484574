"""Section 19: the customer of a portal booking is invited at the addresses of Email fields."""

from datetime import UTC, datetime

from shared.models.meetings import BookedBy, CustomField
from shared.models.portals import Portal
from shared.rules.customer_invitation import customer_attendees
from shared.rules.ical import CANCEL, REQUEST, Invitation, Person
from shared.rules.notifications import Notice, carries_personal_data, without_personal_data

PORTAL = Portal.model_validate({
    "id": "8c1d5f0e-6a4b-4c2d-9e3f-1a2b3c4d5e6f", "name": "Pension", "icalEnabled": True,
    "fields": [{"name": "Email", "type": "Email"}, {"name": "Work mail", "type": "Email"},
               {"name": "Phone", "type": "Phone"}]})
FIELDS = [CustomField(key="email", value="kunde@example.com"), CustomField(key="Phone", value="+4512345678"),
          CustomField(key="Work mail", value="KUNDE@example.com"), CustomField(key="Other", value="x@example.com")]


def test_every_address_of_an_email_field_is_invited_once_and_marked_personal():
    found = customer_attendees(BookedBy.PORTAL_CUSTOMER, PORTAL, FIELDS)
    assert found == (Person("kunde@example.com", None, personal=True),)


def test_partner_bookings_invite_the_customer_too_but_not_other_bookings():
    assert customer_attendees(BookedBy.PORTAL_PARTNER, PORTAL, FIELDS)
    assert customer_attendees(BookedBy.EMPLOYEE, PORTAL, FIELDS) == ()
    assert customer_attendees(BookedBy.CUSTOMER, PORTAL, FIELDS) == ()


def test_a_portal_without_ical_invites_no_customer():
    disabled = PORTAL.model_copy(update={"ical_enabled": False})
    assert customer_attendees(BookedBy.PORTAL_CUSTOMER, disabled, FIELDS) == ()
    assert customer_attendees(BookedBy.PORTAL_CUSTOMER, None, FIELDS) == ()


def test_a_value_that_is_not_an_address_or_is_blank_is_skipped():
    fields = [CustomField(key="Email", value="not an address"), CustomField(key="Work mail", value="  ")]
    assert customer_attendees(BookedBy.PORTAL_CUSTOMER, PORTAL, fields) == ()


def _notice(method: str) -> Notice:
    advisor, guest = Person("advisor@bank.example", "R"), Person("guest@example.com", "G", personal=True)
    at = datetime(2045, 1, 5, 9, tzinfo=UTC)
    invitation = Invitation("m1@bookme", 0, at, at, at, "Pension", Person("bookme@bank.example"), (advisor, guest),
                            advisor.email, "Loan talk\n\nhttps://v/1", "https://v/1", "https://v/1")
    return Notice(method, invitation, (advisor, guest))


def test_a_notice_of_an_erased_meeting_mails_only_the_bank_without_description_or_video_link():
    notice = _notice(REQUEST)
    assert carries_personal_data(notice)
    cleaned = without_personal_data(notice)
    assert [p.email for p in cleaned.recipients] == ["advisor@bank.example"]
    assert [p.email for p in cleaned.invitation.attendees] == ["advisor@bank.example"]
    assert (cleaned.invitation.description, cleaned.invitation.url, cleaned.invitation.location) == (None,) * 3
    assert not carries_personal_data(cleaned)


def test_a_notice_to_customer_addresses_only_is_dropped_once_erased():
    notice = _notice(CANCEL)
    guest_only = Notice(CANCEL, notice.invitation, (notice.recipients[1],))
    assert without_personal_data(guest_only) is None


def test_queue_messages_mark_customer_given_addresses_and_round_trip():
    from shared.rules.notifications import from_message, made_at, meeting_id, to_message

    notice = _notice(REQUEST)
    at = datetime(2045, 1, 1, 8, tzinfo=UTC)
    message = to_message(notice, at)
    assert message["recipients"] == [{"email": "advisor@bank.example", "name": "R"},
                                     {"email": "guest@example.com", "name": "G", "personal": True}]
    assert made_at(message) == at and made_at(to_message(notice)) is None
    assert from_message(message) == notice
    assert meeting_id(notice) == "m1"


def test_only_the_meetings_own_text_or_customer_addresses_make_a_notice_personal():
    from dataclasses import replace

    from shared.rules.notifications import from_message, to_message

    bank_only = _notice(REQUEST)
    bank_only = Notice(REQUEST, replace(bank_only.invitation, attendees=bank_only.invitation.attendees[:1],
                                        description="Your scheduled meeting", url=None, location=None),
                       bank_only.recipients[:1])
    assert not carries_personal_data(bank_only), "the organization's default description is no personal data"
    own_text = Notice(REQUEST, replace(bank_only.invitation, holds_personal_text=True), bank_only.recipients)
    assert carries_personal_data(own_text)
    assert carries_personal_data(from_message(to_message(own_text)))
    assert "holds_personal_text" not in to_message(bank_only)["invitation"]
