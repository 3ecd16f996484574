"""POST /meetings/{id}/ical over real HTTP: RFC 5545 parsed back, overrides, defaults, SEQUENCE."""

import itertools
import re
from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from shared.demo import bank
from shared.models.common import format_utc as iso

_days = itertools.count()
METTE = bank.employee_named("Mette Nielsen")
LARS = bank.employee_named("Lars Jensen")
NYHAVN = next(r for r in bank.ROOMS if r.name == "Nyhavn")



def book(client, **fields) -> dict:
    start = datetime(2043, 1, 5, 9, tzinfo=UTC) + timedelta(days=next(_days))
    body = {"bookedBy": "Employee", "salesforceId": "sf-1", "employeeId": METTE.id, "customerId": "c-1",
            "type": "Physical", "startDate": iso(start), "endDate": iso(start + timedelta(hours=1)), **fields}
    response = client.post("/meetings", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def event_of(response):
    calendar = Calendar.from_ical(response.content)
    return calendar, calendar.walk("VEVENT")[0]


def test_the_invitation_is_rfc_5545_text_calendar(api):
    meeting = book(api, title="Boliglån, rådgivning; første møde", roomId=NYHAVN.id, additionalEmployees=[LARS.id])
    response = api.post(f"/meetings/{meeting['id']}/ical")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["ETag"]
    assert response.content.endswith(b"\r\n") and b"\n" not in response.content.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    unfolded = re.sub(r"\r\n[ \t]", "", response.content.decode())
    assert "SUMMARY:Boliglån\\, rådgivning\\; første møde" in unfolded
    calendar, event = event_of(response)
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"{meeting['id']}@bookme"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == datetime.fromisoformat(meeting["startDate"].replace("Z", "+00:00"))
    assert event["DTSTART"].to_ical().endswith(b"Z")
    assert str(event["LOCATION"]) == "Nyhavn, CPH-HQ"
    attendees = {str(a) for a in event["ATTENDEE"]}
    assert attendees == {f"mailto:{METTE.email}", f"mailto:{LARS.email}"}
    assert str(event["ORGANIZER"]).startswith("mailto:")


def test_the_body_overrides_summary_description_and_location(api_v2):
    meeting = book(api_v2, title="Eget emne")
    response = api_v2.post(f"/meetings/{meeting['id']}/ical",
                           json={"title": "Kundemøde", "description": "Medbring lønsedler\nog budget",
                                 "location": "Online via Teams"})
    assert response.status_code == 200
    _, event = event_of(response)
    assert str(event["SUMMARY"]) == "Kundemøde"
    assert str(event["DESCRIPTION"]) == "Medbring lønsedler\nog budget"
    assert str(event["LOCATION"]) == "Online via Teams"


def test_the_organizations_defaults_fill_what_the_meeting_lacks(api):
    settings = api.get("/bookme/config/organization-settings").json()
    meeting = book(api)
    _, event = event_of(api.post(f"/meetings/{meeting['id']}/ical", json={}))
    assert str(event["SUMMARY"]) == f"{settings['iCalMeetingTitle']}{METTE.name}".strip()
    assert str(event["DESCRIPTION"]) == settings["iCalMeetingDescription"]


def test_the_uid_is_stable_and_the_sequence_grows_with_every_time_change(api):
    meeting = book(api)
    first = event_of(api.post(f"/meetings/{meeting['id']}/ical"))[1]
    retitled = api.patch(f"/meetings/{meeting['id']}", json=[{"op": "replace", "path": "/title", "value": "Nyt"}])
    assert retitled.status_code == 200
    assert event_of(api.post(f"/meetings/{meeting['id']}/ical"))[1]["SEQUENCE"] == 0
    start = datetime.fromisoformat(meeting["startDate"].replace("Z", "+00:00")) + timedelta(hours=2)
    for _ in range(2):
        start += timedelta(hours=1)
        moved = api.patch(f"/meetings/{meeting['id']}", json=[
            {"op": "replace", "path": "/startDate", "value": iso(start)},
            {"op": "replace", "path": "/endDate", "value": iso(start + timedelta(hours=1))}])
        assert moved.status_code == 200, moved.text
    last = event_of(api.post(f"/meetings/{meeting['id']}/ical"))[1]
    assert str(last["UID"]) == str(first["UID"])
    assert last["SEQUENCE"] == 2
    assert last.decoded("DTSTART") == start


def test_a_bad_body_is_a_bad_request_and_an_unknown_meeting_not_found(api):
    meeting = book(api)
    assert api.post(f"/meetings/{meeting['id']}/ical", content=b"{not json").status_code == 400
    assert api.post(f"/meetings/{meeting['id']}/ical", json={"title": 5}).status_code == 400
    assert api.post("/meetings/00000000-0000-4000-8000-000000000000/ical").status_code == 404
