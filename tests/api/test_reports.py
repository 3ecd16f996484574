"""GET /reports/capacity and /reports/service-level over HTTP (contract section 25), on advisors
made per test (08:00 to 16:00 Copenhagen time) and on the demo bank's mortgage group."""

import csv
import io
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.demo import demo_id
from tests.utils.advisors import local, meeting, new_advisor
from tests.utils.near_days import bookable_days

MORTGAGE_GROUP = demo_id("competenceGroup", "mortgage")
MORTGAGE_TOPIC = demo_id("topic", "mortgage")
COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def service_group(api, *employee_ids: str, **fields) -> str:
    response = api.post("/bookme/config/service-groups", json={
        "name": f"Reports {uuid.uuid4().hex[:8]}", "employeeIds": list(employee_ids), **fields})
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture(scope="module")
def day(api) -> datetime:
    """A weekday a customer may book, midnight UTC."""
    return next(bookable_days(api))


def customer_search(api, employee_ids: list[str], day: datetime, **params) -> list[dict]:
    """/time-slots/available as the report's search: a customer's, by name, over Copenhagen's day."""
    response = api.get("/time-slots/available", params={
        "explicitEmployeeIds": ",".join(employee_ids), "employeeTypes": "Explicit",
        "requireEmployeeParticipation": "false", "isCustomerInitiated": "true",
        "startDate": local(day, 0).isoformat(), "lookForwardTime": "1.00:00:00", **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_service_groups_day_counts_minutes_and_the_slots_the_customer_search_offers(api, day):
    amy, bob = new_advisor(api), new_advisor(api)
    group = service_group(api, amy, bob)
    booked = api.post("/meetings", json=meeting(amy, local(day, 10), bookedBy="Employee"))
    assert booked.status_code == 201, booked.text
    response = api.get("/reports/capacity", params={"serviceGroupId": group, "from": day.date().isoformat(),
                                                    "to": day.date().isoformat()})
    assert response.status_code == 200, response.text
    report = response.json()
    (found,) = report["days"]
    assert {k: found[k] for k in ("date", "scheduledMinutes", "bookedMinutes", "freeMinutes", "utilization")} == {
        "date": day.date().isoformat(), "scheduledMinutes": 960, "bookedMinutes": 60, "freeMinutes": 900,
        "utilization": 0.0625}
    assert found["slots"] == len(customer_search(api, [amy, bob], day)) > 0
    assert report["employeeIds"] == sorted([amy, bob]) and report["timeZone"] == "Europe/Copenhagen"


def test_the_demo_mortgage_groups_slots_per_day_are_the_searchs_for_its_topic(api, day):
    first, last = day.date(), (day + timedelta(days=6)).date()
    response = api.get("/reports/capacity", params={"competenceGroupId": MORTGAGE_GROUP, "from": first.isoformat(),
                                                    "to": last.isoformat(), "groupBy": "employee"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["topic"] == MORTGAGE_TOPIC and report["groupName"] == "Boligrådgivning"
    assert len(report["employeeIds"]) == 5 and len(report["days"]) == 7
    offered = api.get("/time-slots/available", params={
        "explicitEmployeeIds": ",".join(report["employeeIds"]), "employeeTypes": "Explicit",
        "requireEmployeeParticipation": "false", "isCustomerInitiated": "true", "topic": MORTGAGE_TOPIC,
        "startDate": local(day, 0).isoformat(), "lookForwardTime": "7.00:00:00"}).json()
    expected = Counter((slot["employeeId"], datetime.fromisoformat(slot["startDate"]).astimezone(COPENHAGEN)
                        .date().isoformat()) for slot in offered)
    for employee in report["employees"]:
        for found in employee["days"]:
            assert found["slots"] == expected[employee["employeeId"], found["date"]], (employee, found)
    assert report["totals"]["slots"] == len(offered) > 0


def test_the_report_as_csv_has_a_header_and_a_row_per_employee_and_day_and_defuses_formulas(api, day):
    amy = new_advisor(api)
    assert api.put(f"/employees/{amy}", json={"name": "=HYPERLINK(\"http://x.example\";\"Søren\")",
                                              "email": f"a{amy[:8]}@bank.example"}).status_code == 200
    params = {"employeeIds": amy, "from": day.date().isoformat(), "to": (day + timedelta(days=1)).date().isoformat(),
              "groupBy": "Employee"}
    response = api.get("/reports/capacity", params=params, headers={"Accept": "text/csv"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv") and "charset=utf-8" in response.headers[
        "content-type"]
    assert response.content.decode("utf-8").count("\r\n") == 3
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
    assert [row["date"] for row in rows] == [params["from"], params["to"]]
    assert rows[0]["employeeName"] == "'=HYPERLINK(\"http://x.example\";\"Søren\")"
    as_json = api.get("/reports/capacity", params=params).json()
    assert [float(row["scheduledMinutes"]) for row in rows] == [d["scheduledMinutes"] for d in
                                                                 as_json["employees"][0]["days"]]


def test_a_customers_booking_counts_toward_the_service_level_of_its_advisors_group(api, day):
    amy = new_advisor(api)
    group = service_group(api, amy, serviceLevel={"maxResponseTime": "30.00:00:00", "targetPercentage": 90})
    booked = api.post("/meetings", json=meeting(amy, local(day, 11), bookedBy="Customer"))
    assert booked.status_code == 201, booked.text
    today = datetime.now(UTC).date().isoformat()
    response = api.get("/reports/service-level", params={"serviceGroupId": group, "from": today, "to": today})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["serviceLevel"]["targetPercentage"] == 90
    assert report["measured"]["bookings"] == 1 and report["measured"]["meetsTarget"] is True
    assert report["firstFreeSlot"]["employeeId"] == amy


@pytest.mark.parametrize(("params", "field"), [
    ({}, "serviceGroupId"),
    ({"competenceGroupId": MORTGAGE_GROUP, "to": "2031-06-01"}, "to"),
    ({"competenceGroupId": MORTGAGE_GROUP, "to": "2030-12-31"}, "to"),
    ({"competenceGroupId": MORTGAGE_GROUP, "from": "monday"}, "from"),
    ({"competenceGroupId": "not-a-uuid"}, "competenceGroupId"),
])
def test_a_report_that_cannot_be_made_is_a_400_that_names_what_to_send(api, params, field):
    response = api.get("/reports/capacity", params={"from": "2031-01-01", "to": "2031-01-07", **params})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in response.json()["errors"]


def test_reports_need_the_config_role_and_are_v3_only(reader, config_api, api_v2):
    params = {"competenceGroupId": MORTGAGE_GROUP, "from": "2031-01-06", "to": "2031-01-06"}
    assert reader.get("/reports/capacity", params=params).status_code == 403
    assert reader.get("/reports/service-level", params=params).status_code == 403
    assert config_api.get("/reports/capacity", params=params).status_code == 200
    assert api_v2.get("/reports/capacity", params=params).status_code == 404
    assert api_v2.get("/reports").status_code == 404
