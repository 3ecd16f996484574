"""DELETE /customers/{customerId}/personal-data and personalDataRetention over real HTTP (section 16)."""

import uuid
from datetime import timedelta
from urllib.parse import quote

import pytest

from tests.utils.http_builders import book, new_day, new_employee, new_portal

SETTINGS = "/bookme/config/organization-settings"


def personal_booking(api, employee_id, start, customer_id, portal_id, **fields) -> dict:
    return book(api, employee_id, start, bookedBy="PortalPartner", portalId=portal_id, customerId=customer_id,
                cpr="311299-9876", customFields=[{"key": "phone", "value": "+4512345678"}],
                externalAttendees=[{"name": "Gæst", "email": f"g-{uuid.uuid4().hex[:6]}@example.com"}],
                description="Talk about the loan", videoLink="https://meet.example/x", **fields)


def erase(api, customer_id: str):
    return api.delete(f"/customers/{quote(customer_id, safe='')}/personal-data")


@pytest.fixture
def portal(api) -> dict:
    return new_portal(api, fields=[{"name": "phone", "type": "Phone"}])


def test_every_meeting_of_the_customer_is_erased_and_stays_booked(api, portal):
    employee_id, _ = new_employee(api)
    customer = f"KUNDE {uuid.uuid4().hex[:6]} ÆØÅ"  # free text, not a UUID
    first, second = new_day() + timedelta(hours=9), new_day() + timedelta(hours=13)
    mine = [personal_booking(api, employee_id, first, customer, portal["id"]),
            personal_booking(api, employee_id, second, customer, portal["id"])]
    other = personal_booking(api, employee_id, first + timedelta(hours=2), "someone else", portal["id"])

    response = erase(api, customer)
    assert response.status_code == 200, response.text
    assert response.json() == {"meetingsErased": 2}
    for meeting in mine:
        erased = api.get(f"/meetings/{meeting['id']}").json()
        assert erased["cpr"] is None
        assert erased["customFields"] == [] and erased["externalAttendees"] == []
        assert not erased["description"] and not erased["videoLink"]
        assert (erased["startDate"], erased["employeeId"], erased["title"]) == (
            meeting["startDate"], meeting["employeeId"], meeting["title"])
    # Still booked: the time stays taken.
    conflict = api.post("/meetings", json={"bookedBy": "Employee", "salesforceId": "sf", "employeeId": employee_id,
                                           "customerId": "c", "type": "Online", "startDate": mine[0]["startDate"],
                                           "endDate": mine[0]["endDate"]})
    assert conflict.status_code == 409
    untouched = api.get(f"/meetings/{other['id']}").json()
    assert untouched["cpr"] == "311299-9876" and untouched["description"] == "Talk about the loan"


def test_the_erasure_is_recorded_as_an_update_by_the_caller_and_the_history_keeps_no_erased_value(api, portal):
    employee_id, _ = new_employee(api)
    customer = f"cust-{uuid.uuid4().hex[:8]}"
    meeting = personal_booking(api, employee_id, new_day() + timedelta(hours=9), customer, portal["id"])
    assert erase(api, customer).json() == {"meetingsErased": 1}
    records = api.get(f"/meetings/{meeting['id']}/history").json()
    assert [r["action"] for r in records] == ["Created", "Updated"]
    assert records[-1]["actor"] == "local-developer"
    assert {"op": "replace", "path": "/cpr", "value": None} in records[-1]["changes"]
    assert "Talk about the loan" not in str(records) and "meet.example" not in str(records)


def test_erasing_again_changes_nothing(api, portal):
    employee_id, _ = new_employee(api)
    customer = f"cust-{uuid.uuid4().hex[:8]}"
    meeting = personal_booking(api, employee_id, new_day() + timedelta(hours=9), customer, portal["id"])
    assert erase(api, customer).json() == {"meetingsErased": 1}
    etag = api.get(f"/meetings/{meeting['id']}").headers["ETag"]
    again = erase(api, customer)
    assert again.status_code == 200 and again.json() == {"meetingsErased": 0}
    assert api.get(f"/meetings/{meeting['id']}").headers["ETag"] == etag
    assert len(api.get(f"/meetings/{meeting['id']}/history").json()) == 2
    assert erase(api, f"nobody-{uuid.uuid4()}").json() == {"meetingsErased": 0}


