"""/meetings over real HTTP: create, read, list, patch, cancel, and every error status."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shared.demo import bank
from shared.models.common import format_utc as iso

_days = itertools.count()
METTE = bank.employee_named("Mette Nielsen").id
LARS = bank.employee_named("Lars Jensen").id
SOFIE = bank.employee_named("Sofie Hansen").id
NYHAVN = next(r.id for r in bank.ROOMS if r.name == "Nyhavn")
MORTGAGE = next(t.id for t in bank.TOPICS if t.name == "Boliglån")
PRIVATE = next(c.id for c in bank.CUSTOMER_TYPES if c.name == "Privat")


def new_day() -> datetime:
    return datetime(2041, 1, 2, tzinfo=UTC) + timedelta(days=next(_days))



def times(day: datetime, start_hour: float, hours: float = 1) -> dict:
    start = day + timedelta(hours=start_hour)
    return {"startDate": iso(start), "endDate": iso(start + timedelta(hours=hours))}


def meeting_body(day: datetime, start_hour: float = 9, **fields) -> dict:
    # Employee bookings: the customer-only rule (contract section 20) has tests of its own.
    return {"bookedBy": "Employee", "salesforceId": "sf-42", "employeeId": METTE, "customerId": "cust-7",
            "type": "Physical", **times(day, start_hour), **fields}


def reserve(client, day: datetime, start_hour: float, **fields) -> dict:
    response = client.post("/time-slots/reserve", json={
        "timeSlot": {**times(day, start_hour), "status": "Reserved", "employeeId": METTE, **fields},
        "token": str(uuid.uuid4()), "isCustomerInitiated": False})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_meeting_is_booked_with_explicit_times(api):
    day = new_day()
    body = meeting_body(day, title="Boliglån", description="Første møde", roomId=NYHAVN, topicId=MORTGAGE,
                        customerTypeId=PRIVATE, additionalEmployees=[LARS], bookedBy="employee", type="physical",
                        videoLink="https://meet.example/abc", id=str(uuid.uuid4()))
    response = api.post("/meetings", json=body)
    assert response.status_code == 201, response.text
    meeting = response.json()
    assert meeting["id"] != body["id"], "a client-sent id is ignored"
    assert meeting["bookedBy"] == "Employee" and meeting["type"] == "Physical"
    assert meeting["startDate"] == body["startDate"] and meeting["endDate"] == body["endDate"]
    assert meeting["additionalEmployees"] == [LARS] and meeting["roomId"] == NYHAVN
    assert meeting["timeSlotId"] is None
    assert meeting["dateCreated"].endswith("Z") and meeting["dateModified"] == meeting["dateCreated"]
    assert response.headers["ETag"]
    for field in ("salesforceId", "customerTypeId", "title", "description", "videoLink", "topicId", "customerId",
                  "portalId", "customFields", "externalAttendees", "cpr"):
        assert field in meeting


def test_a_meeting_is_booked_from_a_reservation_which_is_then_consumed(api):
    day = new_day()
    reservation = reserve(api, day, 10, roomId=NYHAVN)
    body = {k: v for k, v in meeting_body(day).items() if k not in ("startDate", "endDate")}
    created = api.post("/meetings", json={**body, "timeSlotId": reservation["id"]})
    assert created.status_code == 201, created.text
    meeting = created.json()
    assert meeting["timeSlotId"] == reservation["id"]
    assert (meeting["startDate"], meeting["endDate"]) == (reservation["startDate"], reservation["endDate"])
    assert meeting["roomId"] == NYHAVN, "the reservation's room is kept"
    again = api.post("/meetings", json={**body, "timeSlotId": reservation["id"]})
    assert again.status_code == 400
    assert "timeSlotId" in again.json()["errors"]


def test_a_meeting_needs_a_time(api):
    body = {k: v for k, v in meeting_body(new_day()).items() if k != "endDate"}
    response = api.post("/meetings", json=body)
    assert response.status_code == 400
    assert "timeSlotId" in response.json()["errors"]


@pytest.mark.parametrize("missing", ["bookedBy", "salesforceId", "employeeId", "customerId", "type"])
def test_required_fields_are_required(api, missing):
    body = {k: v for k, v in meeting_body(new_day()).items() if k != missing}
    response = api.post("/meetings", json=body)
    assert response.status_code == 400
    assert missing in response.json()["errors"]


@pytest.mark.parametrize(("change", "field"), [
    ({"bookedBy": "Robot"}, "bookedBy"),
    ({"type": "Hologram"}, "type"),
    ({"employeeId": str(uuid.uuid4())}, "employeeId"),
    ({"additionalEmployees": [str(uuid.uuid4())]}, "additionalEmployees"),
    ({"additionalEmployees": [METTE]}, "additionalEmployees"),
    ({"roomId": str(uuid.uuid4())}, "roomId"),
    ({"topicId": str(uuid.uuid4())}, "topicId"),
    ({"customerTypeId": str(uuid.uuid4())}, "customerTypeId"),
    ({"timeSlotId": str(uuid.uuid4()), "startDate": None, "endDate": None}, "timeSlotId"),
    ({"startDate": "2041-06-01T10:00:00Z", "endDate": "2041-06-01T09:00:00Z"}, "endDate"),
    ({"startDate": "2041-06-01T21:30:00Z", "endDate": "2041-06-01T22:30:00Z"}, "endDate"),
    ({"startDate": "2021-06-01T09:00:00Z", "endDate": "2021-06-01T10:00:00Z"}, "startDate"),
    ({"bookedBy": "PortalPartner", "portalId": str(uuid.uuid4())}, "portalId"),
    ({"bookedBy": "PortalPartner"}, "portalId"),
    ({"externalAttendees": [{"name": "X", "email": "not an address"}]}, "externalAttendees.0.email"),
])
def test_invalid_meetings_are_bad_requests(api, change, field):
    body = {k: v for k, v in {**meeting_body(new_day()), **change}.items() if v is not None}
    response = api.post("/meetings", json=body)
    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]


def test_portal_fields_are_kept_only_for_portal_bookings(api):
    portal = api.post("/bookme/config/portals", json={
        "name": f"Portal {uuid.uuid4().hex[:6]}", "location": "CPH-HQ", "authenticationType": "MitID",
        "fields": [{"name": "phone", "label": "Telefon", "type": "Phone",
                    "validation": {"required": True, "pattern": "^\\+45[0-9]{8}$"}}]})
    assert portal.status_code == 201, portal.text
    portal_fields = {"portalId": portal.json()["id"], "cpr": "010190-1234",
                     "customFields": [{"key": "phone", "value": "+4512345678"}],
                     "externalAttendees": [{"name": "Bo Ekstern", "email": "bo@example.com"}]}
    normal = api.post("/meetings", json=meeting_body(new_day(), **portal_fields)).json()
    assert (normal["portalId"], normal["cpr"], normal["customFields"], normal["externalAttendees"]) == (
        None, None, [], [])
    booked = api.post("/meetings", json=meeting_body(new_day(), bookedBy="PortalPartner", **portal_fields))
    assert booked.status_code == 201, booked.text
    assert booked.json()["cpr"] == "010190-1234"
    assert booked.json()["customFields"] == [{"key": "phone", "value": "+4512345678"}]
    wrong = api.post("/meetings", json=meeting_body(new_day(), bookedBy="PortalPartner", **{
        **portal_fields, "customFields": [{"key": "phone", "value": "12"}]}))
    assert wrong.status_code == 400
    assert "customFields.phone" in wrong.json()["errors"]


def test_the_cpr_number_is_never_listed(api):
    day = new_day()
    portal = api.post("/bookme/config/portals", json={"name": f"P {uuid.uuid4().hex[:6]}", "location": "AAR",
                                                      "authenticationType": "MitID"}).json()
    response = api.post("/meetings", json=meeting_body(day, bookedBy="PortalPartner", portalId=portal["id"],
                                                       cpr="0101901234", employeeId=SOFIE))
    assert response.status_code == 201, response.text
    created = response.json()
    assert api.get(f"/meetings/{created['id']}").json()["cpr"] == "0101901234"
    listed = [m for m in api.get("/meetings", params={"employeeId": SOFIE}).json() if m["id"] == created["id"]]
    assert listed and "cpr" not in listed[0]


def test_one_meeting_is_read_with_its_etag(api_v2):
    created = api_v2.post("/meetings", json=meeting_body(new_day()))
    assert created.status_code == 201
    read = api_v2.get(f"/meetings/{created.json()['id']}")
    assert read.status_code == 200
    assert read.json() == created.json()
    assert read.headers["ETag"] == created.headers["ETag"]


@pytest.mark.parametrize("id", [str(uuid.uuid4()), "not-a-uuid"])
def test_an_unknown_meeting_is_not_found(api, id):
    assert api.get(f"/meetings/{id}").status_code == 404
    assert api.patch(f"/meetings/{id}", json=[]).status_code == 404
    assert api.delete(f"/meetings/{id}").status_code == 404
    assert api.post(f"/meetings/{id}/ical").status_code == 404


def test_meetings_are_listed_by_employee_as_primary_or_additional(api):
    day = new_day()
    primary = api.post("/meetings", json=meeting_body(day, employeeId=LARS)).json()
    additional = api.post("/meetings", json=meeting_body(day, 11, additionalEmployees=[LARS])).json()
    other = api.post("/meetings", json=meeting_body(day, 13)).json()
    listed = [m["id"] for m in api.get("/meetings", params={"employeeId": LARS}).json()]
    assert primary["id"] in listed and additional["id"] in listed
    assert other["id"] not in listed


def test_meetings_are_listed_by_time_slot_and_modification_date(api):
    day = new_day()
    reservation = reserve(api, day, 14)
    body = {k: v for k, v in meeting_body(day).items() if k not in ("startDate", "endDate")}
    created = api.post("/meetings", json={**body, "timeSlotId": reservation["id"]}).json()
    assert [m["id"] for m in api.get("/meetings", params={"timeSlotId": reservation["id"]}).json()] == [created["id"]]
    modified = created["dateModified"]
    inside = api.get("/meetings", params={"startDateModified": modified, "endDateModified": modified}).json()
    assert created["id"] in [m["id"] for m in inside]
    after = api.get("/meetings", params={"startDateModified": "2100-01-01T00:00:00Z"}).json()
    assert created["id"] not in [m["id"] for m in after]
    assert api.get("/meetings", params={"startDateModified": "yesterday"}).status_code == 400


def test_a_taken_time_is_a_conflict_for_the_employee_the_additional_employee_and_the_room(api):
    day = new_day()
    assert api.post("/meetings", json=meeting_body(day, roomId=NYHAVN, additionalEmployees=[LARS])).status_code == 201
    assert api.post("/meetings", json=meeting_body(day, 9.5)).status_code == 409
    with_lars = meeting_body(day, employeeId=SOFIE, additionalEmployees=[LARS])
    assert api.post("/meetings", json=with_lars).status_code == 409
    assert api.post("/meetings", json=meeting_body(day, employeeId=SOFIE, roomId=NYHAVN)).status_code == 409
    assert api.post("/meetings", json=meeting_body(day, employeeId=SOFIE)).status_code == 201


def test_patch_changes_fields_and_honours_if_match(api):
    created = api.post("/meetings", json=meeting_body(new_day()))
    id, etag = created.json()["id"], created.headers["ETag"]
    patched = api.patch(f"/meetings/{id}", json=[{"op": "replace", "path": "/title", "value": "Nyt emne"}],
                        headers={"If-Match": etag})
    assert patched.status_code == 200, patched.text
    assert patched.json()["title"] == "Nyt emne"
    assert patched.json()["dateModified"] >= created.json()["dateModified"]
    assert patched.headers["ETag"] != etag
    stale = api.patch(f"/meetings/{id}", json=[{"op": "replace", "path": "/title", "value": "X"}],
                      headers={"If-Match": etag})
    assert stale.status_code == 412
    assert api.get(f"/meetings/{id}").json()["title"] == "Nyt emne"


@pytest.mark.parametrize(("operations", "status"), [
    ([{"op": "replace", "path": "/id", "value": str(uuid.uuid4())}], 400),
    ([{"op": "replace", "path": "/dateCreated", "value": "2041-01-01T00:00:00Z"}], 400),
    ([{"op": "replace", "path": "/bookedBy", "value": "Employee"}], 400),
    ([{"op": "replace", "path": "/type", "value": "Hologram"}], 400),
    ([{"op": "replace", "path": "/employeeId", "value": str(uuid.uuid4())}], 400),
    ([{"op": "jump", "path": "/title"}], 400),
    ({"op": "replace"}, 400),
    ([{"op": "test", "path": "/customerId", "value": "someone else"}], 409),
])
def test_bad_patches_are_refused(api, operations, status):
    id = api.post("/meetings", json=meeting_body(new_day())).json()["id"]
    assert api.patch(f"/meetings/{id}", json=operations).status_code == status


def test_patching_the_time_is_checked_for_conflicts(api):
    day = new_day()
    first = api.post("/meetings", json=meeting_body(day, 9)).json()
    second = api.post("/meetings", json=meeting_body(day, 11)).json()
    clash = api.patch(f"/meetings/{second['id']}", json=[{"op": "replace", "path": "/startDate",
                                                          "value": first["startDate"]},
                                                         {"op": "replace", "path": "/endDate",
                                                          "value": first["endDate"]}])
    assert clash.status_code == 409
    moved = api.patch(f"/meetings/{second['id']}", json=[{"op": "replace", "path": "/startDate",
                                                          "value": iso(day + timedelta(hours=10))},
                                                         {"op": "replace", "path": "/endDate",
                                                          "value": iso(day + timedelta(hours=11))}])
    assert moved.status_code == 200, moved.text
    assert api.post("/meetings", json=meeting_body(day, 12)).status_code == 201, "11-12 is free again"
    assert api.post("/meetings", json=meeting_body(day, 10, employeeId=SOFIE)).status_code == 201
    busy_colleague = api.patch(f"/meetings/{second['id']}", json=[
        {"op": "add", "path": "/additionalEmployees/-", "value": SOFIE}])
    assert busy_colleague.status_code == 409
    free_colleague = api.patch(f"/meetings/{second['id']}", json=[
        {"op": "add", "path": "/additionalEmployees/-", "value": LARS}])
    assert free_colleague.status_code == 200
    assert free_colleague.json()["additionalEmployees"] == [LARS]


def test_replacing_the_time_slot_with_a_rescheduling_reservation_moves_the_meeting(api):
    day = new_day()
    meeting = api.post("/meetings", json=meeting_body(day, 9, roomId=NYHAVN)).json()
    reservation = api.post("/time-slots/reserve", json={
        "timeSlot": {**times(day, 9.5), "status": "Reserved", "employeeId": METTE, "roomId": NYHAVN},
        "token": str(uuid.uuid4()), "existingMeetingId": meeting["id"], "isCustomerInitiated": False}).json()
    moved = api.patch(f"/meetings/{meeting['id']}", json=[{"op": "replace", "path": "/timeSlotId",
                                                           "value": reservation["id"]}])
    assert moved.status_code == 200, moved.text
    assert (moved.json()["startDate"], moved.json()["endDate"]) == (reservation["startDate"], reservation["endDate"])
    assert api.post("/meetings", json=meeting_body(day, 10, employeeId=SOFIE, roomId=NYHAVN)).status_code == 409
    assert api.post("/meetings", json=meeting_body(day, 8.5, employeeId=SOFIE, roomId=NYHAVN)).status_code == 201, \
        "the old 9:00 start is free again"
    assert api.get("/meetings", params={"timeSlotId": reservation["id"]}).json()[0]["id"] == meeting["id"]


def test_a_reservation_for_another_meeting_cannot_move_this_one(api):
    day = new_day()
    first = api.post("/meetings", json=meeting_body(day, 9)).json()
    second = api.post("/meetings", json=meeting_body(day, 11)).json()
    reservation = api.post("/time-slots/reserve", json={
        "timeSlot": {**times(day, 13), "status": "Reserved", "employeeId": METTE},
        "token": str(uuid.uuid4()), "existingMeetingId": first["id"], "isCustomerInitiated": False}).json()
    refused = api.patch(f"/meetings/{second['id']}", json=[{"op": "replace", "path": "/timeSlotId",
                                                            "value": reservation["id"]}])
    assert refused.status_code == 400


def test_a_meeting_moves_to_another_day_and_frees_the_old_one(api):
    day, later = new_day(), new_day()
    meeting = api.post("/meetings", json=meeting_body(day, 9, roomId=NYHAVN)).json()
    moved = api.patch(f"/meetings/{meeting['id']}", json=[
        {"op": "replace", "path": "/startDate", "value": iso(later + timedelta(hours=9))},
        {"op": "replace", "path": "/endDate", "value": iso(later + timedelta(hours=10))}])
    assert moved.status_code == 200, moved.text
    assert api.get(f"/meetings/{meeting['id']}").json()["startDate"] == iso(later + timedelta(hours=9))
    assert api.post("/meetings", json=meeting_body(day, 9, roomId=NYHAVN)).status_code == 201
    assert api.post("/meetings", json=meeting_body(later, 9, employeeId=SOFIE, roomId=NYHAVN)).status_code == 409
    assert [m["id"] for m in api.get("/meetings", params={"employeeId": METTE}).json()].count(meeting["id"]) == 1


def test_cancelling_frees_the_time_and_the_meeting_is_gone(api):
    day = new_day()
    created = api.post("/meetings", json=meeting_body(day, roomId=NYHAVN))
    id = created.json()["id"]
    assert api.delete(f"/meetings/{id}", headers={"If-Match": '"stale"'}).status_code == 412
    assert api.delete(f"/meetings/{id}", headers={"If-Match": created.headers["ETag"]}).status_code == 204
    assert api.get(f"/meetings/{id}").status_code == 404
    assert api.delete(f"/meetings/{id}").status_code == 404
    assert api.post("/meetings", json=meeting_body(day, roomId=NYHAVN)).status_code == 201


def test_booking_needs_a_token_but_no_role(stack, reader):
    import httpx

    assert httpx.get(f"{stack.base_url}/v3/bookme/meetings").status_code == 401
    created = reader.post("/meetings", json=meeting_body(new_day(), employeeId=SOFIE))
    assert created.status_code == 201
    assert reader.delete(f"/meetings/{created.json()['id']}").status_code == 204


def test_meetings_are_listed_a_page_at_a_time_by_start_then_id_with_a_link_to_the_next_page(api):
    from tests.utils.http_builders import book, new_employee

    employee_id, _ = new_employee(api)
    day = new_day()
    booked = [book(api, employee_id, day + timedelta(hours=hour)) for hour in (13, 9, 11, 10, 12)]
    seen, url, pages = [], "/meetings", 0
    params = {"employeeId": employee_id, "pageSize": "2"}
    while url:
        response = api.get(url, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page) <= 2
        seen += page
        pages += 1
        link = response.headers.get("Link")
        if link is None:
            break
        assert link.endswith('>; rel="next"') and link.startswith("</api/v3/bookme/meetings?")
        url, params = link[1:link.index(">")].removeprefix("/api/v3/bookme"), None
    assert pages == 3
    assert [m["id"] for m in seen] == [m["id"] for m in sorted(booked, key=lambda m: (m["startDate"], m["id"]))]


def test_a_continuation_token_this_api_did_not_give_out_is_a_400(api):
    response = api.get("/meetings", params={"continuationToken": "not-a-token"})
    assert response.status_code == 400 and "continuationToken" in response.json()["errors"]
    assert api.get("/meetings", params={"pageSize": "1001"}).status_code == 400
