"""GET /meetings/{id}/history over real HTTP (contract section 15)."""

import uuid
from datetime import datetime, timedelta

import httpx
import jsonpatch

from shared.models.common import format_utc as iso
from tests.utils.http_builders import book, new_day, new_employee, new_portal, times
from tests.utils.tokens import bearer_with_claims

ADVISOR_SUB = "local-developer"  # the `sub` of the test tokens


def history(api, id: str) -> list[dict]:
    response = api.get(f"/meetings/{id}/history")
    assert response.status_code == 200, response.text
    return response.json()


def test_every_change_is_recorded_oldest_first_and_stays_after_cancellation(api):
    employee_id, _ = new_employee(api)
    colleague_id, _ = new_employee(api)
    start = new_day() + timedelta(hours=9)
    meeting = book(api, employee_id, start, title="Pension")
    id = meeting["id"]
    assert api.patch(f"/meetings/{id}", json=[{"op": "replace", "path": "/title", "value": "Pension 2"}]).is_success
    assert api.patch(f"/meetings/{id}", json=[{"op": "replace", "path": "/startDate",
                                               "value": iso(start + timedelta(hours=1))},
                                              {"op": "replace", "path": "/endDate",
                                               "value": iso(start + timedelta(hours=2))}]).is_success
    assert api.patch(f"/meetings/{id}", json=[{"op": "replace", "path": "/employeeId",
                                               "value": colleague_id}]).is_success
    assert api.delete(f"/meetings/{id}").status_code == 204
    assert api.get(f"/meetings/{id}").status_code == 404

    records = history(api, id)
    assert [r["action"] for r in records] == ["Created", "Updated", "Rescheduled", "Rescheduled", "Cancelled"]
    assert {r["actor"] for r in records} == {ADVISOR_SUB}
    instants = [datetime.fromisoformat(r["at"].replace("Z", "+00:00")) for r in records]
    assert instants == sorted(instants) and all(r["at"].endswith("Z") for r in records)
    assert {"op": "replace", "path": "/title", "value": "Pension 2"} in records[1]["changes"]
    assert {"op": "replace", "path": "/startDate", "value": iso(start + timedelta(hours=1))} in records[2]["changes"]
    assert {"op": "replace", "path": "/employeeId", "value": colleague_id} in records[3]["changes"]


def test_the_changes_rebuild_each_state_of_the_meeting(api):
    employee_id, _ = new_employee(api)
    meeting = book(api, employee_id, new_day() + timedelta(hours=9), title="A", description="first")
    patched = api.patch(f"/meetings/{meeting['id']}", json=[{"op": "replace", "path": "/description",
                                                             "value": "second"}]).json()
    created, updated = history(api, meeting["id"])
    rebuilt = jsonpatch.apply_patch({}, created["changes"])
    assert rebuilt == {**meeting, "cpr": None}
    assert jsonpatch.apply_patch(rebuilt, updated["changes"]) == {**patched, "cpr": None}


def test_personal_values_are_masked_in_every_record(api):
    employee_id, _ = new_employee(api)
    portal = new_portal(api, fields=[{"name": "phone", "type": "Phone"}])
    guest = f"guest-{uuid.uuid4().hex[:8]}@example.com"
    meeting = book(api, employee_id, new_day() + timedelta(hours=9), bookedBy="PortalPartner",
                   portalId=portal["id"], cpr="311299-9876", customFields=[{"key": "phone", "value": "+4512345678"}],
                   externalAttendees=[{"name": "Gæst", "email": guest}])
    assert api.patch(f"/meetings/{meeting['id']}", json=[
        {"op": "replace", "path": "/cpr", "value": "010101-1234"},
        {"op": "replace", "path": "/customFields/0/value", "value": "+4587654321"},
        {"op": "add", "path": "/externalAttendees/-", "value": {"name": "To", "email": "two@example.com"}},
    ]).is_success
    records = history(api, meeting["id"])
    text = str(records)
    for secret in ("311299", "010101", "+4512345678", "+4587654321", guest, "two@example.com"):
        assert secret not in text
    created = {op["path"]: op["value"] for op in records[0]["changes"]}
    assert created["/cpr"] == "***"
    assert created["/customFields"] == [{"key": "phone", "value": "***"}]
    assert created["/externalAttendees"] == [{"name": "Gæst", "email": "***"}]
    updated = records[1]["changes"]
    assert {"op": "replace", "path": "/cpr", "value": "***"} in updated
    assert {"op": "replace", "path": "/customFields/0/value", "value": "***"} in updated
    assert {"op": "add", "path": "/externalAttendees/1", "value": {"name": "To", "email": "***"}} in updated


def test_a_move_to_another_day_carries_the_history(api):
    employee_id, _ = new_employee(api)
    meeting = book(api, employee_id, new_day() + timedelta(hours=9))
    later = new_day() + timedelta(hours=10)
    moved = api.patch(f"/meetings/{meeting['id']}", json=[
        {"op": "replace", "path": "/startDate", "value": times(later)["startDate"]},
        {"op": "replace", "path": "/endDate", "value": times(later)["endDate"]}])
    assert moved.status_code == 200, moved.text
    assert [r["action"] for r in history(api, meeting["id"])] == ["Created", "Rescheduled"]


def test_the_actor_is_the_tokens_oid_when_it_has_one(stack, api):
    employee_id, _ = new_employee(api)
    oid = str(uuid.uuid4())
    headers = bearer_with_claims(stack.key_file, ["BookMe.Admin"], oid=oid)
    with httpx.Client(base_url=f"{stack.base_url}/v3/bookme", headers=headers, timeout=30) as with_oid:
        meeting = book(with_oid, employee_id, new_day() + timedelta(hours=9))
        assert with_oid.delete(f"/meetings/{meeting['id']}").status_code == 204
    assert [r["actor"] for r in history(api, meeting["id"])] == [oid, oid]


def test_history_needs_the_admin_role_exists_only_in_v3_and_only_for_meetings(api, api_v2, config_api, reader):
    employee_id, _ = new_employee(api)
    meeting = book(api, employee_id, new_day() + timedelta(hours=9))
    assert config_api.get(f"/meetings/{meeting['id']}/history").status_code == 403
    assert reader.get(f"/meetings/{meeting['id']}/history").status_code == 403
    assert api_v2.get(f"/meetings/{meeting['id']}/history").status_code == 404
    assert api.get(f"/meetings/{uuid.uuid4()}/history").status_code == 404
    assert api.get("/meetings/not-a-uuid/history").status_code == 404


def test_a_cancelled_meeting_is_neither_listed_nor_blocking(api):
    employee_id, _ = new_employee(api)
    start = new_day() + timedelta(hours=9)
    meeting = book(api, employee_id, start)
    assert api.delete(f"/meetings/{meeting['id']}").status_code == 204
    assert meeting["id"] not in [m["id"] for m in api.get("/meetings", params={"employeeId": employee_id}).json()]
    assert book(api, employee_id, start)["id"] != meeting["id"]
    assert api.delete(f"/meetings/{meeting['id']}").status_code == 404
