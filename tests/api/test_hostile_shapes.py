"""Bodies of the worst shapes, each 1 MiB, and malformed JSON Patch operations (contract section 22).

Reading a request costs time linear in its size: each shape is answered with a 4xx problem
within the contract's one second (the bound is the contract's own promise; the app answers in
tens of milliseconds, bench/bench_json_input.py). Every PATCH endpoint answers 400 to an
operation that is not an object, or whose op, path or from is not a string.
"""

import time
import uuid

import httpx
import pytest

import function_app  # noqa: F401 - declares every route group
from functions import lazy_groups
from functions.routing import GROUPS, RouteGroup
from tests.api.test_meetings import meeting_body, new_day
from tests.utils.hostile_shapes import MIB, PATCHES, SHAPES
from tests.utils.tokens import bearer

CONTRACT_SECONDS = 1.0
REQUEST_ID = "hostile-shapes.1"


@pytest.fixture(scope="module")
def client(stack):
    headers = {**bearer(stack.key_file), "X-Request-Id": REQUEST_ID, "Content-Type": "application/json"}
    with httpx.Client(base_url=f"{stack.base_url}/v3/bookme", timeout=60, headers=headers) as http:
        yield http


@pytest.fixture(scope="module")
def meeting_id(api):
    for hour in range(8, 16):
        response = api.post("/meetings", json=meeting_body(new_day(), hour))
        if response.status_code == 201:
            return response.json()["id"]
    pytest.fail(f"no meeting could be booked: {response.text}")


def _answered_in_time(client: httpx.Client, method: str, url: str, body: bytes) -> httpx.Response:
    client.request(method, url, content=b"{")  # the route group's first request imports it: not timed
    started = time.perf_counter()
    response = client.request(method, url, content=body)
    elapsed = time.perf_counter() - started
    where = f"{method} {url}: {response.status_code} {response.text[:300]}"
    assert 400 <= response.status_code < 500, where
    assert response.headers["Content-Type"].startswith("application/problem+json"), where
    assert response.headers["X-Request-Id"] == REQUEST_ID, where
    assert elapsed < CONTRACT_SECONDS, f"{where}: answered in {elapsed:.2f} s"
    return response


TARGETS = [("POST", "/meetings"), ("PATCH", "/meetings/{meeting}"), ("POST", "/time-slots/reserve"),
           ("POST", "/bookme/config/locations")]


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
@pytest.mark.parametrize(("method", "path"), TARGETS, ids=[f"{m} {p}" for m, p in TARGETS])
def test_a_mebibyte_of_the_worst_shapes_is_refused_within_a_second(client, meeting_id, method, path, shape):
    assert len(SHAPES[shape]) == MIB
    _answered_in_time(client, method, path.format(meeting=meeting_id), SHAPES[shape])


@pytest.mark.parametrize("patch", PATCHES, ids=list(PATCHES))
def test_a_large_json_patch_of_a_meeting_is_refused_within_a_second(client, meeting_id, patch):
    assert len(PATCHES[patch]) <= MIB
    response = _answered_in_time(client, "PATCH", f"/meetings/{meeting_id}", PATCHES[patch])
    assert response.status_code in (400, 409), response.text[:300]
    assert len(response.content) < 10_000, "a problem's detail quotes neither the document nor the patch"


lazy_groups.load_all()
PATCH_ENDPOINTS = [(version, group, endpoint) for group in GROUPS for endpoint in group.endpoints
                   if endpoint.method == "PATCH" for version in endpoint.versions]


def _url(version: str, group: RouteGroup, path: str) -> str:
    segments = [str(uuid.uuid4()) if s.startswith("{") else s for s in path.split("/") if s]
    return "/".join([f"/{version}/bookme", group.base, *segments])


MALFORMED = [
    [{"op": {}, "path": "/displayName", "value": None, "from": ""}],
    [{"op": "add", "path": "/displayName", "value": None, "from": {}}],
    [{"op": ["replace"], "path": "/displayName", "value": "x"}],
    [{"op": "replace", "path": 1, "value": "x"}],
    [{"op": "copy", "from": None, "path": "/displayName"}],
    ["replace"],
    [[{"op": "replace", "path": "/displayName", "value": "x"}]],
]


@pytest.mark.parametrize(("version", "group", "endpoint"), PATCH_ENDPOINTS,
                         ids=[f"{v} PATCH /{g.base}/{e.path}" for v, g, e in PATCH_ENDPOINTS])
def test_every_patch_endpoint_refuses_malformed_operations(stack, version, group, endpoint):
    assert len(PATCH_ENDPOINTS) >= 10
    headers = {**bearer(stack.key_file), "X-Request-Id": REQUEST_ID}
    with httpx.Client(base_url=stack.base_url, timeout=30, headers=headers) as http:
        for operations in MALFORMED:
            response = http.patch(_url(version, group, endpoint.path), json=operations)
            where = f"{endpoint.path} {operations}: {response.status_code} {response.text[:300]}"
            assert response.status_code == 400, where
            assert response.headers["Content-Type"].startswith("application/problem+json"), where
