"""/bookme/config/service-groups over real HTTP: CRUD, trigger and level patches, advisors, memberships."""

import uuid

import pytest

from shared.demo import bank, demo_id

SERVICES = "/bookme/config/service-groups"
GROUPS = "/bookme/config/competence-groups"
METTE, LARS, SOFIE, IDA = (bank.employee_named(n).id for n in
                           ("Mette Nielsen", "Lars Jensen", "Sofie Hansen", "Ida Larsen"))
MORTGAGE = next(t for t in bank.TOPICS if t.name == "Boliglån")
PENSION = next(t for t in bank.TOPICS if t.name == "Pension")
PRIVATE = next(c for c in bank.CUSTOMER_TYPES if c.name == "Privat")
BUSINESS = next(c for c in bank.CUSTOMER_TYPES if c.name == "Erhverv")


def _create(api, **body) -> dict:
    response = api.post(SERVICES, json={"name": f"Service {uuid.uuid4().hex[:8]}", **body})
    assert response.status_code == 201, response.text
    return response.json()


def _patch(api, path: str, *operations, **headers):
    return api.patch(path, json=list(operations), headers=headers)


def test_creates_a_service_group_with_defaults_for_trigger_and_level(api):
    response = api.post(SERVICES, json={"name": "Customer Service Team", "membershipEmail": "team@example.com",
                                        "employeeIds": [METTE, LARS], "labels": ["Support"],
                                        "maxMeetingTimePerDay": "PT4H"})
    assert response.status_code == 201 and response.headers["ETag"]
    group = response.json()
    assert group["membershipEmail"] == "team@example.com" and group["employeeIds"] == [METTE, LARS]
    assert group["maxMeetingTimePerDay"] == "04:00:00" and group["labels"] == ["Support"]
    assert group["serviceTrigger"] == {"topicIds": [], "customerTypeIds": [], "meetingTypes": [], "isEnabled": True}
    assert group["serviceLevel"] == {"maxResponseTime": "1.00:00:00", "targetPercentage": 80.0,
                                     "maxMeetingsPerDay": None}
    fetched = api.get(f"{SERVICES}/{group['id']}")
    assert fetched.json() == group and fetched.headers["ETag"] == response.headers["ETag"]


@pytest.mark.parametrize(("body", "field"), [
    ({"employeeIds": [str(uuid.uuid4())]}, "employeeIds"),
    ({"competenceGroupIds": [str(uuid.uuid4())]}, "competenceGroupIds"),
    ({"serviceTrigger": {"topicIds": [str(uuid.uuid4())]}}, "serviceTrigger.topicIds"),
    ({"serviceTrigger": {"customerTypeIds": [str(uuid.uuid4())]}}, "serviceTrigger.customerTypeIds"),
])
def test_unknown_ids_are_400_naming_the_field(api, body, field):
    response = api.post(SERVICES, json={"name": "Bad", **body})
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize("body", [
    {}, {"name": "X", "membershipEmail": "not an email"}, {"name": "X", "maxMeetingTimePerDay": "lots"},
    {"name": "X", "maxMeetingTimePerDay": "00:00:00"}, {"name": "X", "serviceLevel": {"targetPercentage": 150}},
    {"name": "X", "serviceLevel": {"maxMeetingsPerDay": -2}},
    {"name": "X", "serviceTrigger": {"meetingTypes": ["Hologram"]}},
    {"name": "X", "employeeIds": [1, 2]},
])
def test_invalid_service_groups_are_400(api, body):
    assert api.post(SERVICES, json=body).status_code == 400


def test_patch_updates_the_group_and_refuses_the_id(api):
    group = _create(api)
    path = f"{SERVICES}/{group['id']}"
    response = _patch(api, path, {"op": "replace", "path": "/maxMeetingTimePerDay", "value": "05:00:00"},
                      {"op": "add", "path": "/employeeIds/-", "value": SOFIE},
                      {"op": "replace", "path": "/serviceLevel/targetPercentage", "value": 95})
    assert response.status_code == 200, response.text
    assert response.json()["maxMeetingTimePerDay"] == "05:00:00" and response.json()["employeeIds"] == [SOFIE]
    assert response.json()["serviceLevel"]["targetPercentage"] == 95
    assert _patch(api, path, {"op": "replace", "path": "/id", "value": str(uuid.uuid4())}).status_code == 400
    assert _patch(api, path, {"op": "replace", "path": "/membershipEmail", "value": "nope"}).status_code == 400
    assert _patch(api, path, {"op": "add", "path": "/competenceGroupIds/-",
                              "value": str(uuid.uuid4())}).status_code == 400
    assert _patch(api, path, {"op": "test", "path": "/name", "value": "other"}).status_code == 409
    assert api.patch(path, json={"name": "not a patch"}).status_code == 400


