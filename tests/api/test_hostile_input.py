"""Hostile input against every endpoint of both versions (issue 12, contract sections 4, 18, 21).

Every answer is a 4xx problem+json carrying the request id, and nothing changes: every list
the API serves reads the same before and after, and no e-mail is sent.
"""

import json
import uuid

import httpx
import pytest

import function_app  # noqa: F401 - declares every route group
from functions import lazy_groups
from functions.routing import GROUPS, PUBLIC, Endpoint, RouteGroup
from shared.auth import Role
from tests.utils.tokens import bearer, hostile_tokens

lazy_groups.load_all()  # the groups' modules, so that every endpoint is listed
ENDPOINTS: list[tuple[str, RouteGroup, Endpoint]] = [
    (version, group, endpoint) for group in GROUPS for endpoint in group.endpoints for version in endpoint.versions
]
REQUEST_ID = "hostile-suite.1"


def _path(group: RouteGroup, endpoint: Endpoint, param: str | None = None) -> str:
    """The endpoint's path, each parameter a fresh UUID (or `param`, for the first one)."""
    parts = []
    for segment in [s for s in group.base.split("/") if s] + endpoint.segments:
        if segment.startswith("{"):
            segment, param = (param, None) if param is not None else (str(uuid.uuid4()), None)
        parts.append(segment)
    return "/".join(parts)


def _id(item: tuple[str, RouteGroup, Endpoint]) -> str:
    version, group, endpoint = item
    return f"{version} {endpoint.method} /{_path(group, endpoint, None).split('/')[0]}/{endpoint.path}".replace(
        "  ", " ")


def _problem(response: httpx.Response, *statuses: int) -> None:
    where = f"{response.request.method} {response.request.url}"
    assert response.status_code in statuses, f"{where}: {response.status_code} {response.text[:300]}"
    assert response.headers["Content-Type"].startswith("application/problem+json"), where
    body = response.json()
    assert body["status"] == response.status_code and body["title"] and "detail" in body, where
    assert response.headers["X-Request-Id"] == REQUEST_ID, where


# Bodies no JSON reader of this API may accept, whatever the endpoint expects.
HOSTILE_BODIES = {
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "nested 33 deep": b'{"a":' * 33 + b"1" + b"}" * 33,
    "unclosed brackets": b"[" * 200_000,
    "UTF-16": '{"name": "\u00e6"}'.encode("utf-16"),
    "Latin-1": '{"name": "\u00e6"}'.encode("latin-1"),
    "invalid UTF-8": b'{"name": "\xc3\x28"}',
    "NaN": b'{"name": NaN, "value": NaN}',
    "Infinity": b'[{"op": "replace", "path": "/name", "value": Infinity}]',
    "1e400": b'{"capacity": 1e400}',
    "huge integer": b'{"capacity": ' + b"9" * 4000 + b"}",
    "2^63": b'[9223372036854775808]',
    "lone surrogate": b'{"name": "\\ud800", "op": "add"}',
    "lone surrogate key": b'{"\\udc00": 1}',
    "not JSON": b"{name: 1}",
    "empty": b"   ",
}


@pytest.fixture(scope="module")
def client(stack):
    with httpx.Client(base_url=stack.base_url, timeout=60, headers={"X-Request-Id": REQUEST_ID}) as http:
        yield http


def _lists(stack, client) -> dict[str, object]:
    """What every list endpoint serves (with its ETags): the state a hostile request must not change."""
    seen = {}
    for version, group, endpoint in ENDPOINTS:
        required = endpoint.query is not None and any(f.is_required() for f in endpoint.query.model_fields.values())
        if endpoint.method != "GET" or endpoint.segments or required and group.name != "meeting_topics" \
                or not endpoint.documented:  # a page for browsers, not a list
            continue
        response = client.get(f"/{version}/bookme/{_path(group, endpoint)}", params={"isCustomer": "false"},
                              headers=bearer(stack.key_file))
        assert response.status_code == 200, response.text
        seen[f"{version} {group.base}"] = response.json()
    return seen


@pytest.fixture(scope="module")
def before(stack, client):
    return _lists(stack, client), len(stack.mail.messages)