def test_a_cancelled_meetings_history_is_erased_too(api, portal):
    employee_id, _ = new_employee(api)
    customer = f"cust-{uuid.uuid4().hex[:8]}"
    meeting = personal_booking(api, employee_id, new_day() + timedelta(hours=9), customer, portal["id"])
    assert api.delete(f"/meetings/{meeting['id']}").status_code == 204
    assert "Talk about the loan" in str(api.get(f"/meetings/{meeting['id']}/history").json())
    assert erase(api, customer).status_code == 200
    records = api.get(f"/meetings/{meeting['id']}/history").json()
    assert [r["action"] for r in records] == ["Created", "Cancelled", "Updated"]
    assert "Talk about the loan" not in str(records) and "meet.example" not in str(records)


def test_erasure_needs_the_admin_role_and_exists_only_in_v3(api, api_v2, config_api, reader, portal):
    employee_id, _ = new_employee(api)
    customer = f"cust-{uuid.uuid4().hex[:8]}"
    meeting = personal_booking(api, employee_id, new_day() + timedelta(hours=9), customer, portal["id"])
    assert erase(config_api, customer).status_code == 403
    assert erase(reader, customer).status_code == 403
    assert erase(api_v2, customer).status_code == 404
    assert api.get(f"/meetings/{meeting['id']}").json()["cpr"] == "311299-9876"


def test_personal_data_retention_is_an_organization_setting(api):
    settings = api.get(SETTINGS).json()
    assert settings["personalDataRetention"] == "365.00:00:00"
    patched = api.patch(f"{SETTINGS}/{settings['id']}", json=[
        {"op": "replace", "path": "/personalDataRetention", "value": "30.00:00:00"}])
    try:
        assert patched.status_code == 200 and patched.json()["personalDataRetention"] == "30.00:00:00"
        assert api.patch(f"{SETTINGS}/{settings['id']}", json=[
            {"op": "replace", "path": "/personalDataRetention", "value": "00:00:00"}]).status_code == 400
        assert api.patch(f"{SETTINGS}/{settings['id']}", json=[
            {"op": "replace", "path": "/personalDataRetention", "value": "P7D"}]).json()[
            "personalDataRetention"] == "7.00:00:00"
    finally:
        api.patch(f"{SETTINGS}/{settings['id']}", json=[
            {"op": "replace", "path": "/personalDataRetention", "value": "365.00:00:00"}])


def test_a_replay_of_a_kept_answer_after_the_erasure_answers_the_erased_meeting(api, portal):
    employee_id, _ = new_employee(api)
    customer = f"cust-{uuid.uuid4().hex[:8]}"
    body = {"bookedBy": "PortalPartner", "portalId": portal["id"], "salesforceId": "sf", "employeeId": employee_id,
            "customerId": customer, "type": "Online", "cpr": "311299-9876", "description": "Talk about the loan",
            "customFields": [{"key": "phone", "value": "+4512345678"}],
            "startDate": (new_day() + timedelta(hours=9)).isoformat(),
            "endDate": (new_day() + timedelta(hours=10)).isoformat()}
    body["endDate"] = body["startDate"].replace("T09", "T10")
    key = {"Idempotency-Key": f"replay-{uuid.uuid4().hex}"}
    first = api.post("/meetings", json=body, headers=key)
    assert first.status_code == 201, first.text
    assert erase(api, customer).json() == {"meetingsErased": 1}
    replay = api.post("/meetings", json=body, headers=key)
    assert replay.status_code == 201 and replay.headers["Idempotency-Replayed"] == "true"
    answered = replay.json()
    assert answered["cpr"] is None and answered["customFields"] == [] and not answered["description"]
    assert replay.headers["ETag"] == api.get(f"/meetings/{answered['id']}").headers["ETag"] != first.headers["ETag"]
