"""/config/labels over real HTTP: CRUD, merge PATCH, paging, search, suggest, exact usage counts."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

LABELS = "/config/labels"
GROUPS = "/bookme/config/competence-groups"
SERVICES = "/bookme/config/service-groups"
PORTALS = "/bookme/config/portals"


def _name(prefix: str = "Label") -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def _create(api, **body) -> dict:
    response = api.post(LABELS, json={"labelName": _name(), **body})
    assert response.status_code == 201, response.text
    return response.json()


def _usage(api, label_id: str) -> int:
    response = api.get(f"{LABELS}/{label_id}")
    assert response.status_code == 200, response.text
    return response.json()["usageCount"]


def _find(api, name: str) -> dict | None:
    matches = [s for s in api.get(f"{LABELS}/suggest", params={"prefix": name, "limit": 100}).json()
               if s["labelName"].lower() == name.lower()]
    return api.get(f"{LABELS}/{matches[0]['id']}").json() if matches else None


def test_creates_a_label_with_registration_fields_and_an_etag(api):
    name = _name("Premium")
    response = api.post(LABELS, json={"labelName": name, "color": "#ffd700", "description": "Premium tier",
                                      "usageCount": 99, "id": str(uuid.uuid4())})
    assert response.status_code == 201
    assert response.headers["ETag"]
    label = response.json()
    assert label["labelName"] == name and label["color"] == "#FFD700" and label["isActive"] is True
    assert label["usageCount"] == 0
    assert label["firstSeen"].endswith("Z") and label["lastUpdated"].endswith("Z")
    fetched = api.get(f"{LABELS}/{label['id']}")
    assert fetched.json() == label and fetched.headers["ETag"] == response.headers["ETag"]


@pytest.mark.parametrize("body", [{}, {"labelName": ""}, {"labelName": 42}, {"labelName": "X", "color": "red"},
                                  {"labelName": "X", "color": "#12345"}, {"labelName": "X", "isActive": "maybe"}])
def test_invalid_labels_are_400(api, body):
    response = api.post(LABELS, json=body)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_label_names_are_unique_ignoring_case(api):
    label = _create(api)
    assert api.post(LABELS, json={"labelName": label["labelName"].upper()}).status_code == 409
    other = _create(api)
    assert api.patch(f"{LABELS}/{other['id']}", json={"labelName": label["labelName"].lower()}).status_code == 409


def test_patch_merges_only_the_given_fields(api):
    label = _create(api, color="#000000", description="Before")
    response = api.patch(f"{LABELS}/{label['id']}", json={"color": "#FF5733"})
    assert response.status_code == 200
    patched = response.json()
    assert patched["color"] == "#FF5733" and patched["description"] == "Before"
    assert patched["labelName"] == label["labelName"] and patched["firstSeen"] == label["firstSeen"]
    assert patched["lastUpdated"] >= label["lastUpdated"]
    renamed = api.patch(f"{LABELS}/{label['id']}", json={"labelName": label["labelName"] + " 2", "isActive": False})
    assert renamed.json()["labelName"] == label["labelName"] + " 2" and renamed.json()["isActive"] is False


@pytest.mark.parametrize("body", [{"labelName": None}, {"color": "blue"}, {"isActive": None}, [{"op": "replace"}]])
def test_an_invalid_merge_is_400(api, body):
    label = _create(api)
    assert api.patch(f"{LABELS}/{label['id']}", json=body).status_code == 400


def test_a_stale_if_match_is_412(api):
    label = _create(api)
    first = api.get(f"{LABELS}/{label['id']}").headers["ETag"]
    assert api.patch(f"{LABELS}/{label['id']}", json={"description": "x"},
                     headers={"If-Match": first}).status_code == 200
    assert api.patch(f"{LABELS}/{label['id']}", json={"description": "y"},
                     headers={"If-Match": first}).status_code == 412
    assert api.delete(f"{LABELS}/{label['id']}", headers={"If-Match": first}).status_code == 412


def test_deletes_an_unused_label(api):
    label = _create(api)
    assert api.delete(f"{LABELS}/{label['id']}").status_code == 204
    assert api.get(f"{LABELS}/{label['id']}").status_code == 404
    assert api.delete(f"{LABELS}/{label['id']}").status_code == 404


def test_a_label_in_use_cannot_be_deleted_or_renamed(api):
    label = _create(api)
    group = api.post(GROUPS, json={"name": _name("Group"), "labels": [label["labelName"].lower()]}).json()
    assert group["labels"] == [label["labelName"]]
    assert _usage(api, label["id"]) == 1
    assert api.delete(f"{LABELS}/{label['id']}").status_code == 409
    assert api.patch(f"{LABELS}/{label['id']}", json={"labelName": _name()}).status_code == 409
    assert api.patch(f"{LABELS}/{label['id']}", json={"labelName": label["labelName"].upper()}).status_code == 200
    assert api.delete(f"{GROUPS}/{group['id']}").status_code == 204
    assert api.delete(f"{LABELS}/{label['id']}").status_code == 204


def test_unknown_or_malformed_ids_are_404(api):
    assert api.get(f"{LABELS}/{uuid.uuid4()}").status_code == 404
    assert api.get(f"{LABELS}/not-a-uuid").status_code == 404
    assert api.patch(f"{LABELS}/{uuid.uuid4()}", json={"color": "#000000"}).status_code == 404


def test_lists_labels_by_name_in_zero_based_pages(api):
    for name in ("Zeta", "alpha", "Mid"):
        _create(api, labelName=f"{name} {uuid.uuid4().hex[:6]}")
    everything = api.get(LABELS, params={"pageSize": 100}).json()
    names = [item["labelName"] for item in everything["items"]]
    assert names == sorted(names, key=str.casefold)
    assert everything["totalCount"] == len(names) and everything["pageNumber"] == 0
    first = api.get(LABELS, params={"pageSize": 2}).json()
    second = api.get(LABELS, params={"pageSize": 2, "pageNumber": 1}).json()
    assert first["items"] + second["items"] == everything["items"][:4]
    assert first["pageSize"] == 2 and first["totalCount"] == everything["totalCount"]
    default = api.get(LABELS).json()
    assert default["pageSize"] == 20 and default["pageNumber"] == 0


def test_filters_labels_by_active_state_ignoring_case(api):
    inactive = _create(api, isActive=False)
    active_names = {i["labelName"] for i in api.get(LABELS, params={"activeFilter": "ACTIVE", "pageSize": 100})
                    .json()["items"]}
    inactive_page = api.get(LABELS, params={"activeFilter": "inactive", "pageSize": 100}).json()
    assert inactive["labelName"] not in active_names
    assert inactive["labelName"] in {i["labelName"] for i in inactive_page["items"]}
    assert all(not i["isActive"] for i in inactive_page["items"])


@pytest.mark.parametrize("params", [{"pageNumber": -1}, {"pageSize": 0}, {"pageSize": 101}, {"pageSize": "ten"},
                                    {"activeFilter": "Sometimes"}])
def test_bad_list_parameters_are_400(api, params):
    assert api.get(LABELS, params=params).status_code == 400


def test_search_finds_similar_names_best_first(api):
    word = f"Hus{uuid.uuid4().hex[:5]}"
    exact = _create(api, labelName=word)
    _create(api, labelName=f"{word} udlejning")
    response = api.get(f"{LABELS}/search", params={"q": word.lower()})
    assert response.status_code == 200
    results = response.json()
    assert results[0]["id"] == exact["id"] and results[0]["similarity"] == 1.0
    assert {"usageCount", "color", "firstSeen", "isActive"} <= set(results[0])
    scores = [r["similarity"] for r in results]
    assert scores == sorted(scores, reverse=True) and min(scores) >= 0.3
    strict = api.get(f"{LABELS}/search", params={"q": word, "threshold": 1}).json()
    assert [r["id"] for r in strict] == [exact["id"]]
    assert len(api.get(f"{LABELS}/search", params={"q": word, "limit": 1}).json()) == 1


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x", "threshold": 1.5}, {"q": "x", "threshold": "high"},
                                    {"q": "x", "limit": 0}])
def test_bad_search_parameters_are_400(api, params):
    assert api.get(f"{LABELS}/search", params=params).status_code == 400


def test_suggest_completes_a_prefix_most_used_first(api):
    prefix = f"Sug{uuid.uuid4().hex[:5]}"
    rare, popular = _create(api, labelName=f"{prefix} a"), _create(api, labelName=f"{prefix} b")
    group = api.post(GROUPS, json={"name": _name("Group"), "labels": [popular["labelName"]]})
    assert group.status_code == 201
    response = api.get(f"{LABELS}/suggest", params={"prefix": prefix.upper()})
    assert response.status_code == 200
    assert response.json() == [{"id": popular["id"], "labelName": popular["labelName"], "usageCount": 1},
                               {"id": rare["id"], "labelName": rare["labelName"], "usageCount": 0}]
    assert len(api.get(f"{LABELS}/suggest", params={"prefix": prefix, "limit": 1}).json()) == 1
    assert api.get(f"{LABELS}/suggest").status_code == 400


def test_demo_labels_are_counted_from_the_demo_groups(api):
    premium = _find(api, "Premium")
    assert premium is not None and premium["usageCount"] >= 2


def test_using_an_unknown_label_registers_it(api):
    name = _name("Fresh")
    assert api.post(SERVICES, json={"name": _name("Service"), "labels": [name]}).status_code == 201
    registered = _find(api, name)
    assert registered["usageCount"] == 1 and registered["color"] == "#808080" and registered["isActive"] is True


def test_writes_need_the_config_role(reader, config_api):
    assert reader.post(LABELS, json={"labelName": _name()}).status_code == 403
    label = config_api.post(LABELS, json={"labelName": _name()}).json()
    assert reader.patch(f"{LABELS}/{label['id']}", json={"color": "#000000"}).status_code == 403
    assert reader.delete(f"{LABELS}/{label['id']}").status_code == 403
    assert reader.get(f"{LABELS}/{label['id']}").status_code == 200


def test_labels_are_v3_only(api_v2):
    assert api_v2.get(LABELS).status_code == 404
    assert api_v2.get(f"{LABELS}/search", params={"q": "x"}).status_code == 404


def _add_label(api, path: str, name: str):
    return api.patch(path, json=[{"op": "add", "path": "/labels/-", "value": name}])


def _drop_label(api, path: str, name: str):
    current = api.get(path, params={"includeHiddenFields": "true"}).json()["labels"]
    for _ in range(10):
        labels = [n for n in current if n.lower() != name.lower()]
        response = api.patch(path, json=[{"op": "test", "path": "/labels", "value": current},
                                         {"op": "replace", "path": "/labels", "value": labels}])
        if response.status_code != 409:
            return response
        current = api.get(path, params={"includeHiddenFields": "true"}).json()["labels"]
    return response


def test_usage_count_stays_exact_under_concurrent_writes(api):
    name = _name("Race")
    kinds = [(GROUPS, {}), (SERVICES, {}), (PORTALS, {})]
    paths = [f"{base}/{api.post(base, json={'name': _name('Racer'), **extra}).json()['id']}"
             for base, extra in kinds * 4]
    # Every resource takes the label up twice at once (kept once); then half drop it again,
    # while new resources register the unknown name concurrently.
    with ThreadPoolExecutor(max_workers=12) as pool:
        added = list(pool.map(lambda p: _add_label(api, p, name), paths * 2))
        created = list(pool.map(lambda base: api.post(base, json={"name": _name("New"), "labels": [name.upper()]}),
                                [GROUPS, SERVICES, PORTALS] * 2))
    assert all(r.status_code == 200 for r in added), [r.text for r in added if r.status_code != 200]
    assert all(r.status_code == 201 for r in created)
    label = _find(api, name)
    assert label["usageCount"] == len(paths) + len(created)
    with ThreadPoolExecutor(max_workers=12) as pool:
        dropped = list(pool.map(lambda p: _drop_label(api, p, name), paths[::2]))
        re_added = list(pool.map(lambda p: _add_label(api, p, name), paths[1::2]))
    assert all(r.status_code == 200 for r in dropped + re_added)
    carrying = [p for p in paths if any(n.lower() == name.lower() for n in api.get(p).json()["labels"])]
    assert len(carrying) == len(paths) // 2
    assert _usage(api, label["id"]) == len(carrying) + len(created)
    assert len(api.get(f"{LABELS}/suggest", params={"prefix": name, "limit": 100}).json()) == 1


@pytest.mark.parametrize("field", ["usageCount", "id", "firstSeen", "lastUpdated"])
def test_patching_a_read_only_field_of_a_label_is_400(api, field):
    created = api.post("/config/labels", json={"labelName": f"ReadOnly {uuid.uuid4().hex[:8]}"}).json()
    response = api.patch(f"/config/labels/{created['id']}", json={field: 7, "color": "#112233"})
    assert response.status_code == 400, response.text
    assert api.get(f"/config/labels/{created['id']}").json()["color"] == created["color"]
