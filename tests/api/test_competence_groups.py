"""/bookme/config/competence-groups over real HTTP: CRUD, JSON Patch, hierarchy, memberships."""

import uuid

import pytest

from shared.demo import bank, demo_id

GROUPS = "/bookme/config/competence-groups"
METTE, LARS, SOFIE = (bank.employee_named(n).id for n in ("Mette Nielsen", "Lars Jensen", "Sofie Hansen"))
MORTGAGE = next(t for t in bank.TOPICS if t.name == "Boliglån")
PRIVATE = next(c for c in bank.CUSTOMER_TYPES if c.name == "Privat")


def _create(api, **body) -> dict:
    response = api.post(GROUPS, json={"name": f"Group {uuid.uuid4().hex[:8]}", **body})
    assert response.status_code == 201, response.text
    return response.json()


def _patch(api, group_id: str, *operations, **headers):
    return api.patch(f"{GROUPS}/{group_id}", json=list(operations), headers=headers)


def test_creates_a_group_with_expanded_topics_and_customer_types(api):
    response = api.post(GROUPS, json={"name": "Mortgage Specialists", "employeeIds": [METTE, LARS, METTE],
                                      "topicIds": [MORTGAGE.id], "customerTypeIds": [PRIVATE.id],
                                      "labels": ["Bolig"], "id": str(uuid.uuid4())})
    assert response.status_code == 201
    assert response.headers["ETag"]
    group = response.json()
    assert group["employeeIds"] == [METTE, LARS]
    assert group["topics"] == [{"id": MORTGAGE.id, "name": "Boliglån"}]
    assert group["customerTypes"] == [{"id": PRIVATE.id, "name": "Privat"}]
    assert group["parentGroupIds"] == [] and group["serviceGroupIds"] == [] and group["labels"] == ["Bolig"]
    fetched = api.get(f"{GROUPS}/{group['id']}")
    assert fetched.json() == group and fetched.headers["ETag"] == response.headers["ETag"]


@pytest.mark.parametrize(("body", "field"), [
    ({"employeeIds": [str(uuid.uuid4())]}, "employeeIds"),
    ({"topicIds": [str(uuid.uuid4())]}, "topicIds"),
    ({"customerTypeIds": [str(uuid.uuid4())]}, "customerTypeIds"),
    ({"childGroupIds": [str(uuid.uuid4())]}, "childGroupIds"),
])
def test_unknown_ids_are_400_naming_the_field(api, body, field):
    response = api.post(GROUPS, json={"name": "Bad", **body})
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": 7}, {"name": "X", "employeeIds": "all"},
                                  {"name": "X", "topicIds": ["not-a-uuid"]}, {"name": "X", "labels": [""]}])
def test_invalid_groups_are_400(api, body):
    assert api.post(GROUPS, json=body).status_code == 400


def test_children_give_parents_and_cycles_are_400(api):
    child = _create(api)
    parent = _create(api, childGroupIds=[child["id"]])
    assert api.get(f"{GROUPS}/{child['id']}").json()["parentGroupIds"] == [parent["id"]]
    cycle = _patch(api, child["id"], {"op": "add", "path": "/childGroupIds/-", "value": parent["id"]})
    assert cycle.status_code == 400 and "childGroupIds" in cycle.json()["errors"]
    itself = _patch(api, child["id"], {"op": "replace", "path": "/childGroupIds", "value": [child["id"]]})
    assert itself.status_code == 400


def test_patch_changes_writable_fields_and_keeps_first_assignment_dates(api):
    group = _create(api, employeeIds=[METTE])
    before = {g["id"]: g["dateAssigned"] for g in api.get(f"{GROUPS}/employee/{METTE}").json()}[group["id"]]
    response = _patch(api, group["id"], {"op": "replace", "path": "/name", "value": "Renamed"},
                      {"op": "add", "path": "/employeeIds/-", "value": SOFIE},
                      {"op": "add", "path": "/topicIds/-", "value": MORTGAGE.id},
                      {"op": "replace", "path": "/labels", "value": ["Finance", "Premium"]})
    assert response.status_code == 200, response.text
    patched = response.json()
    assert patched["name"] == "Renamed" and patched["employeeIds"] == [METTE, SOFIE]
    assert patched["topics"] == [{"id": MORTGAGE.id, "name": "Boliglån"}]
    assert patched["labels"] == ["Finance", "Premium"]
    after = {g["id"]: g["dateAssigned"] for g in api.get(f"{GROUPS}/employee/{METTE}").json()}[group["id"]]
    assert after == before