@pytest.mark.parametrize("target", ENDPOINTS, ids=[_id(t) for t in ENDPOINTS])
def test_every_endpoint_refuses_hostile_input(stack, client, before, target):
    version, group, endpoint = target
    url = f"/{version}/bookme/{_path(group, endpoint)}"
    good = bearer(stack.key_file, [*["BookMe.Config", "BookMe.Admin"]])

    if endpoint.role != PUBLIC:
        for name, token in hostile_tokens(stack.key_file).items():
            response = client.request(endpoint.method, url, headers={"Authorization": f"Bearer {token}"},
                                      content=b'{"name": "x"}')
            _problem(response, 401)
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), name
    if isinstance(endpoint.role, Role):
        # Authorised before anything is read: the same 403 whether the resource exists or not.
        _problem(client.request(endpoint.method, url, headers=bearer(stack.key_file, []), content=b"[" * 100_000), 403)

    # A control character in any query value, used by the endpoint or not.
    _problem(client.request(endpoint.method, url + "?isCustomer=false&x=a%00b", headers=good, content=b"{}"), 400)
    _problem(client.request(endpoint.method, url + "?x=%1b%5B31m", headers=good, content=b"{}"), 400)
    _problem(client.request(endpoint.method, url + "?x=%ff%fe", headers=good, content=b"{}"), 400)  # not UTF-8
    # Over 1 MiB.
    _problem(client.request(endpoint.method, url, headers=good, content=b'"' + b"x" * (1024 * 1024) + b'"'), 413)
    # A path parameter with a newline, a NUL or a lone surrogate's UTF-8 bytes.
    if any(s.startswith("{") for s in endpoint.segments):
        for param in ("%0A" + str(uuid.uuid4()), str(uuid.uuid4()) + "%00", "%ED%A0%80"):
            _problem(client.request(endpoint.method, f"/{version}/bookme/{_path(group, endpoint, param)}",
                                    headers=good), 404, 400)
    if endpoint.body is not None:
        for name, body in HOSTILE_BODIES.items():
            response = client.request(endpoint.method, url, headers={**good, "Content-Type": "application/json"},
                                      content=body)
            _problem(response, 400)
            assert "detail" in response.json(), name


# Control characters and lone surrogates in string fields: one line of text (names, keys, ids,
# e-mail addresses) refuses them; free text keeps only newline and tab.
FIELD_CASES = [
    ("PUT", "employees/{new}", {"name": "Ann\u0000e", "email": "ann@bank.example"}),
    ("PUT", "employees/{new}", {"name": "Anne", "email": "ann\u0007@bank.example"}),
    ("PUT", "employees/{new}", {"name": "Anne\nBerg"}),
    ("PUT", "employees/{new}", {"name": "Anne", "title": "x" * 100_000}),
    ("PUT", "rooms/{new}", {"name": "R\u2028", "capacity": 4, "location": "AAR"}),
    ("PUT", "rooms/{new}", {"name": "R", "capacity": 4, "location": "AAR", "features": ["tv\u001b[2J"]}),
    ("PUT", "rooms/{new}", {"name": "R", "capacity": 4, "location": "AAR", "features": ["f"] * 100_000}),
    ("PUT", "rooms/{new}", {"name": "R", "capacity": 1e308, "location": "AAR"}),
    ("PUT", "rooms/{new}", {"name": "R", "capacity": 2**53 - 1, "location": "AAR"}),
    ("POST", "config/customer-types", {"name": "Private\u0000"}),
    ("POST", "config/customer-types", {"name": "Private", "description": "a\u0000b"}),
    ("POST", "meeting-topics", {"name": "Topic", "description": "bell\u0007"}),
    ("POST", "bookme/config/locations", {"location": "AAR\u0085"}),
    ("POST", "config/labels", {"labelName": "vip\t"}),
    ("POST", "bookme/config/portals", {"name": "Portal", "styling": "body{}\u0000"}),
    ("POST", "bookme/config/portals", {"name": "Portal", "fields": [{"name": "cpr\u0000"}]}),
    ("POST", "bookme/config/competence-groups", {"name": "Mortgage\u001f"}),
    ("POST", "bookme/config/service-groups", {"name": "Service", "membershipEmail": "a\u0000@bank.example"}),
    ("POST", "meetings", {"bookedBy": "Employee", "salesforceId": "sf\u0000", "employeeId": str(uuid.uuid4()),
                          "customerId": "c", "type": "Online"}),
    ("POST", "meetings", {"bookedBy": "PortalCustomer", "salesforceId": "sf", "employeeId": str(uuid.uuid4()),
                          "customerId": "c", "type": "Online", "customFields": [{"key": "k\u0000", "value": "v"}]}),
    ("POST", "meetings", {"bookedBy": "Employee", "salesforceId": "sf", "employeeId": str(uuid.uuid4()),
                          "customerId": "c\r\n", "type": "Online"}),
    ("POST", "meetings", {"bookedBy": "Employee", "salesforceId": "sf", "employeeId": str(uuid.uuid4()),
                          "customerId": "c", "type": "Online", "startDate": "2026-01-01T10:00:00Z\u0000"}),
]


