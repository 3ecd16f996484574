"""/bookme/config/portals over real HTTP: CRUD, JSON Patch, hidden fields, field validation, labels."""

import uuid

import pytest

from shared.demo import bank, demo_id

PORTALS = "/bookme/config/portals"
PRIVATE = next(c for c in bank.CUSTOMER_TYPES if c.name == "Privat")
MORTGAGE = next(t for t in bank.TOPICS if t.name == "Boliglån")
FIELDS = [
    {"name": "phone", "label": "Phone Number", "type": "phone", "placeholder": "+45...",
     "validation": {"required": True, "pattern": r"^\+?[0-9]{8,}$"}},
    {"name": "branch", "type": "Dropdown", "validation": {"options": ["Aarhus", "Odense"]}},
    {"name": "campaign", "type": "Text", "hidden": True},
]


def _create(api, **body) -> dict:
    response = api.post(PORTALS, json={"name": f"Portal {uuid.uuid4().hex[:8]}", **body})
    assert response.status_code == 201, response.text
    return response.json()


def test_creates_a_portal_with_generated_field_ids(api):
    response = api.post(PORTALS, json={
        "name": "Customer Booking Portal", "location": "Copenhagen", "authenticationType": "mitid",
        "fields": FIELDS, "logoUrl": "https://example.com/logo.png", "logoHeight": 60, "styling": "/* css */",
        "customerTypeId": PRIVATE.id, "topicId": MORTGAGE.id, "crmMappingConfigurationId": str(uuid.uuid4()),
        "icalEnabled": True, "labels": ["Public"]})
    assert response.status_code == 201 and response.headers["ETag"]
    portal = response.json()
    assert portal["authenticationType"] == "MitID" and portal["icalEnabled"] is True
    assert [f["name"] for f in portal["fields"]] == ["phone", "branch", "campaign"]
    assert all(uuid.UUID(f["id"]) for f in portal["fields"])
    assert portal["fields"][0]["type"] == "Phone" and portal["fields"][0]["validation"]["required"] is True
    assert portal["labels"] == ["Public"]


def test_hidden_fields_are_shown_only_when_asked(api):
    portal = _create(api, fields=FIELDS)
    plain = api.get(f"{PORTALS}/{portal['id']}")
    assert plain.status_code == 200 and plain.headers["ETag"]
    assert [f["name"] for f in plain.json()["fields"]] == ["phone", "branch"]
    full = api.get(f"{PORTALS}/{portal['id']}", params={"includeHiddenFields": "true"}).json()
    assert [f["name"] for f in full["fields"]] == ["phone", "branch", "campaign"]
    listed = {p["id"]: p for p in api.get(PORTALS).json()}
    assert [f["name"] for f in listed[portal["id"]]["fields"]] == ["phone", "branch"]
    listed = {p["id"]: p for p in api.get(PORTALS, params={"includeHiddenFields": True}).json()}
    assert len(listed[portal["id"]]["fields"]) == 3
    assert api.get(f"{PORTALS}/{portal['id']}", params={"includeHiddenFields": "perhaps"}).status_code == 400


@pytest.mark.parametrize("body", [
    {"fields": [{"name": "x", "validation": {"pattern": "([a-z"}}]},
    {"fields": [{"name": "x", "type": "Dropdown"}]},
    {"fields": [{"name": "x", "type": "Signature"}]},
    {"fields": [{"name": "x"}, {"name": "X"}]},
    {"fields": [{"label": "no name"}]},
    {"authenticationType": "Password"},
    {"logoHeight": "tall"},
    {"logoUrl": "not a url"},
    {"icalEnabled": "sometimes"},
    {"crmMappingConfigurationId": "crm-1"},
])
def test_invalid_portals_are_400(api, body):
    assert api.post(PORTALS, json={"name": "Bad", **body}).status_code == 400


@pytest.mark.parametrize(("body", "field"), [({"customerTypeId": str(uuid.uuid4())}, "customerTypeId"),
                                             ({"topicId": str(uuid.uuid4())}, "topicId")])
def test_unknown_customer_type_or_topic_is_400_naming_the_field(api, body, field):
    response = api.post(PORTALS, json={"name": "Bad", **body})
    assert response.status_code == 400 and field in response.json()["errors"]