@pytest.mark.parametrize("operations", [
    [{"op": "replace", "path": "/id", "value": str(uuid.uuid4())}],
    [{"op": "replace", "path": "/parentGroupIds", "value": []}],
    [{"op": "add", "path": "/topics/-", "value": {"id": "x", "name": "y"}}],
    [{"op": "replace", "path": "/serviceGroupIds", "value": []}],
    [{"op": "replace", "path": "/name", "value": ""}],
    [{"op": "replace", "path": "/employeeIds", "value": [str(uuid.uuid4())]}],
    [{"op": "jump", "path": "/name"}],
    {"op": "replace", "path": "/name", "value": "x"},
    [{"op": "remove", "path": "/nothing/here"}],
])
def test_invalid_patches_are_400(api, operations):
    group = _create(api)
    assert api.patch(f"{GROUPS}/{group['id']}", json=operations).status_code == 400


def test_a_failed_patch_test_is_409(api):
    group = _create(api)
    response = _patch(api, group["id"], {"op": "test", "path": "/name", "value": "Something else"},
                      {"op": "replace", "path": "/name", "value": "Never"})
    assert response.status_code == 409


def test_a_stale_if_match_is_412(api):
    group = _create(api)
    etag = api.get(f"{GROUPS}/{group['id']}").headers["ETag"]
    rename = {"op": "replace", "path": "/name", "value": "New name"}
    assert _patch(api, group["id"], rename, **{"If-Match": etag}).status_code == 200
    assert _patch(api, group["id"], rename, **{"If-Match": etag}).status_code == 412
    assert api.delete(f"{GROUPS}/{group['id']}", headers={"If-Match": etag}).status_code == 412


def test_lists_groups_carrying_all_given_labels(api):
    tag = f"Tag{uuid.uuid4().hex[:6]}"
    both = _create(api, labels=[tag, "Premium"])
    _create(api, labels=[tag])
    listed = api.get(GROUPS, params=[("labels", tag.lower()), ("labels", "PREMIUM")]).json()
    assert [g["id"] for g in listed] == [both["id"]]
    assert [g["id"] for g in api.get(GROUPS, params={"labels": f"{tag},Premium"}).json()] == [both["id"]]
    assert len(api.get(GROUPS, params={"labels": tag}).json()) == 2
    assert len(api.get(GROUPS).json()) >= 2


def test_demo_hierarchy_derives_parents(api):
    mortgage = api.get(f"{GROUPS}/{demo_id('competenceGroup', 'mortgage')}").json()
    assert mortgage["name"] == "Boligrådgivning"
    assert demo_id("competenceGroup", "private") in mortgage["parentGroupIds"]
    assert demo_id("serviceGroup", "CPH-HQ") not in mortgage["serviceGroupIds"]
    private = api.get(f"{GROUPS}/{demo_id('competenceGroup', 'private')}").json()
    assert demo_id("serviceGroup", "CPH-HQ") in private["serviceGroupIds"]


def test_a_referenced_group_cannot_be_deleted_until_released(api):
    child = _create(api)
    parent = _create(api, childGroupIds=[child["id"]])
    assert api.delete(f"{GROUPS}/{child['id']}").status_code == 409
    assert _patch(api, parent["id"], {"op": "replace", "path": "/childGroupIds", "value": []}).status_code == 200
    assert api.delete(f"{GROUPS}/{child['id']}").status_code == 204
    assert api.get(f"{GROUPS}/{child['id']}").status_code == 404
    assert api.delete(f"{GROUPS}/{child['id']}").status_code == 404