@pytest.mark.parametrize(("method", "path", "body"), FIELD_CASES, ids=[f"{m} {p} {i}" for i, (m, p, _) in
                                                                        enumerate(FIELD_CASES)])
def test_string_fields_refuse_control_characters(stack, client, before, method, path, body):
    url = "/v3/bookme/" + path.replace("{new}", str(uuid.uuid4()))
    _problem(client.request(method, url, headers=bearer(stack.key_file), content=json.dumps(body)), 400)


def test_free_text_keeps_newlines_and_tabs(api):
    created = api.post("/config/customer-types", json={"name": f"Multi-line {uuid.uuid4()}",
                                                        "description": "Line one\nLine two\twith a tab"})
    assert created.status_code == 201, created.text
    assert created.json()["description"] == "Line one\nLine two\twith a tab"
    assert api.delete(f"/config/customer-types/{created.json()['id']}").status_code == 204


def test_json_patch_cannot_reach_read_only_paths(api):
    location = api.post("/bookme/config/locations", json={"location": f"HOSTILE-{uuid.uuid4().hex[:8]}"})
    assert location.status_code == 201, location.text
    url = f"/bookme/config/locations/{location.json()['id']}"
    try:
        for operations in (
            [{"op": "replace", "path": "/id", "value": str(uuid.uuid4())}],
            [{"op": "remove", "path": "/id"}],
            [{"op": "move", "from": "/id", "path": "/displayName"}],
            [{"op": "copy", "from": "/displayName", "path": "/id"}],
            [{"op": "add", "path": "/id/-", "value": "x"}],
            [{"op": "replace", "path": "", "value": {}}],
            [{"op": "replace", "path": "/i~1d", "value": "x"}],
            [{"op": "replace", "path": "/displayName~0", "value": "x"}],
            [{"op": "add", "path": "/displayName/-", "value": "x"}],
            [{"op": "replace", "path": "/displayName", "value": "x\u0000"}],
            [{"op": "add", "path": "/a", "value": ["x" * 1000]}] + [{"op": "copy", "from": "/a", "path": "/a/-"}] * 40,
        ):
            response = api.patch(url, json=operations, headers={"X-Request-Id": REQUEST_ID})
            _problem(response, 400)
        assert api.get(url).json() == location.json()
    finally:
        api.delete(url)


def test_an_unauthorised_write_changes_nothing_and_reveals_nothing(api, reader, config_api):
    employee_id = str(uuid.uuid4())
    created = api.put(f"/employees/{employee_id}", json={"name": "Guarded Employee"})
    assert created.status_code == 201, created.text
    try:
        for client in (reader, config_api):
            existing = client.delete(f"/employees/{employee_id}", headers={"If-Match": "stale"})
            missing = client.delete(f"/employees/{uuid.uuid4()}", headers={"If-Match": "stale"})
            assert existing.status_code == missing.status_code == 403
            assert existing.json()["detail"] == missing.json()["detail"]
            overwrite = client.put(f"/employees/{employee_id}", json={"name": "Taken Over"})
            assert overwrite.status_code == 403
        assert api.get(f"/employees/{employee_id}").json() == created.json()
    finally:
        api.delete(f"/employees/{employee_id}")


def test_nothing_changed(stack, client, before):
    """Runs last in this module: every list reads as it did before the hostile requests."""
    lists, mails = before
    assert _lists(stack, client) == lists
    assert len(stack.mail.messages) == mails
