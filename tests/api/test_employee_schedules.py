"""Employee schedules over HTTP (V3 only): one per employee, validation, JSON Patch, actual locations."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from shared.demo import bank

BASE = "/bookme/config/employee-schedules"


def new_employee(api) -> str:
    employee_id = str(uuid.uuid4())
    response = api.put(f"/employees/{employee_id}", json={"name": "Test Rådgiver", "location": "CPH-HQ"})
    assert response.status_code == 201
    return employee_id


def workday(day: str = "Monday", start: str = "08:00:00", end: str = "16:00:00", types=("Physical", "Online"),
            location: str | None = "CPH-HQ") -> dict:
    return {"isAvailable": True, "dayOfWeek": day, "from": start, "to": end,
            "availableMeetingTypes": [{"type": t} for t in types], "location": location}


def create(api, **fields) -> dict:
    body = {"employeeId": fields.pop("employeeId", None) or new_employee(api),
            "workdays": [workday("Tuesday"), workday("monday")], **fields}
    response = api.post(BASE, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_every_demo_advisor_has_a_schedule(api):
    schedules = api.get(BASE).json()
    assert {e.id for e in bank.EMPLOYEES} <= {s["employeeId"] for s in schedules}


def test_the_list_filters_by_employee(api):
    mette, lars = bank.employee_named("Mette Nielsen"), bank.employee_named("Lars Jensen")
    found = api.get(BASE, params={"employeeId": [mette.id, lars.id]}).json()
    assert sorted(s["employeeId"] for s in found) == sorted([mette.id, lars.id])


def test_admin_creates_a_schedule_with_defaults_and_week_ordered_workdays(api):
    employee_id = new_employee(api)
    client_id = str(uuid.uuid4())
    response = api.post(BASE, json={"id": client_id, "employeeId": employee_id,
                                    "workdays": [workday("friday", "08:00:00", "12:00:00", ["telephone"]),
                                                 workday("MONDAY", "09:00", "17:00:00")]})
    assert response.status_code == 201
    assert response.headers["ETag"]
    body = response.json()
    assert body["id"] != client_id
    assert body["isOnlyExplicitlyAvailable"] is False
    assert body["canBeBooked"] is True
    assert body["maxMeetingTimePerDay"] is None
    assert [w["dayOfWeek"] for w in body["workdays"]] == ["Monday", "Friday"]
    assert body["workdays"][0]["from"] == "09:00:00"
    assert body["workdays"][1]["availableMeetingTypes"] == [{"type": "Telephone"}]
    fetched = api.get(f"{BASE}/{body['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == body


def test_a_second_schedule_for_the_same_employee_is_409(api):
    first = create(api)
    again = api.post(BASE, json={"employeeId": first["employeeId"], "workdays": []})
    assert again.status_code == 409
    assert again.headers["Content-Type"].startswith("application/problem+json")


def test_racing_creates_for_one_employee_give_exactly_one_201(api):
    employee_id = new_employee(api)
    body = {"employeeId": employee_id, "workdays": [workday()]}
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(r.status_code for r in pool.map(lambda _: api.post(BASE, json=body), range(6)))
    assert statuses == [201, 409, 409, 409, 409, 409]
    assert len(api.get(BASE, params={"employeeId": employee_id}).json()) == 1


def test_an_unknown_employee_is_400(api):
    response = api.post(BASE, json={"employeeId": str(uuid.uuid4()), "workdays": [workday()]})
    assert response.status_code == 400
    assert "employeeId" in response.json()["errors"]


@pytest.mark.parametrize("change, field", [
    ({"workdays": [workday("Monday"), workday("monday", "17:00:00", "18:00:00")]}, "workdays.1.dayOfWeek"),
    ({"workdays": [workday("Monday", "16:00:00", "08:00:00")]}, "workdays.0.to"),
    ({"workdays": [workday("Monday", types=["Physical", "Carrier pigeon"])]},
     "workdays.0.availableMeetingTypes.1.type"),
    ({"workdays": [workday("Someday")]}, "workdays.0.dayOfWeek"),
    ({"workdays": [workday("Monday", "8 am")]}, "workdays.0.from"),
    ({"workdays": [{**workday(), "from": 28800}]}, "workdays.0.from"),
    ({"workdays": [{"dayOfWeek": "Monday", "to": "16:00:00"}]}, "workdays.0.from"),
    ({"workdays": {"Monday": "08:00-16:00"}}, "workdays"),
    ({"canBeBooked": "perhaps"}, "canBeBooked"),
    ({"maxMeetingTimePerDay": "four hours"}, "maxMeetingTimePerDay"),
    ({"maxMeetingTimePerDay": "00:00:00"}, "maxMeetingTimePerDay"),
    ({"employeeId": "not-a-uuid"}, "employeeId"),
    ({"employeeId": None}, "employeeId"),
])
def test_invalid_schedules_are_400_naming_the_field(api, change, field):
    body = {"employeeId": new_employee(api), "workdays": [workday()], **change}
    response = api.post(BASE, json=body)
    assert response.status_code == 400, response.text
    assert field in response.json()["errors"], response.json()


def test_a_missing_body_is_400(api):
    assert api.post(BASE).status_code == 400


def test_creating_and_deleting_needs_admin(config_api, reader, api):
    employee_id = new_employee(api)
    body = {"employeeId": employee_id, "workdays": [workday()]}
    assert config_api.post(BASE, json=body).status_code == 403
    assert reader.post(BASE, json=body).status_code == 403
    created = create(api)
    assert config_api.delete(f"{BASE}/{created['id']}").status_code == 403
    assert reader.delete(f"{BASE}/{created['id']}").status_code == 403
    assert api.get(f"{BASE}/{created['id']}").status_code == 200


def test_config_patches_a_schedule(config_api, api):
    created = create(api)
    response = config_api.patch(f"{BASE}/{created['id']}", json=[
        {"op": "replace", "path": "/canBeBooked", "value": False},
        {"op": "replace", "path": "/maxMeetingTimePerDay", "value": "06:00:00"},
        {"op": "add", "path": "/workdays/-", "value": workday("Wednesday", "10:00:00", "14:00:00", ["Offsite"])}])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["canBeBooked"] is False
    assert body["maxMeetingTimePerDay"] == "06:00:00"
    assert [w["dayOfWeek"] for w in body["workdays"]] == ["Monday", "Tuesday", "Wednesday"]


def test_readers_may_read_but_not_patch(reader, api):
    created = create(api)
    assert reader.get(f"{BASE}/{created['id']}").status_code == 200
    assert reader.get(f"{BASE}/{created['id']}/actual").status_code == 200
    assert reader.patch(f"{BASE}/{created['id']}", json=[
        {"op": "replace", "path": "/canBeBooked", "value": False}]).status_code == 403


@pytest.mark.parametrize("operations", [
    [{"op": "replace", "path": "/id", "value": str(uuid.uuid4())}],
    [{"op": "replace", "path": "/employeeId", "value": str(uuid.uuid4())}],
    [{"op": "remove", "path": "/employeeId"}],
    [{"op": "add", "path": "/workdays/-", "value": workday("MONDAY")}],
    [{"op": "replace", "path": "/workdays/0/to", "value": "07:00:00"}],
    [{"op": "replace", "path": "/workdays/0/dayOfWeek", "value": "Tuesday"}],
    [{"op": "replace", "path": "/workdays/0/availableMeetingTypes/0/type", "value": "Hologram"}],
    [{"op": "replace", "path": "/maxMeetingTimePerDay", "value": "2.00:00:00"}],
    [{"op": "replace", "path": "/canBeBooked", "value": "perhaps"}],
    [{"op": "replace", "path": "/workdays/9/to", "value": "17:00:00"}],
    [{"op": "replace", "path": "/canBeBooked"}],
    {"op": "replace", "path": "/canBeBooked", "value": False},
])
def test_invalid_patches_are_400_and_change_nothing(api, operations):
    created = create(api)
    response = api.patch(f"{BASE}/{created['id']}", json=operations)
    assert response.status_code == 400, response.text
    assert api.get(f"{BASE}/{created['id']}").json() == created


def test_a_failed_patch_test_is_409(api):
    created = create(api)
    response = api.patch(f"{BASE}/{created['id']}", json=[
        {"op": "test", "path": "/canBeBooked", "value": False},
        {"op": "replace", "path": "/maxMeetingTimePerDay", "value": "01:00:00"}])
    assert response.status_code == 409


def test_a_stale_if_match_is_412(api):
    response = api.post(BASE, json={"employeeId": new_employee(api), "workdays": [workday()]})
    etag, id = response.headers["ETag"], response.json()["id"]
    assert api.patch(f"{BASE}/{id}", headers={"If-Match": etag}, json=[
        {"op": "replace", "path": "/isOnlyExplicitlyAvailable", "value": True}]).status_code == 200
    assert api.patch(f"{BASE}/{id}", headers={"If-Match": etag}, json=[
        {"op": "replace", "path": "/canBeBooked", "value": False}]).status_code == 412
    assert api.delete(f"{BASE}/{id}", headers={"If-Match": etag}).status_code == 412
    assert api.get(f"{BASE}/{id}").json()["isOnlyExplicitlyAvailable"] is True


def test_delete_frees_the_employee_for_a_new_schedule(api):
    created = create(api)
    response = api.delete(f"{BASE}/{created['id']}")
    assert response.status_code == 204
    assert api.get(f"{BASE}/{created['id']}").status_code == 404
    assert api.delete(f"{BASE}/{created['id']}").status_code == 404
    create(api, employeeId=created["employeeId"])


def new_location(api, display_name: str) -> dict:
    identifier = f"ACT-{uuid.uuid4().hex[:6].upper()}"
    response = api.post("/bookme/config/locations", json={"location": identifier, "displayName": display_name,
                                                          "requireAvailableRoom": True})
    assert response.status_code == 201, response.text
    return response.json()


def test_actual_resolves_each_workday_location_case_insensitively(api):
    location = new_location(api, "Roskilde")
    created = create(api, workdays=[workday("Monday", location=location["location"].lower())])
    response = api.get(f"{BASE}/{created['id']}/actual")
    assert response.status_code == 200
    assert response.headers["ETag"]
    [monday] = response.json()["workdays"]
    assert monday["location"] == location
    assert monday["from"] == "08:00:00"
    assert response.json()["employeeId"] == created["employeeId"]


def test_actual_keeps_a_location_no_location_matches_as_text(api):
    created = create(api, workdays=[workday("Tuesday", location="Somewhere unknown")])
    [tuesday] = api.get(f"{BASE}/{created['id']}/actual").json()["workdays"]
    assert tuesday["location"] == {"id": None, "location": "Somewhere unknown", "displayName": "Somewhere unknown",
                                   "addRoomsToBookedMeetings": False, "requireAvailableRoom": False}


def test_actual_falls_back_to_the_employees_directory_location(api):
    location = new_location(api, "Hillerød")
    employee_id = str(uuid.uuid4())
    assert api.put(f"/employees/{employee_id}", json={"name": "Test Rådgiver", "location": location["location"]}
                   ).status_code == 201
    created = create(api, employeeId=employee_id, workdays=[workday("Wednesday", location=None)])
    [wednesday] = api.get(f"{BASE}/{created['id']}/actual").json()["workdays"]
    assert wednesday["location"] == location

    unplaced = str(uuid.uuid4())
    assert api.put(f"/employees/{unplaced}", json={"name": "Test Rådgiver", "location": "Hjemme"}).status_code == 201
    created = create(api, employeeId=unplaced, workdays=[workday("Wednesday", location=None)])
    [wednesday] = api.get(f"{BASE}/{created['id']}/actual").json()["workdays"]
    assert wednesday["location"]["id"] is None and wednesday["location"]["location"] == "Hjemme"


def test_actual_shows_the_demo_advisor_working_in_another_branch_on_wednesdays(api):
    thomas = bank.employee_named("Thomas Madsen")
    schedule = api.get(BASE, params={"employeeId": thomas.id}).json()[0]
    days = {w["dayOfWeek"]: w for w in api.get(f"{BASE}/{schedule['id']}/actual").json()["workdays"]}
    assert days["Wednesday"]["location"]["location"] == "ODE"
    assert days["Monday"]["location"]["location"] == "AAR"


def test_unknown_and_malformed_ids_are_404(api):
    unknown = str(uuid.uuid4())
    assert api.get(f"{BASE}/{unknown}").status_code == 404
    assert api.get(f"{BASE}/{unknown}/actual").status_code == 404
    assert api.patch(f"{BASE}/{unknown}", json=[{"op": "replace", "path": "/canBeBooked", "value": False}]
                     ).status_code == 404
    assert api.delete(f"{BASE}/{unknown}").status_code == 404
    assert api.get(f"{BASE}/12345").status_code == 404


def test_schedules_do_not_exist_under_v2(api_v2, api):
    created = create(api)
    assert api_v2.get(BASE).status_code == 404
    assert api_v2.get(f"{BASE}/{created['id']}").status_code == 404
    assert api_v2.post(BASE, json={"employeeId": created["employeeId"]}).status_code == 404


async def test_schedules_for_returns_the_schedules_of_the_given_employees(ctx):
    from shared.services.schedules import schedule_of, schedules_for

    mette, ida = bank.employee_named("Mette Nielsen"), bank.employee_named("Ida Larsen")
    found = await schedules_for(ctx, [mette.id, ida.id, str(uuid.uuid4())])
    assert sorted(s.employee_id for s in found) == sorted([mette.id, ida.id])
    assert await schedules_for(ctx, []) == []
    assert len(await schedules_for(ctx, None)) >= len(bank.EMPLOYEES)
    ida_schedule = await schedule_of(ctx, ida.id)
    assert ida_schedule is not None and ida_schedule.max_meeting_time_per_day.total_seconds() == 4 * 3600


async def test_reloading_the_demo_configuration_duplicates_nothing(ctx):
    from shared.demo.config_schedules import LOCATIONS, SCHEDULES, load_config_and_schedules
    from shared.services.locations import list_locations
    from shared.services.organization import current_settings
    from shared.services.schedules import list_schedules

    before = (await current_settings(ctx)).item.closing_days
    await load_config_and_schedules(ctx)
    await load_config_and_schedules(ctx)
    assert (await current_settings(ctx)).item.closing_days == before
    demo_employees = {s.employee_id for s in SCHEDULES}
    schedules = [v.item for v in await list_schedules(ctx) if v.item.employee_id in demo_employees]
    assert len(schedules) == len(SCHEDULES)
    identifiers = [v.item.location for v in await list_locations(ctx)]
    assert all(identifiers.count(loc.location) == 1 for loc in LOCATIONS)