def test_service_trigger_patch_applies_to_the_trigger_document(api):
    group = _create(api)
    path = f"{SERVICES}/{group['id']}/service-trigger"
    response = _patch(api, path, {"op": "replace", "path": "/topicIds", "value": [MORTGAGE.id]},
                      {"op": "add", "path": "/meetingTypes/-", "value": "online"},
                      {"op": "replace", "path": "/isEnabled", "value": False})
    assert response.status_code == 200, response.text
    assert response.json()["serviceTrigger"] == {"topicIds": [MORTGAGE.id], "customerTypeIds": [],
                                                 "meetingTypes": ["Online"], "isEnabled": False}
    assert response.headers["ETag"]
    unknown = _patch(api, path, {"op": "add", "path": "/customerTypeIds/-", "value": str(uuid.uuid4())})
    assert unknown.status_code == 400 and "serviceTrigger.customerTypeIds" in unknown.json()["errors"]
    assert _patch(api, path, {"op": "replace", "path": "/meetingTypes", "value": ["Teleport"]}).status_code == 400
    assert _patch(api, path, {"op": "replace", "path": "", "value": {}}).status_code == 400


def test_service_level_patch_applies_to_the_level_document(api):
    group = _create(api)
    path = f"{SERVICES}/{group['id']}/service-level"
    response = _patch(api, path, {"op": "replace", "path": "/maxResponseTime", "value": "PT4H"},
                      {"op": "replace", "path": "/maxMeetingsPerDay", "value": 6})
    assert response.status_code == 200, response.text
    assert response.json()["serviceLevel"] == {"maxResponseTime": "04:00:00", "targetPercentage": 80.0,
                                               "maxMeetingsPerDay": 6}
    assert _patch(api, path, {"op": "replace", "path": "/targetPercentage", "value": -1}).status_code == 400
    assert _patch(api, path, {"op": "replace", "path": "/maxResponseTime", "value": "soon"}).status_code == 400
    assert _patch(api, path, {"op": "test", "path": "/maxMeetingsPerDay", "value": 7}).status_code == 409


def test_a_stale_if_match_is_412_on_every_patch_and_delete(api):
    group = _create(api)
    etag = api.get(f"{SERVICES}/{group['id']}").headers["ETag"]
    stale = {"If-Match": etag}
    assert _patch(api, f"{SERVICES}/{group['id']}", {"op": "replace", "path": "/name", "value": "N"},
                  **stale).status_code == 200
    assert _patch(api, f"{SERVICES}/{group['id']}", {"op": "replace", "path": "/name", "value": "M"},
                  **stale).status_code == 412
    assert _patch(api, f"{SERVICES}/{group['id']}/service-trigger",
                  {"op": "replace", "path": "/isEnabled", "value": False}, **stale).status_code == 412
    assert _patch(api, f"{SERVICES}/{group['id']}/service-level",
                  {"op": "replace", "path": "/targetPercentage", "value": 50}, **stale).status_code == 412
    assert api.delete(f"{SERVICES}/{group['id']}", headers=stale).status_code == 412


def test_advisors_come_from_members_competence_groups_and_the_trigger(api):
    child = api.post(GROUPS, json={"name": f"Child {uuid.uuid4().hex[:6]}", "employeeIds": [SOFIE]}).json()
    competence = api.post(GROUPS, json={"name": f"Parent {uuid.uuid4().hex[:6]}", "employeeIds": [LARS],
                                        "childGroupIds": [child["id"]]}).json()
    group = _create(api, employeeIds=[IDA], competenceGroupIds=[competence["id"]],
                    serviceTrigger={"topicIds": [PENSION.id], "customerTypeIds": [PRIVATE.id]})
    response = api.get(f"{SERVICES}/{group['id']}/advisors")
    assert response.status_code == 200
    advisors = response.json()
    assert advisors["assigned"] == [IDA]
    assert advisors["competenceGroupAdvisors"] == sorted([LARS, SOFIE])
    pension_advisors = {bank.employee_named(n).id for n in ("Sofie Hansen", "Thomas Madsen", "Emma Møller")}
    assert pension_advisors <= set(advisors["skillBased"])
    assert METTE not in advisors["skillBased"]
    business = _create(api, serviceTrigger={"topicIds": [PENSION.id], "customerTypeIds": [BUSINESS.id]})
    assert api.get(f"{SERVICES}/{business['id']}/advisors").json()["skillBased"] == []
    assert api.get(f"{SERVICES}/{uuid.uuid4()}/advisors").status_code == 404


def test_lists_service_groups_carrying_all_given_labels(api):
    tag = f"Tag{uuid.uuid4().hex[:6]}"
    both = _create(api, labels=[tag, "Support"])
    _create(api, labels=[tag])
    listed = api.get(SERVICES, params=[("labels", tag.upper()), ("labels", "support")]).json()
    assert [g["id"] for g in listed] == [both["id"]]
    assert len(api.get(SERVICES, params={"labels": tag}).json()) == 2


