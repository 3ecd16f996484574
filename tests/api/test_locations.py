"""Locations over HTTP (V3 only): CRUD, JSON Patch, unique identifiers, filters."""

import uuid

import pytest

BASE = "/bookme/config/locations"


def unique_identifier(prefix: str = "LOC") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8].upper()}"


def create(client, **fields) -> dict:
    body = {"location": unique_identifier(), "displayName": "Test branch", **fields}
    response = client.post(BASE, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_the_demo_branches_are_locations(api):
    listed = {loc["location"]: loc for loc in api.get(BASE).json()}
    assert {"CPH-HQ", "AAR", "ODE", "AAL"} <= set(listed)
    assert listed["CPH-HQ"]["addRoomsToBookedMeetings"] is True
    assert any(loc["requireAvailableRoom"] for loc in listed.values())


def test_config_creates_a_location_with_defaults_and_a_server_id(config_api):
    client_id = str(uuid.uuid4())
    identifier = unique_identifier("VEJ")
    response = config_api.post(BASE, json={"id": client_id, "location": identifier, "displayName": "Vejle"})
    assert response.status_code == 201
    assert response.headers["ETag"]
    body = response.json()
    assert body["id"] != client_id
    assert body == {"id": body["id"], "location": identifier, "displayName": "Vejle",
                    "addRoomsToBookedMeetings": False, "requireAvailableRoom": False}
    fetched = config_api.get(f"{BASE}/{body['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == body
    assert fetched.headers["ETag"] == response.headers["ETag"]


def test_an_identifier_is_unique_case_insensitively(api):
    first = create(api)
    duplicate = api.post(BASE, json={"location": first["location"].lower(), "displayName": "Again"})
    assert duplicate.status_code == 409
    assert duplicate.headers["Content-Type"].startswith("application/problem+json")


def test_renaming_onto_a_taken_identifier_is_409_and_a_free_one_works(api):
    first, second = create(api), create(api)
    taken = api.patch(f"{BASE}/{second['id']}", json=[
        {"op": "replace", "path": "/location", "value": first["location"].lower()}])
    assert taken.status_code == 409
    renamed = api.patch(f"{BASE}/{second['id']}", json=[
        {"op": "replace", "path": "/location", "value": second["location"] + "-NEW"}])
    assert renamed.status_code == 200
    # The old identifier is free again.
    create(api, location=second["location"])


def test_only_a_case_change_of_its_own_identifier_is_allowed(api):
    created = create(api)
    response = api.patch(f"{BASE}/{created['id']}", json=[
        {"op": "replace", "path": "/location", "value": created["location"].lower()}])
    assert response.status_code == 200
    assert response.json()["location"] == created["location"].lower()


def test_patch_updates_settings_and_honours_if_match(api):
    created = api.post(BASE, json={"location": unique_identifier(), "displayName": "Kolding"})
    etag = created.headers["ETag"]
    id = created.json()["id"]
    response = api.patch(f"{BASE}/{id}", headers={"If-Match": etag}, json=[
        {"op": "replace", "path": "/displayName", "value": "Kolding Midtby"},
        {"op": "replace", "path": "/requireAvailableRoom", "value": True}])
    assert response.status_code == 200
    assert response.json()["displayName"] == "Kolding Midtby"
    assert response.json()["requireAvailableRoom"] is True
    stale = api.patch(f"{BASE}/{id}", headers={"If-Match": etag}, json=[
        {"op": "replace", "path": "/displayName", "value": "Kolding"}])
    assert stale.status_code == 412
    assert api.delete(f"{BASE}/{id}", headers={"If-Match": etag}).status_code == 412


@pytest.mark.parametrize("operations", [
    [{"op": "replace", "path": "/id", "value": str(uuid.uuid4())}],
    [{"op": "replace", "path": "/location", "value": ""}],
    [{"op": "replace", "path": "/location", "value": "   "}],
    [{"op": "remove", "path": "/location"}],
    [{"op": "replace", "path": "/requireAvailableRoom", "value": "sometimes"}],
    [{"op": "replace", "path": "/displayName"}],
    [{"op": "move", "path": "/displayName"}],
    {"op": "replace", "path": "/displayName", "value": "x"},
    [{"op": "replace", "path": "/nested/field", "value": "x"}],
])
def test_invalid_patches_are_400(api, operations):
    created = create(api)
    response = api.patch(f"{BASE}/{created['id']}", json=operations)
    assert response.status_code == 400, response.text
    assert api.get(f"{BASE}/{created['id']}").json() == created


def test_a_failed_patch_test_is_409(api):
    created = create(api)
    response = api.patch(f"{BASE}/{created['id']}", json=[
        {"op": "test", "path": "/displayName", "value": "Something else"},
        {"op": "replace", "path": "/displayName", "value": "Changed"}])
    assert response.status_code == 409
    assert api.get(f"{BASE}/{created['id']}").json()["displayName"] == created["displayName"]


@pytest.mark.parametrize("body", [
    {},
    {"displayName": "No identifier"},
    {"location": ""},
    {"location": 42},
    {"location": "OK", "addRoomsToBookedMeetings": "perhaps"},
    [{"location": "OK"}],
])
def test_invalid_locations_are_400(api, body):
    response = api.post(BASE, json=body)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_malformed_json_is_400(api):
    response = api.post(BASE, content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_delete_removes_the_location_and_frees_its_identifier(api):
    created = create(api)
    assert api.delete(f"{BASE}/{created['id']}").status_code == 204
    assert api.get(f"{BASE}/{created['id']}").status_code == 404
    assert api.delete(f"{BASE}/{created['id']}").status_code == 404
    create(api, location=created["location"])


def test_list_filters_by_exact_identifier_case_insensitively(api):
    created = create(api, displayName="Herning")
    create(api, location=created["location"] + "X")
    found = api.get(BASE, params={"location": created["location"].lower()}).json()
    assert [loc["id"] for loc in found] == [created["id"]]
    assert api.get(BASE, params={"location": "NO-SUCH-PLACE"}).json() == []


def test_list_searches_identifiers_and_display_names(api):
    marker = uuid.uuid4().hex[:6]
    by_name = create(api, displayName=f"Filial {marker.upper()} Syd")
    by_identifier = create(api, location=f"S-{marker}")
    found = {loc["id"] for loc in api.get(BASE, params={"search": marker}).json()}
    assert found == {by_name["id"], by_identifier["id"]}
    assert any(loc["location"] == "CPH-HQ" for loc in api.get(BASE, params={"search": "KØBENHAVN"}).json())


def test_unknown_and_malformed_ids_are_404(api):
    unknown = str(uuid.uuid4())
    assert api.get(f"{BASE}/{unknown}").status_code == 404
    assert api.patch(f"{BASE}/{unknown}", json=[{"op": "replace", "path": "/displayName", "value": "x"}]
                     ).status_code == 404
    assert api.delete(f"{BASE}/{unknown}").status_code == 404
    assert api.get(f"{BASE}/not-a-uuid").status_code == 404


def test_readers_may_list_but_not_write(reader, api):
    created = create(api)
    assert reader.get(BASE).status_code == 200
    assert reader.get(f"{BASE}/{created['id']}").status_code == 200
    assert reader.post(BASE, json={"location": unique_identifier()}).status_code == 403
    assert reader.patch(f"{BASE}/{created['id']}", json=[
        {"op": "replace", "path": "/displayName", "value": "x"}]).status_code == 403
    assert reader.delete(f"{BASE}/{created['id']}").status_code == 403


def test_config_may_patch_and_delete(config_api):
    created = create(config_api)
    assert config_api.patch(f"{BASE}/{created['id']}", json=[
        {"op": "replace", "path": "/addRoomsToBookedMeetings", "value": True}]).status_code == 200
    assert config_api.delete(f"{BASE}/{created['id']}").status_code == 204


def test_locations_do_not_exist_under_v2(api_v2):
    assert api_v2.get(BASE).status_code == 404
    assert api_v2.post(BASE, json={"location": unique_identifier()}).status_code == 404


async def test_location_named_finds_a_location_by_identifier_ignoring_case(ctx, api):
    from shared.services.locations import location_named

    created = create(api, displayName="Silkeborg")
    found = await location_named(ctx, f"  {created['location'].lower()} ")
    assert found is not None and found.id == created["id"]
    assert await location_named(ctx, "NO-SUCH-PLACE") is None
