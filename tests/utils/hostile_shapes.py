"""Request bodies of the worst shapes, each at most 1 MiB (contract section 22): for the API test
(tests/api/test_hostile_shapes.py) and the benchmark (bench/bench_json_input.py)."""

import json

MIB = 1024 * 1024


def mebibyte(head: bytes, unit: bytes, tail: bytes = b"") -> bytes:
    """`head`, then `unit` repeated, then `tail`: exactly 1 MiB, the largest body the API reads."""
    body = head + unit * ((MIB - len(head) - len(tail)) // len(unit)) + tail
    return body + b" " * (MIB - len(body))


def _chains(depth: int) -> bytes:
    return mebibyte(b"[", b"[" * depth + b"]" * depth + b",", b"1]")


# Shapes that cost a naive reader most: backtracking, recursion, a Python step per value, or a
# validation error per item.
SHAPES = {
    "unterminated string of escaped quotes": mebibyte(b'"', b'\\"'),
    "escaped quotes, never opened": mebibyte(b"", b'\\"'),
    "quotes": mebibyte(b"", b'"'),
    "backslashes": mebibyte(b'"', b"\\"),
    "opening brackets": mebibyte(b"", b"["),
    "object nesting": mebibyte(b"", b'{"a":'),
    "nesting 32 deep, many times": _chains(31),
    "nesting 33 deep at the end": mebibyte(b"[", b"[[]],", b"[" * 33 + b"]" * 33 + b"]"),
    "empty arrays": mebibyte(b"[", b"[],", b"[]]"),
    "empty strings": mebibyte(b"[", b'"",', b'""]'),
    "one huge string": mebibyte(b'{"title": "', b"x", b'"}'),
    "one huge string of escapes": mebibyte(b'{"title": "', b"\\u00e6", b'"}'),
    "surrogate pairs, one lone at the end": mebibyte(b'{"title": "', b"\\ud83d\\ude00", b'\\ud800"}'),
    "many keys": mebibyte(b"{", b'"k":1,', b'"k":1}'),
    "many numbers, one beyond 2^53 at the end": mebibyte(b"[", b"1,", b"9007199254740993]"),
    "many floats, one infinite at the end": mebibyte(b"[", b"1.5,", b"1e999]"),
    "a number of a million digits": mebibyte(b"", b"9"),
    "a float of a million digits": mebibyte(b"0.", b"1"),
    "many small strings": mebibyte(b"[", b'"a",', b'"a"]'),
    "a list of wrong items": mebibyte(b"[", b'{"op":{}},', b'{"op":{}}]'),
    "invalid UTF-8 at the end": mebibyte(b'{"title": "', b"x", b'\xff"}'),
}


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