def test_demo_branches_have_service_groups_with_a_daily_cap(api):
    copenhagen = api.get(f"{SERVICES}/{demo_id('serviceGroup', 'CPH-HQ')}").json()
    assert copenhagen["maxMeetingTimePerDay"] == "05:00:00"
    assert METTE in copenhagen["employeeIds"]
    names = {g["name"] for g in api.get(SERVICES).json()}
    assert {"Kundeservice København", "Kundeservice Aarhus", "Kundeservice Odense", "Kundeservice Aalborg"} <= names


def test_adds_and_removes_an_employee_keeping_the_first_date(api):
    first = _create(api, membershipEmail="first@nordhavnbank.example")
    added = api.patch(f"{SERVICES}/employee/{SOFIE}/add", json=[first["id"]])
    assert added.status_code == 200
    entry = next(g for g in added.json() if g["id"] == first["id"])
    assert entry["membershipEmail"] == "first@nordhavnbank.example" and entry["dateAssigned"].endswith("Z")
    again = api.patch(f"{SERVICES}/employee/{SOFIE}/add", json=[first["id"]]).json()
    assert next(g for g in again if g["id"] == first["id"])["dateAssigned"] == entry["dateAssigned"]
    assert SOFIE in api.get(f"{SERVICES}/{first['id']}").json()["employeeIds"]
    removed = api.patch(f"{SERVICES}/employee/{SOFIE}/remove", json=[first["id"]])
    assert removed.status_code == 200 and first["id"] not in {g["id"] for g in removed.json()}
    assert first["id"] not in {g["id"] for g in api.get(f"{SERVICES}/employee/{SOFIE}").json()}


@pytest.mark.parametrize("body", [[str(uuid.uuid4())], ["nope"], {"id": "x"}])
def test_bad_membership_bodies_are_400(api, body):
    assert api.patch(f"{SERVICES}/employee/{METTE}/add", json=body).status_code == 400
    assert api.patch(f"{SERVICES}/employee/{METTE}/remove", json=body).status_code == 400


def test_deletes_a_service_group(api):
    group = _create(api)
    assert api.delete(f"{SERVICES}/{group['id']}").status_code == 204
    assert api.get(f"{SERVICES}/{group['id']}").status_code == 404
    assert api.delete(f"{SERVICES}/{group['id']}").status_code == 404


def test_writes_need_the_config_role(reader, config_api):
    assert reader.post(SERVICES, json={"name": "X"}).status_code == 403
    group = config_api.post(SERVICES, json={"name": "By config"}).json()
    for path in ("", "/service-trigger", "/service-level"):
        assert reader.patch(f"{SERVICES}/{group['id']}{path}", json=[]).status_code == 403
    assert reader.delete(f"{SERVICES}/{group['id']}").status_code == 403
    assert reader.patch(f"{SERVICES}/employee/{METTE}/add", json=[group["id"]]).status_code == 403
    assert reader.get(f"{SERVICES}/{group['id']}/advisors").status_code == 200


def test_service_groups_are_v3_only(api_v2):
    assert api_v2.get(SERVICES).status_code == 404
    assert api_v2.get(f"{SERVICES}/{demo_id('serviceGroup', 'AAR')}/advisors").status_code == 404


async def test_availability_reads_topics_and_caps_from_the_demo_groups(ctx):
    from datetime import timedelta

    from shared.rules.availability_pools import qualified_ids
    from shared.rules.daily_caps import daily_caps, group_caps_by_employee
    from shared.services.groups import competence_groups, service_groups

    groups = [v.item for v in await competence_groups(ctx).list()]
    thomas = bank.employee_named("Thomas Madsen").id  # pension advisor, in no test's groups
    mortgage = qualified_ids(groups, MORTGAGE.id, None)
    assert {METTE, LARS, IDA} <= mortgage and thomas not in mortgage
    everyday = next(t for t in bank.TOPICS if t.name == "Dagligbank")
    # Privatrådgivning lists Dagligbank for private customers; its child groups' members qualify too.
    assert {METTE, thomas} <= qualified_ids(groups, everyday.id, PRIVATE.id)
    assert METTE not in qualified_ids(groups, everyday.id, BUSINESS.id)
    services = [v.item for v in await service_groups(ctx).list()]
    anders = bank.employee_named("Anders Pedersen").id
    anders_groups = [g for g in services if anders in g.employee_ids]
    assert demo_id("serviceGroup", "CPH-HQ") in {g.id for g in anders_groups}
    caps = daily_caps([anders], {}, group_caps_by_employee(anders_groups), timedelta(hours=8))
    assert caps[anders] <= timedelta(hours=5)
    assert all(bank.employee_named("Peter Mortensen").id not in g.employee_ids for g in services)
