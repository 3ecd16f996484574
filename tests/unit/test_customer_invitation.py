"""Section 19: the customer of a portal booking is invited at the addresses of Email fields."""

from datetime import UTC, datetime

from shared.models.meetings import BookedBy, CustomField
from shared.models.portals import Portal
from shared.rules.customer_invitation import customer_attendees
from shared.rules.ical import REQUEST, Invitation, Person
from shared.rules.notifications import Notice, stored_notices

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


def test_the_outbox_marks_customer_given_addresses_as_personal():
    advisor, guest = Person("advisor@bank.example", "R"), Person("guest@example.com", "G", personal=True)
    at = datetime(2045, 1, 5, 9, tzinfo=UTC)
    invitation = Invitation("m1@bookme", 0, at, at, at, "Pension", Person("bookme@bank.example"), (advisor, guest),
                            advisor.email)
    invitations, (stored,) = stored_notices("outbox:1", [Notice(REQUEST, invitation, (advisor, guest))])
    assert stored["recipients"] == [{"email": "advisor@bank.example", "name": "R"},
                                    {"email": "guest@example.com", "name": "G", "personal": True}]
    assert [p.get("personal", False) for p in invitations[0]["attendees"]] == [False, True]
