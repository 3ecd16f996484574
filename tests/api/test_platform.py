"""Cross-cutting behaviour over real HTTP: health, tokens and roles, problem details,
size limits, ETags, unknown routes and the OpenAPI documents."""

import uuid

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV30SpecValidator

from shared.demo import bank
from tests.utils.tokens import bearer

EMPLOYEE = bank.employee_named("Lars Jensen")


def _is_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and "detail" in body
    return body


def test_health_needs_no_token(stack):
    response = httpx.get(f"{stack.base_url}/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_no_token_is_401_with_a_bearer_challenge(stack):
    response = httpx.get(f"{stack.base_url}/v3/bookme/employees")
    _is_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "overrides",
    [{"audience": "api://someone-else"}, {"issuer": "https://login.example/other"}, {"lifetime_seconds": -300},
     {"key": rsa.generate_private_key(public_exponent=65537, key_size=2048)}],
    ids=["wrong-audience", "wrong-issuer", "expired", "bad-signature"],
)
def test_invalid_tokens_are_401(stack, overrides):
    response = httpx.get(f"{stack.base_url}/v3/bookme/employees", headers=bearer(stack.key_file, [], **overrides))
    _is_problem(response, 401)


def test_a_token_of_undecodable_bytes_is_a_401_that_says_it_is_malformed(stack):
    response = httpx.get(f"{stack.base_url}/v3/bookme/employees", headers={"Authorization": "Bearer t7e3.e30.c2ln"})
    body = _is_problem(response, 401)
    assert body["detail"].startswith("The token is malformed: a bearer token is a JSON Web Token")
    assert "codec" not in body["detail"] and "t7e3" not in body["detail"]


def test_a_token_without_the_admin_role_cannot_write_the_directory(reader, config_api):
    body = {"name": "X", "capacity": 2, "location": "AAR"}
    _is_problem(reader.put(f"/rooms/{uuid.uuid4()}", json=body), 403)
    _is_problem(config_api.put(f"/rooms/{uuid.uuid4()}", json=body), 403)


def test_a_token_without_roles_may_read(reader):
    assert reader.get("/employees").status_code == 200


def test_config_role_writes_configuration(config_api):
    assert config_api.post("/config/customer-types", json={"name": f"Type {uuid.uuid4()}"}).status_code == 201


def test_unknown_routes_and_ids_are_404_problems(api, stack):
    _is_problem(api.get("/no-such-thing"), 404)
    _is_problem(httpx.get(f"{stack.base_url}/v1/bookme/employees"), 404)
    _is_problem(api.get(f"/employees/{uuid.uuid4()}"), 404)
    _is_problem(api.get("/employees/not-a-uuid"), 404)
    _is_problem(api.get("/employees/' OR 1=1 --"), 404)


@pytest.mark.parametrize("path", [
    "/api/v3/bookme/no-such-resource",  # the app's catch-all function
    "/api/v3/bookme/employees/3fa85f64-5717-4562-b3fc-2c963f66afa6/no-such",  # a route group's own router
    "/no-such-prefix/v3",  # no function at all: the local host's own answer
    "/api/v3/bookme/line%0Abreak",  # encoded as sent, so no control character is echoed
])
def test_a_404_names_the_path_as_it_was_asked(api, stack, path):
    origin = stack.base_url.removesuffix("/api")
    body = _is_problem(httpx.get(f"{origin}{path}?q=private", headers=api.headers), 404)
    assert body["detail"] == f"No resource at {path}."


def test_v3_only_configuration_is_404_under_v2(api_v2):
    for path in ("/config/labels", "/bookme/config/locations", "/bookme/config/competence-groups",
                 "/bookme/config/organization-settings", "/bookme/config/timezones"):
        _is_problem(api_v2.get(path), 404)


def test_malformed_json_is_400(api):
    response = api.put(f"/employees/{uuid.uuid4()}", content=b"{not json", headers={"Content-Type": "application/json"})
    _is_problem(response, 400)


def test_wrong_types_and_missing_fields_are_400_with_errors_per_field(api):
    body = _is_problem(api.put(f"/rooms/{uuid.uuid4()}", json={"name": "R", "capacity": "many"}), 400)
    assert set(body["errors"]) >= {"capacity", "location"}


def test_unknown_properties_are_ignored(api):
    response = api.post("/config/customer-types", json={"name": f"T {uuid.uuid4()}", "colour": "blue", "id": "mine"})
    assert response.status_code == 201
    assert "colour" not in response.json()
    assert response.json()["id"] != "mine"


def test_a_body_over_one_mebibyte_is_413(api):
    big = {"name": "x" * 100, "description": "y" * (1024 * 1024 + 10)}
    _is_problem(api.post("/config/customer-types", json=big), 413)


def test_stale_if_match_is_412_and_current_if_match_succeeds(api):
    created = api.post("/config/customer-types", json={"name": f"Type {uuid.uuid4()}"})
    etag = created.headers["ETag"]
    type_id = created.json()["id"]
    changed = api.put(f"/config/customer-types/{type_id}", json={"name": f"Renamed {uuid.uuid4()}"},
                      headers={"If-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    _is_problem(api.delete(f"/config/customer-types/{type_id}", headers={"If-Match": etag}), 412)
    deleted = api.delete(f"/config/customer-types/{type_id}", headers={"If-Match": changed.headers["ETag"]})
    assert deleted.status_code == 204


def test_if_match_on_a_missing_resource_is_412(api):
    body = {"name": "Nobody"}
    _is_problem(api.put(f"/employees/{uuid.uuid4()}", json=body, headers={"If-Match": '"abc"'}), 412)


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_openapi_documents_need_no_token_are_valid_3_0_and_cover_the_served_endpoints(stack, version):
    response = httpx.get(f"{stack.base_url}/{version}/bookme/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document, cls=OpenAPIV30SpecValidator)
    assert document["openapi"] == "3.0.3"
    paths = document["paths"]
    assert {"get", "put", "delete"} <= set(paths["/employees/{id}"])
    assert "/meeting-topics" in paths and "/config/customer-types/{id}" in paths
    if version == "v2":
        assert not any(p.startswith(("/config/labels", "/bookme/")) for p in paths)


def test_a_known_path_with_another_method_is_405(api):
    _is_problem(api.post("/employees", json={}), 405)
    _is_problem(api.patch(f"/rooms/{uuid.uuid4()}", json=[]), 405)


@pytest.mark.parametrize("body", [{"capacity": "5"}, {"capacity": True}, {"isActive": "yes"}, {"features": "Screen"}])
def test_json_values_of_the_wrong_type_are_400_not_coerced(api, body):
    room = {"name": "Typed room", "capacity": 4, "location": "AAR", **body}
    response = _is_problem(api.put(f"/rooms/{uuid.uuid4()}", json=room), 400)
    assert set(body) <= set(response["errors"])


def test_enum_values_in_bodies_are_case_insensitive(api):
    portal = {"name": f"Portal {uuid.uuid4()}", "authenticationType": "mitid"}
    response = api.post("/bookme/config/portals", json=portal)
    assert response.status_code == 201, response.text
    assert response.json()["authenticationType"] == "MitID"
