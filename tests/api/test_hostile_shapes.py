"""Bodies of the worst shapes, each 1 MiB, and malformed JSON Patch operations (contract section 22).

Reading a request costs time linear in its size: each shape is answered with a 4xx problem
within the contract's one second (the bound is the contract's own promise; the app answers in
tens of milliseconds, bench/bench_json_input.py). Every PATCH endpoint answers 400 to an
operation that is not an object, or whose op, path or from is not a string.
"""

import json
import time
import uuid

import httpx
import pytest

import function_app  # noqa: F401 - declares every route group
from functions import lazy_groups
from functions.routing import GROUPS, RouteGroup
from tests.api.test_meetings import meeting_body, new_day
from tests.utils.tokens import bearer

MIB = 1024 * 1024
CONTRACT_SECONDS = 1.0
REQUEST_ID = "hostile-shapes.1"


def _mebibyte(head: bytes, unit: bytes, tail: bytes = b"") -> bytes:
    """`head`, then `unit` repeated, then `tail`: exactly 1 MiB, the largest body the API reads."""
    body = head + unit * ((MIB - len(head) - len(tail)) // len(unit)) + tail
    return body + b" " * (MIB - len(body))


def _chains(depth: int) -> bytes:
    return _mebibyte(b"[", b"[" * depth + b"]" * depth + b",", b"1]")


# Shapes that cost a naive reader most: backtracking, recursion, a Python step per value, or a
# validation error per item.
SHAPES = {
    "unterminated string of escaped quotes": _mebibyte(b'"', b'\\"'),
    "escaped quotes, never opened": _mebibyte(b"", b'\\"'),
    "quotes": _mebibyte(b"", b'"'),
    "backslashes": _mebibyte(b'"', b"\\"),
    "opening brackets": _mebibyte(b"", b"["),
    "object nesting": _mebibyte(b"", b'{"a":'),
    "nesting 32 deep, many times": _chains(31),
    "nesting 33 deep at the end": _mebibyte(b"[", b"[[]],", b"[" * 33 + b"]" * 33 + b"]"),
    "empty arrays": _mebibyte(b"[", b"[],", b"[]]"),
    "empty strings": _mebibyte(b"[", b'"",', b'""]'),
    "one huge string": _mebibyte(b'{"title": "', b"x", b'"}'),
    "one huge string of escapes": _mebibyte(b'{"title": "', b"\\u00e6", b'"}'),
    "surrogate pairs, one lone at the end": _mebibyte(b'{"title": "', b"\\ud83d\\ude00", b'\\ud800"}'),
    "many keys": _mebibyte(b"{", b'"k":1,', b'"k":1}'),
    "many numbers, one beyond 2^53 at the end": _mebibyte(b"[", b"1,", b"9007199254740993]"),
    "many floats, one infinite at the end": _mebibyte(b"[", b"1.5,", b"1e999]"),
    "a number of a million digits": _mebibyte(b"", b"9"),
    "a float of a million digits": _mebibyte(b"0.", b"1"),
    "many small strings": _mebibyte(b"[", b'"a",', b'"a"]'),
    "a list of wrong items": _mebibyte(b"[", b'{"op":{}},', b'{"op":{}}]'),
    "invalid UTF-8 at the end": _mebibyte(b'{"title": "', b"x", b'\xff"}'),
}


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


def _operations(*operations: dict) -> bytes:
    return json.dumps(list(operations)).encode()


BIG_LIST = list(range(60_000))  # about 400 KB of JSON: copied, moved and tested again and again
PATCHES = {
    "100 replacements of 10 KB each": _operations(
        *[{"op": "replace", "path": "/description", "value": "x" * 10_000} for _ in range(100)]),
    "a large member copied 99 times": _operations(
        {"op": "add", "path": "/big", "value": BIG_LIST},
        *[{"op": "copy", "from": "/big", "path": f"/copy{i}"} for i in range(99)]),
    "a large member moved 98 times, then an invalid type": _operations(
        {"op": "add", "path": "/a", "value": BIG_LIST},
        *[{"op": "move", "from": f"/{'a' if i % 2 == 0 else 'b'}", "path": f"/{'b' if i % 2 == 0 else 'a'}"}
          for i in range(98)],
        {"op": "replace", "path": "/type", "value": 5}),
    "a large member tested 98 times, then an invalid type": _operations(
        {"op": "add", "path": "/a", "value": BIG_LIST},
        *[{"op": "test", "path": "/a", "value": [0]} if i == 97 else {"op": "test", "path": "/title", "value": None}
          for i in range(98)],
        {"op": "replace", "path": "/type", "value": 5}),
    "deep values at deep paths": _operations(
        {"op": "add", "path": "/a", "value": {"b": json.loads("[" * 28 + "1" + "]" * 28)}},
        {"op": "add", "path": "/a/b" + "/0" * 28, "value": [[["x" * 1000]]]}),
    "101 operations": _operations(*[{"op": "test", "path": "/id", "value": "x"}] * 101),
}


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
