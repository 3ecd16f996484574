"""Contract sections 12, 14 and 20 over HTTP: customers book only what the search offers, with
reasons; buffers; GET /time-slots/available/explain. Advisors work 08-16 Copenhagen time."""

import uuid
from datetime import timedelta

import pytest

from shared.models.common import format_utc as iso
from tests.utils.advisors import local, meeting, new_advisor
from tests.utils.near_days import bookable_days


@pytest.fixture(scope="module")
def days(api):
    return bookable_days(api)


def search(api, employee_id, day, path="/time-slots/available", **params):
    return api.get(path, params={"explicitEmployeeIds": employee_id, "employeeTypes": "Explicit",
                                 "requireEmployeeParticipation": "false", "isCustomerInitiated": "true",
                                 "startDate": iso(day), "lookForwardTime": "1.00:00:00", **params})


def test_a_customer_books_a_slot_the_search_offers(api, days):
    advisor, day = new_advisor(api), next(days)
    offered = search(api, advisor, day, meetingTypes="Online").json()
    assert offered
    picked = offered[len(offered) // 2]
    response = api.post("/meetings", json={**meeting(advisor, local(day, 0)), "startDate": picked["startDate"],
                                           "endDate": picked["endDate"]})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(("when", "reason"), [
    (lambda day: local(day, 10.25), None),  # 10:15: off the :00/:30 grid
    (lambda day: local(day + timedelta(days=(5 - day.weekday()) % 7), 10), "NotAWorkday"),  # a Saturday
    (lambda day: local(day, 16), "NotAWorkday"),  # after the workday ends
])
def test_a_customer_booking_the_search_would_not_offer_is_409_with_reasons(api, days, when, reason):
    advisor = new_advisor(api)
    response = api.post("/meetings", json=meeting(advisor, when(next(days))))
    assert response.status_code == 409, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    reasons = response.json()["reasons"]
    assert isinstance(reasons, list)
    if reason:
        assert reason in reasons


def test_a_customer_booking_on_a_closing_day_is_409(api, days):
    settings = api.get("/bookme/config/organization-settings").json()
    advisor, day = new_advisor(api), next(days)
    closed = api.post(f"/bookme/config/organization-settings/{settings['id']}/closing-days",
                      params={"closingDays": day.date().isoformat()})
    assert closed.status_code in (200, 201), closed.text
    try:
        response = api.post("/meetings", json=meeting(advisor, local(day, 10)))
        assert response.status_code == 409 and "ClosingDay" in response.json()["reasons"]
    finally:
        api.delete(f"/bookme/config/organization-settings/{settings['id']}/closing-days",
                   params={"closingDays": day.date().isoformat()})


def test_advisors_and_portal_partners_may_book_outside_the_schedule(api, days):
    advisor, day = new_advisor(api), next(days)
    portal = api.post("/bookme/config/portals", json={"name": f"P {uuid.uuid4().hex[:6]}"}).json()
    employee = api.post("/meetings", json=meeting(advisor, local(day, 18.25), bookedBy="Employee"))
    assert employee.status_code == 201, employee.text
    partner = api.post("/meetings", json=meeting(advisor, local(day, 20), bookedBy="PortalPartner",
                                                 portalId=portal["id"]))
    assert partner.status_code == 201, partner.text
    customer = api.post("/meetings", json=meeting(advisor, local(day, 21), bookedBy="PortalCustomer",
                                                  portalId=portal["id"]))
    assert customer.status_code == 409 and "NotAWorkday" in customer.json()["reasons"]


def test_a_customer_reservation_is_checked_and_the_meeting_from_it_is_not_checked_again(api, days):
    advisor, day = new_advisor(api), next(days)
    slot = {"startDate": iso(local(day, 9)), "endDate": iso(local(day, 10)), "status": "Reserved",
            "employeeId": advisor}
    refused = api.post("/time-slots/reserve", json={"timeSlot": {**slot, "startDate": iso(local(day, 17)),
                                                                 "endDate": iso(local(day, 18))},
                                                    "token": str(uuid.uuid4())})
    assert refused.status_code == 409 and refused.json()["reasons"]
    held = api.post("/time-slots/reserve", json={"timeSlot": slot, "token": str(uuid.uuid4())})
    assert held.status_code == 201, held.text
    booked = api.post("/meetings", json={**meeting(advisor, local(day, 9)), "timeSlotId": held.json()["id"]})
    assert booked.status_code == 201, booked.text


def test_a_topics_buffers_hold_the_advisor_around_the_meeting_but_not_in_the_meeting_times(api, days):
    advisor, day = new_advisor(api), next(days)
    # A customer type of its own keeps the topic out of other tests' topic lists.
    own_type = api.post("/config/customer-types", json={"name": f"Buffered {uuid.uuid4().hex[:6]}"}).json()["id"]
    topic = api.post("/meeting-topics", json={"name": f"Buffered {uuid.uuid4().hex[:6]}", "customerTypeIds": [own_type],
                                              "isAvailableToCustomers": True, "meetingDuration": "01:00:00",
                                              "bufferBefore": "00:30:00", "bufferAfter": "00:30:00"})
    assert topic.status_code == 201, topic.text
    assert (topic.json()["bufferBefore"], topic.json()["bufferAfter"]) == ("00:30:00", "00:30:00")
    booked = api.post("/meetings", json=meeting(advisor, local(day, 10), bookedBy="Employee",
                                                topicId=topic.json()["id"]))
    assert booked.status_code == 201, booked.text
    assert booked.json()["startDate"] == iso(local(day, 10)) and booked.json()["endDate"] == iso(local(day, 11))
    clash = api.post("/meetings", json=meeting(advisor, local(day, 11), bookedBy="Employee"))
    assert clash.status_code == 409
    assert api.post("/meetings", json=meeting(advisor, local(day, 11.5), bookedBy="Employee")).status_code == 201
    starts = {s["startDate"] for s in search(api, advisor, day, meetingTypes="Online").json()}
    # Held from 09:30 to 12:30 (the topic's buffers, then the meeting at 11:30): an hour fits before 09:30.
    assert iso(local(day, 8.5)) in starts and iso(local(day, 9)) not in starts


def test_buffers_over_four_hours_are_refused(api):
    response = api.post("/meeting-topics", json={"name": f"Too long {uuid.uuid4().hex[:6]}", "customerTypeIds": [],
                                                 "isAvailableToCustomers": True, "bufferAfter": "04:00:01"})
    assert response.status_code == 400


def test_the_explanation_counts_what_the_search_offers_and_says_why(api, days):
    advisor, day = new_advisor(api), next(days)
    assert api.post("/meetings", json=meeting(advisor, local(day, 10), bookedBy="Employee")).status_code == 201
    params = {"lookForwardTime": "3.00:00:00"}
    offered = search(api, advisor, day, **params).json()
    response = search(api, advisor, day, path="/time-slots/available/explain", **params)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["slotCount"] == len(offered)
    (employee,) = answer["employees"]
    assert employee["employeeId"] == advisor and employee["excluded"] is None
    assert [d["date"] for d in employee["days"]] == sorted(d["date"] for d in employee["days"])
    assert sum(d["slotCount"] for d in employee["days"]) == len(offered)
    first = employee["days"][0] if employee["days"][0]["date"] == day.date().isoformat() else employee["days"][1]
    assert "Booked" in first["reasons"]
    assert set(answer) == {"slotCount", "employees"} and set(employee) == {"employeeId", "excluded", "days"}


def test_excluded_candidates_have_a_code_and_no_days(api, days):
    day = next(days)
    inactive, unscheduled = new_advisor(api), new_advisor(api, schedule=False)
    assert api.put(f"/employees/{inactive}", json={"name": "Gone", "isActive": False}).status_code == 200
    blocked = new_advisor(api, canBeBooked=False)
    ids = ",".join([inactive, unscheduled, blocked])
    answer = search(api, ids, day, path="/time-slots/available/explain").json()
    codes = {e["employeeId"]: (e["excluded"], e["days"]) for e in answer["employees"]}
    assert codes == {inactive: ("Inactive", []), unscheduled: ("NoSchedule", []), blocked: ("NotBookable", [])}


def test_the_explanation_validates_like_the_search_and_is_v3_only(api, api_v2, days):
    day = next(days)
    missing = api.get("/time-slots/available/explain", params={"startDate": iso(day)})
    assert missing.status_code == 400
    assert api_v2.get("/time-slots/available/explain", params={
        "requireEmployeeParticipation": "false", "employeeTypes": "Explicit"}).status_code == 404


def test_the_explanation_is_documented_with_every_code(api):
    document = api.get("/openapi.json").json()
    text = str(document["paths"]["/time-slots/available/explain"])
    for code in ("ClosingDay", "NotAWorkday", "MeetingTypeNotOffered", "NotLocal", "InThePast", "BeforeMinimumNotice",
                 "BeyondBookingHorizon", "OutsideOpeningHours", "Booked", "DailyCapReached", "NoRoomAvailable",
                 "OutsideSearchWindow", "NotBookable", "OnlyExplicitlyAvailable", "NoSchedule", "Inactive",
                 "NotQualifiedForTopic", "NotQualifiedForCustomerType", "MeetingLongerThanDailyCap"):
        assert code in text