def test_adds_and_removes_an_employee_keeping_the_first_date(api):
    first, second = _create(api), _create(api)
    added = api.patch(f"{GROUPS}/employee/{SOFIE}/add", json=[first["id"], second["id"]])
    assert added.status_code == 200
    dates = {g["id"]: g["dateAssigned"] for g in added.json()}
    assert {first["id"], second["id"]} <= set(dates)
    again = api.patch(f"{GROUPS}/employee/{SOFIE}/add", json=[first["id"]]).json()
    assert {g["id"]: g["dateAssigned"] for g in again}[first["id"]] == dates[first["id"]]
    assert SOFIE in api.get(f"{GROUPS}/{first['id']}").json()["employeeIds"]
    removed = api.patch(f"{GROUPS}/employee/{SOFIE}/remove", json=[first["id"]])
    assert removed.status_code == 200
    assert first["id"] not in {g["id"] for g in removed.json()}
    assert second["id"] in {g["id"] for g in api.get(f"{GROUPS}/employee/{SOFIE}").json()}


def test_employee_memberships_list_id_name_and_date(api):
    listed = api.get(f"{GROUPS}/employee/{METTE}").json()
    mortgage = next(g for g in listed if g["id"] == demo_id("competenceGroup", "mortgage"))
    assert mortgage == {"id": mortgage["id"], "name": "Boligrådgivning", "dateAssigned": "2025-01-15T10:30:00.000Z"}


@pytest.mark.parametrize("body", [[str(uuid.uuid4())], ["not-a-uuid"], {"ids": []}, "x"])
def test_bad_membership_bodies_are_400(api, body):
    assert api.patch(f"{GROUPS}/employee/{METTE}/add", json=body).status_code == 400
    assert api.patch(f"{GROUPS}/employee/{METTE}/remove", json=body).status_code == 400


def test_adding_an_unknown_employee_is_404(api):
    group = _create(api)
    assert api.patch(f"{GROUPS}/employee/{uuid.uuid4()}/add", json=[group["id"]]).status_code == 404


def test_writes_need_the_config_role(reader, config_api):
    assert reader.post(GROUPS, json={"name": "X"}).status_code == 403
    group = config_api.post(GROUPS, json={"name": "By config"}).json()
    assert reader.patch(f"{GROUPS}/{group['id']}", json=[]).status_code == 403
    assert reader.delete(f"{GROUPS}/{group['id']}").status_code == 403
    assert reader.patch(f"{GROUPS}/employee/{METTE}/add", json=[group["id"]]).status_code == 403
    assert reader.patch(f"{GROUPS}/employee/{METTE}/remove", json=[group["id"]]).status_code == 403
    assert reader.get(f"{GROUPS}/{group['id']}").status_code == 200
    assert reader.get(f"{GROUPS}/employee/{METTE}").status_code == 200


def test_competence_groups_are_v3_only(api_v2):
    assert api_v2.get(GROUPS).status_code == 404
    assert api_v2.get(f"{GROUPS}/employee/{METTE}").status_code == 404


def test_unknown_or_malformed_ids_are_404(api):
    assert api.get(f"{GROUPS}/{uuid.uuid4()}").status_code == 404
    assert api.get(f"{GROUPS}/nope").status_code == 404
    assert api.patch(f"{GROUPS}/{uuid.uuid4()}", json=[]).status_code == 404


def test_a_topic_deleted_since_does_not_block_other_edits(api):
    topic = api.post("/meeting-topics", json={"name": f"Temporary {uuid.uuid4().hex[:6]}"}).json()
    group = _create(api, topicIds=[topic["id"]])
    assert api.delete(f"/meeting-topics/{topic['id']}").status_code == 204
    response = _patch(api, group["id"], {"op": "replace", "path": "/name", "value": "Still editable"})
    assert response.status_code == 200, response.text
    assert response.json()["topicIds"] == [topic["id"]] and response.json()["topics"] == []
