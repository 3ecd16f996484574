"""Invitation e-mails over the whole stack: booking -> outbox -> queue -> Service Bus trigger -> SMTP."""

import itertools
import json
import uuid
from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from shared.models.common import format_utc as iso
from tests.utils.http_builders import NOT_IN_OUTLOOK
from tests.utils.messages import service_bus_message

_days = itertools.count()



def start_of_new_day() -> datetime:
    return datetime(2045, 1, 5, 9, tzinfo=UTC) + timedelta(days=next(_days))


def new_employee(api) -> tuple[str, str]:
    employee_id = str(uuid.uuid4())
    email = f"advisor-{employee_id[:8]}@nordhavnbank.example"
    assert api.put(f"/employees/{employee_id}", json={"name": "Rådgiver Test", "email": email,
                                                      "location": "CPH-HQ", **NOT_IN_OUTLOOK}).status_code == 201
    return employee_id, email


def mails_to(stack, email: str, count: int, subject: str = ""):
    def wanted(message) -> bool:
        return email in message["X-Envelope-To"] and message["Subject"].startswith(subject)

    found = stack.wait_for_mail(count, timeout=20, predicate=wanted)
    assert len(found) >= count, f"expected {count} mail(s) to {email} starting {subject!r}, got {len(found)}"
    return found


def ics_of(message):
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    return part, calendar, calendar.walk("VEVENT")[0]


def book(api, employee_id: str, start: datetime, **fields):
    response = api.post("/meetings", json={"bookedBy": "Employee", "salesforceId": "sf", "employeeId": employee_id,
                                           "customerId": "c", "type": "Online", "startDate": iso(start),
                                           "endDate": iso(start + timedelta(hours=1)), **fields})
    assert response.status_code == 201, response.text
    return response.json()


def test_booking_rescheduling_and_cancelling_send_ical_mails(stack, api):
    employee_id, email = new_employee(api)
    start = start_of_new_day()
    meeting = book(api, employee_id, start, title="Pensionsmøde", videoLink="https://meet.example/p")
    part, calendar, event = ics_of(mails_to(stack, email, 1, "Invitation")[0])
    assert part.get_param("method") == "REQUEST"
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"{meeting['id']}@bookme"
    assert event["SEQUENCE"] == 0
    assert str(event["SUMMARY"]) == "Pensionsmøde"

    moved = api.patch(f"/meetings/{meeting['id']}", json=[
        {"op": "replace", "path": "/startDate", "value": iso(start + timedelta(hours=2))},
        {"op": "replace", "path": "/endDate", "value": iso(start + timedelta(hours=3))}])
    assert moved.status_code == 200
    invitations = mails_to(stack, email, 2, "Invitation")
    sequences = sorted(ics_of(m)[2]["SEQUENCE"] for m in invitations)
    assert sequences == [0, 1]
    latest = next(ics_of(m)[2] for m in invitations if ics_of(m)[2]["SEQUENCE"] == 1)
    assert latest.decoded("DTSTART") == start + timedelta(hours=2)

    assert api.delete(f"/meetings/{meeting['id']}").status_code == 204
    part, calendar, event = ics_of(mails_to(stack, email, 1, "Cancelled")[0])
    assert part.get_param("method") == "CANCEL"
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"{meeting['id']}@bookme"


def test_a_title_change_sends_nothing_but_a_new_colleague_is_invited(stack, api):
    employee_id, email = new_employee(api)
    colleague_id, colleague_email = new_employee(api)
    meeting = book(api, employee_id, start_of_new_day())
    mails_to(stack, email, 1, "Invitation")
    assert api.patch(f"/meetings/{meeting['id']}", json=[
        {"op": "replace", "path": "/title", "value": "Nyt"}]).status_code == 200
    assert api.patch(f"/meetings/{meeting['id']}", json=[
        {"op": "add", "path": "/additionalEmployees/-", "value": colleague_id}]).status_code == 200
    _, _, event = ics_of(mails_to(stack, colleague_email, 1, "Invitation")[0])
    assert str(event["UID"]) == f"{meeting['id']}@bookme"
    assert api.patch(f"/meetings/{meeting['id']}", json=[
        {"op": "remove", "path": "/additionalEmployees/0"}]).status_code == 200
    mails_to(stack, colleague_email, 1, "Cancelled")
    assert len(stack.wait_for_mail(2, timeout=1, predicate=lambda m: email in m["X-Envelope-To"])) == 1, \
        "the advisor got only the first invitation"


def test_portal_external_attendees_are_invited_and_the_cpr_never_travels(stack, api):
    employee_id, _ = new_employee(api)
    portal = api.post("/bookme/config/portals", json={"name": f"Portal {uuid.uuid4().hex[:6]}", "location": "ODE",
                                                      "authenticationType": "MitID"}).json()
    guest = f"guest-{uuid.uuid4().hex[:8]}@example.com"
    book(api, employee_id, start_of_new_day(), bookedBy="PortalPartner", portalId=portal["id"], cpr="311299-9876",
         externalAttendees=[{"name": "Gæst Gæstesen", "email": guest}])
    message = mails_to(stack, guest, 1, "Invitation")[0]
    _, _, event = ics_of(message)
    assert f"mailto:{guest}" in {str(a) for a in event["ATTENDEE"]}
    assert "311299" not in message.as_string()
    assert "311299" not in ics_of(message)[0].get_payload(decode=True).decode()


async def test_the_service_bus_function_mails_each_published_message_even_twice(stack, api, ctx):
    from functions.notifications import notifications_mail
    from shared.bootstrap import set_context
    from shared.models.meetings import MeetingCreate
    from shared.services import meetings
    from tests.utils.fakes import RecordingPublisher

    employee_id, email = new_employee(api)
    ctx.publisher = RecordingPublisher()
    start = start_of_new_day()
    created = await meetings.create_meeting(ctx, MeetingCreate.model_validate({
        "bookedBy": "Employee", "salesforceId": "sf", "employeeId": employee_id, "customerId": "c", "type": "Online",
        "startDate": iso(start), "endDate": iso(start + timedelta(hours=1))}))
    (message,) = ctx.publisher.sent
    assert set(message) == {"id", "kind", "day", "outbox"}, "a reference to the notice in its outbox"
    set_context(ctx)
    try:
        for _ in range(2):  # a duplicate delivery sends the same invitation again, harmlessly
            await notifications_mail(service_bus_message(json.dumps(message).encode(), message["id"]))
        # Unreadable: set aside at once, with the reason and without its body.
        await notifications_mail(service_bus_message(b"not json", "junk"))
    finally:
        set_context(None)
    (aside,) = ctx.publisher.queues[ctx.settings.SET_ASIDE_QUEUE]
    assert (aside["messageId"], aside["message"]) == ("junk", None) and "Not a notification" in aside["reason"]
    received = mails_to(stack, email, 2, "Invitation")
    events = [ics_of(m)[2] for m in received]
    assert {(str(e["UID"]), e["SEQUENCE"]) for e in events} == {(f"{created.item.id}@bookme", 0)}
