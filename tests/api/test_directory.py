"""Employees, rooms, meeting topics and customer types over real HTTP, V2 and V3."""

import uuid

import pytest

from shared.demo import bank


@pytest.mark.parametrize("version_client", ["api", "api_v2"])
def test_lists_the_demo_banks_advisors_in_both_versions(request, version_client):
    client = request.getfixturevalue(version_client)
    response = client.get("/employees")
    assert response.status_code == 200
    names = {e["name"] for e in response.json()}
    assert {e.name for e in bank.EMPLOYEES} <= names


def test_gets_one_employee_with_an_etag(api):
    employee = bank.employee_named("Mette Nielsen")
    response = api.get(f"/employees/{employee.id}")
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('"')
    assert response.json()["email"] == employee.email


def test_admin_upserts_and_deletes_an_employee(api):
    employee_id = str(uuid.uuid4())
    body = {"name": "Karen Blixen", "email": "karen@nordhavnbank.example", "title": "Rådgiver",
            "location": "CPH-HQ", "isActive": True}
    created = api.put(f"/employees/{employee_id}", json=body)
    assert created.status_code == 201
    assert created.json()["id"] == employee_id
    updated = api.put(f"/employees/{employee_id}", json={**body, "title": "Seniorrådgiver"},
                      headers={"If-Match": created.headers["ETag"]})
    assert updated.status_code == 200
    assert updated.json()["title"] == "Seniorrådgiver"
    stale = api.put(f"/employees/{employee_id}", json=body, headers={"If-Match": created.headers["ETag"]})
    assert stale.status_code == 412
    assert api.delete(f"/employees/{employee_id}").status_code == 204
    assert api.get(f"/employees/{employee_id}").status_code == 404


def test_room_available_means_active(api):
    room_id = str(uuid.uuid4())
    response = api.put(f"/rooms/{room_id}", json={"name": "Kælderen", "capacity": 2, "location": "ODE",
                                                  "isActive": False})
    assert response.status_code == 201
    assert response.json()["available"] is False
    assert api.get(f"/rooms/{room_id}").json()["available"] is False
    listed = {r["id"]: r for r in api.get("/rooms").json()}
    assert listed[room_id]["capacity"] == 2


def test_meeting_topics_require_is_customer(api):
    response = api.get("/meeting-topics")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "isCustomer" in response.json()["errors"]


def test_customers_see_only_topics_open_to_customers(api):
    for_customers = {t["name"] for t in api.get("/meeting-topics", params={"isCustomer": "true"}).json()}
    for_employees = {t["name"] for t in api.get("/meeting-topics", params={"isCustomer": "false"}).json()}
    assert "Kreditgennemgang" not in for_customers
    assert "Kreditgennemgang" in for_employees


def test_topics_for_a_customer_type_include_those_listing_none(api):
    business = next(c for c in bank.CUSTOMER_TYPES if c.name == "Erhverv")
    names = {t["name"] for t in api.get("/meeting-topics", params={"isCustomer": "true",
                                                                    "customerTypeId": business.id}).json()}
    assert names == {"Erhvervslån", "Investering", "Dagligbank"}


def test_topic_crud_checks_customer_types(api):
    bad = api.post("/meeting-topics", json={"name": "Skat", "customerTypeIds": [str(uuid.uuid4())]})
    assert bad.status_code == 400
    created = api.post("/meeting-topics", json={"name": "Skat", "meetingDuration": "PT45M"})
    assert created.status_code == 201
    topic = created.json()
    assert topic["meetingDuration"] == "00:45:00"
    replaced = api.put(f"/meeting-topics/{topic['id']}", json={"name": "Skat og arv", "meetingDuration": "01:00:00"})
    assert replaced.status_code == 200 and replaced.json()["name"] == "Skat og arv"
    assert api.delete(f"/meeting-topics/{topic['id']}").status_code == 204
    assert api.get(f"/meeting-topics/{topic['id']}").status_code == 404


def test_customer_type_names_are_unique_ignoring_case(api):
    first = api.post("/config/customer-types", json={"name": "Landbrug"})
    assert first.status_code == 201
    assert api.post("/config/customer-types", json={"name": "LANDBRUG"}).status_code == 409
    renamed = api.put(f"/config/customer-types/{first.json()['id']}", json={"name": "Landbrug og skov"})
    assert renamed.status_code == 200
    assert api.post("/config/customer-types", json={"name": "landbrug"}).status_code == 201


def test_customer_types_are_served_in_v2(api_v2):
    names = {c["name"] for c in api_v2.get("/config/customer-types").json()}
    assert {"Privat", "Erhverv"} <= names
