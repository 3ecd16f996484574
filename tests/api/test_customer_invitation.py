"""The customer's own invitation over the whole stack, through the test SMTP server (section 19),
and queued notifications of a meeting whose personal data was erased meanwhile (section 16)."""

import json
import uuid
from datetime import timedelta

from shared.models.common import format_utc as iso
from tests.api.test_notifications import ics_of, mails_to
from tests.utils.advisors import local
from tests.utils.http_builders import book, new_day, new_employee, new_portal
from tests.utils.messages import service_bus_message
from tests.utils.near_days import bookable_days, weekday_schedule

EMAIL_FIELDS = [{"name": "Email", "type": "Email"}, {"name": "phone", "type": "Phone"}]


def customer_address() -> str:
    return f"kunde-{uuid.uuid4().hex[:8]}@example.com"


def portal_booking(api, employee_id, start, portal, address, bookedBy="PortalPartner", **fields) -> dict:
    return book(api, employee_id, start, bookedBy=bookedBy, portalId=portal["id"],
                customFields=[{"key": "email", "value": address}, {"key": "phone", "value": "+4512345678"}],
                **fields)


def attendees(message) -> set[str]:
    return {str(a).lower() for a in ics_of(message)[2]["ATTENDEE"]}


def test_the_customer_of_an_ical_portal_gets_request_reschedule_and_cancel(stack, api):
    employee_id, _ = new_employee(api)
    portal = new_portal(api, icalEnabled=True, fields=EMAIL_FIELDS)
    address = customer_address()
    start = new_day() + timedelta(hours=9)
    meeting = portal_booking(api, employee_id, start, portal, address)

    invited = mails_to(stack, address, 1, "Invitation")[0]
    part, calendar, event = ics_of(invited)
    assert part.get_param("method") == "REQUEST" and calendar["METHOD"] == "REQUEST"
    assert f"mailto:{address}" in attendees(invited)
    assert str(event["UID"]) == f"{meeting['id']}@bookme"

    assert api.patch(f"/meetings/{meeting['id']}", json=[
        {"op": "replace", "path": "/startDate", "value": iso(start + timedelta(hours=1))},
        {"op": "replace", "path": "/endDate", "value": iso(start + timedelta(hours=2))}]).status_code == 200
    rescheduled = mails_to(stack, address, 2, "Invitation")
    assert sorted(ics_of(m)[2]["SEQUENCE"] for m in rescheduled) == [0, 1]

    assert api.delete(f"/meetings/{meeting['id']}").status_code == 204
    part, calendar, event = ics_of(mails_to(stack, address, 1, "Cancelled")[0])
    assert part.get_param("method") == "CANCEL" and str(event["STATUS"]) == "CANCELLED"


def test_a_portal_customer_booking_invites_the_customer_too(stack, api):
    employee_id, _ = new_employee(api)
    # A customer books only what the search offers (contract section 20): a schedule and a near weekday.
    assert api.post("/bookme/config/employee-schedules", json=weekday_schedule(employee_id)).status_code == 201
    portal = new_portal(api, icalEnabled=True, fields=EMAIL_FIELDS)
    address = customer_address()
    portal_booking(api, employee_id, local(next(bookable_days(api)), 10), portal, address, bookedBy="PortalCustomer",
                   type="Online")
    assert f"mailto:{address}" in attendees(mails_to(stack, address, 1, "Invitation")[0])


def test_without_ical_the_customer_gets_no_calendar_attachment(stack, api):
    employee_id, advisor = new_employee(api)
    portal = new_portal(api, icalEnabled=False, fields=EMAIL_FIELDS)
    address = customer_address()
    portal_booking(api, employee_id, new_day() + timedelta(hours=9), portal, address)
    # The advisor's invitation is the one e-mail of the booking: the customer is not on it.
    invitation = mails_to(stack, advisor, 1, "Invitation")[0]
    assert address not in invitation["X-Envelope-To"] and f"mailto:{address}" not in attendees(invitation)
    assert not [m for m in stack.mail.messages if address in m["X-Envelope-To"]]


def test_the_ical_download_carries_the_customer_as_attendee(api):
    employee_id, _ = new_employee(api)
    portal = new_portal(api, icalEnabled=True, fields=EMAIL_FIELDS)
    address = customer_address()
    meeting = portal_booking(api, employee_id, new_day() + timedelta(hours=9), portal, address)
    response = api.post(f"/meetings/{meeting['id']}/ical")
    assert response.status_code == 200
    assert f"mailto:{address}".lower() in response.text.replace("\r\n ", "").lower()


async def test_a_queued_invitation_of_a_meeting_erased_meanwhile_goes_to_the_bank_only(stack, api, ctx):
    from dataclasses import replace

    from functions.notifications import notifications_mail
    from shared.bootstrap import set_context
    from shared.models.meetings import MeetingCreate
    from shared.rules.notifications import stored_notice
    from shared.services import meetings
    from tests.utils.fakes import RecordingPublisher

    employee_id, advisor = new_employee(api)
    portal = new_portal(api, icalEnabled=True, fields=EMAIL_FIELDS)
    address, guest, customer = customer_address(), customer_address(), f"cust-{uuid.uuid4().hex[:8]}"
    recording = replace(ctx, publisher=RecordingPublisher())
    start = new_day() + timedelta(hours=9)
    await meetings.create_meeting(recording, MeetingCreate.model_validate({
        "bookedBy": "PortalPartner", "salesforceId": "sf", "employeeId": employee_id, "customerId": customer,
        "type": "Online", "startDate": iso(start), "endDate": iso(start + timedelta(hours=1)),
        "portalId": portal["id"], "customFields": [{"key": "Email", "value": address}],
        "externalAttendees": [{"email": guest}], "description": "Secret plans", "videoLink": "https://v.example/1"}))
    (message,) = recording.publisher.sent
    outbox = (await ctx.bookings.day(message["day"], [message["outbox"]]))[message["outbox"]]
    assert {r.email for r in stored_notice(outbox, message["id"]).recipients} == {advisor, address, guest}

    assert api.delete(f"/customers/{customer}/personal-data").json() == {"meetingsErased": 1}
    set_context(ctx)
    try:
        await notifications_mail(service_bus_message(json.dumps(message).encode(), message["id"]))
    finally:
        set_context(None)
    mail = mails_to(stack, advisor, 1, "Invitation")[0]
    text = mail.as_string()
    assert address not in text and guest not in text
    assert "Secret plans" not in text and "v.example" not in text