def test_patch_edits_fields_including_hidden_ones(api):
    portal = _create(api, fields=FIELDS)
    path = f"{PORTALS}/{portal['id']}"
    response = api.patch(path, json=[
        {"op": "replace", "path": "/fields/2/hidden", "value": False},
        {"op": "add", "path": "/fields/-", "value": {"name": "email", "type": "Email"}},
        {"op": "replace", "path": "/authenticationType", "value": "AzureAD"}])
    assert response.status_code == 200, response.text
    fields = response.json()["fields"]
    assert [f["name"] for f in fields] == ["phone", "branch", "campaign", "email"]
    assert fields[3]["id"] and fields[0]["id"] == portal["fields"][0]["id"]
    assert [f["name"] for f in api.get(path).json()["fields"]] == ["phone", "branch", "campaign", "email"]


@pytest.mark.parametrize("operations", [
    [{"op": "replace", "path": "/id", "value": str(uuid.uuid4())}],
    [{"op": "replace", "path": "/fields/0/validation/pattern", "value": "(unclosed"}],
    [{"op": "replace", "path": "/fields/1/validation/options", "value": []}],
    [{"op": "replace", "path": "/topicId", "value": str(uuid.uuid4())}],
    [{"op": "replace", "path": "/name", "value": None}],
    [{"op": "move", "path": "/name"}],
    [{"op": "remove", "path": "/fields/9"}],
])
def test_invalid_patches_are_400(api, operations):
    portal = _create(api, fields=FIELDS)
    assert api.patch(f"{PORTALS}/{portal['id']}", json=operations).status_code == 400


def test_a_failed_patch_test_is_409_and_a_stale_if_match_412(api):
    portal = _create(api)
    path = f"{PORTALS}/{portal['id']}"
    assert api.patch(path, json=[{"op": "test", "path": "/name", "value": "Other"}]).status_code == 409
    etag = api.get(path).headers["ETag"]
    rename = [{"op": "replace", "path": "/name", "value": "Renamed"}]
    assert api.patch(path, json=rename, headers={"If-Match": etag}).status_code == 200
    assert api.patch(path, json=rename, headers={"If-Match": etag}).status_code == 412
    assert api.delete(path, headers={"If-Match": etag}).status_code == 412


def test_lists_portals_carrying_all_given_labels(api):
    tag = f"Tag{uuid.uuid4().hex[:6]}"
    both = _create(api, labels=[tag, "Public"])
    _create(api, labels=[tag])
    listed = api.get(PORTALS, params=[("labels", tag), ("labels", "PUBLIC")]).json()
    assert [p["id"] for p in listed] == [both["id"]]


def test_the_demo_portal_has_a_required_phone_and_a_hidden_field(api):
    portal = api.get(f"{PORTALS}/{demo_id('portal', 'booking')}", params={"includeHiddenFields": True}).json()
    assert portal["name"] == "Nordhavn Bank booking"
    fields = {f["name"]: f for f in portal["fields"]}
    assert fields["phone"]["validation"]["required"] and fields["phone"]["validation"]["pattern"]
    assert fields["email"]["type"] == "Email" and fields["campaign"]["hidden"] is True


def test_deletes_a_portal(api):
    portal = _create(api)
    assert api.delete(f"{PORTALS}/{portal['id']}").status_code == 204
    assert api.get(f"{PORTALS}/{portal['id']}").status_code == 404
    assert api.delete(f"{PORTALS}/{portal['id']}").status_code == 404


def test_writes_need_the_config_role(reader, config_api):
    assert reader.post(PORTALS, json={"name": "X"}).status_code == 403
    portal = config_api.post(PORTALS, json={"name": "By config"}).json()
    assert reader.patch(f"{PORTALS}/{portal['id']}", json=[]).status_code == 403
    assert reader.delete(f"{PORTALS}/{portal['id']}").status_code == 403
    assert reader.get(f"{PORTALS}/{portal['id']}").status_code == 200


def test_portals_are_v3_only(api_v2):
    assert api_v2.get(PORTALS).status_code == 404


def test_the_v3_openapi_document_describes_the_configuration_endpoints(api):
    paths = api.get("/openapi.json").json()["paths"]
    for path in ("/config/labels", "/config/labels/search", "/config/labels/suggest",
                 "/bookme/config/competence-groups/employee/{employeeId}/add",
                 "/bookme/config/service-groups/{id}/advisors", "/bookme/config/service-groups/{id}/service-level",
                 "/bookme/config/portals/{id}"):
        assert path in paths, path
    assert "requestBody" in paths["/config/labels"]["post"]
    assert {p["name"] for p in paths["/bookme/config/portals"]["get"]["parameters"]} >= {"includeHiddenFields",
                                                                                         "labels"}
