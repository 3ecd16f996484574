"""Request bodies anyone may have written: bounded before and while they are parsed."""

import json
import math
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.rules.json_input import MAX_DEPTH, MAX_SAFE_INTEGER, JsonInputError, nesting_depth, parse_json


def test_reads_ordinary_json():
    assert parse_json(b'{"a": [1, 2.5, "x", null, true], "b": {"c": "\\u00e6"}}') == {
        "a": [1, 2.5, "x", None, True], "b": {"c": "æ"}}


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 100_000, sys.getrecursionlimit() * 10])
def test_refuses_nesting_deeper_than_the_limit_without_recursing(depth):
    with pytest.raises(JsonInputError, match="nested deeper"):
        parse_json(b"[" * depth + b"]" * depth)


def test_accepts_nesting_at_the_limit():
    assert nesting_depth(b'{"a":' * MAX_DEPTH + b"1" + b"}" * MAX_DEPTH) == MAX_DEPTH
    parse_json(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH)


def test_brackets_inside_strings_do_not_count():
    raw = b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\"[[[[[["}'
    assert nesting_depth(raw) == 1
    assert parse_json(raw)["a"].startswith("[[[")


def test_an_unclosed_bracket_run_is_refused_by_depth_not_by_recursion():
    with pytest.raises(JsonInputError):
        parse_json(b"[" * 500_000)


@pytest.mark.parametrize("raw", ["{\"a\": \"\u00e6\"}".encode("utf-16"), "{\"a\": \"\u00e6\"}".encode("latin-1"),
                                 b'{"a": "\xff\xfe"}', b"\xef\xbb\xbf{}"])
def test_refuses_bodies_that_are_not_utf8(raw):
    with pytest.raises(JsonInputError):
        parse_json(raw)


@pytest.mark.parametrize("raw", [b"NaN", b'{"a": NaN}', b'{"a": Infinity}', b'{"a": -Infinity}', b'{"a": 1e400}',
                                 b'{"a": -1e400}', b'{"a": 9007199254740992}', b'{"a": -9007199254740992}',
                                 b'{"a": ' + b"9" * 5000 + b"}"])
def test_refuses_numbers_out_of_range(raw):
    with pytest.raises(JsonInputError):
        parse_json(raw)


def test_keeps_large_but_safe_numbers():
    assert parse_json(b"[9007199254740991, 1e308, -1e-308]") == [9007199254740991, 1e308, -1e-308]


@pytest.mark.parametrize("raw", [b'{"a": "\\ud800"}', b'{"\\udfff": 1}', b'[["x\\ud83d"]]'])
def test_refuses_lone_surrogates_in_keys_and_values(raw):
    with pytest.raises(JsonInputError, match="surrogate"):
        parse_json(raw)


def test_keeps_surrogate_pairs():
    assert parse_json(b'"\\ud83d\\ude00"') == "\U0001F600"


def test_a_megabyte_string_and_array_are_read_in_one_pass():
    assert len(parse_json(b'"' + b"x" * 1_000_000 + b'"')) == 1_000_000
    assert len(parse_json(b"[" + b"1," * 400_000 + b"1]")) == 400_001


# The scanner of nesting, strings and numbers (linear whatever the input), against plain references.

def _reference_depth(raw: bytes) -> int:
    """Byte by byte, as a JSON reader sees strings: the slow, obvious way."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == ord("\\"):
                escaped = True
            elif byte == ord('"'):
                in_string = False
        elif byte == ord('"'):
            in_string = True
        elif byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif byte in b"]}":
            depth -= 1
    return deepest


@pytest.mark.parametrize(("raw", "depth"), [
    (b"", 0),
    (b"1", 0),
    (b"[]", 1),
    (b"{}", 1),
    (b"[[], {}, [[]]]", 3),
    (b'{"a": [{"b": []}]}', 4),
    (b'["]]]]", "[[[["]', 1),
    (b'["\\"[[[", "[\\\\"]', 1),  # an escaped quote inside, then an escaped backslash before the end
    (b'["\\\\\\"[", "x"]', 1),  # three backslashes: an escaped one, then an escaped quote
    (b'["\\\\", ["\\\\"]]', 2),  # a string ending in an escaped backslash closes there
    (b'[""]', 1),
    (b'["", "", [""]]', 2),
    (b'{"": {"": {"": ""}}}', 3),
    (b'["\\u005b\\u005b"]', 1),  # an escaped bracket is text
    (b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, MAX_DEPTH),
    (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), MAX_DEPTH + 1),
    (b"[" + b"[[]]," * 1000 + b"[]]", 3),
    (b"[" + (b"[" * 31 + b"]" * 31 + b",") * 100 + b"1]", 32),
    (b'[{"a": [1, {"b": "]"}]}, [[["{"]]]]', 4),
])
def test_nesting_depth_counts_brackets_outside_strings(raw, depth):
    assert nesting_depth(raw) == depth == _reference_depth(raw)


@pytest.mark.parametrize("raw", [
    b'"' + b'\\"' * 500_000,  # unterminated, escaped quotes: an hour for a backtracking scan
    b'\\"' * 500_000,
    b'"' * 1_000_000,
    b"\\" * 1_000_000,
    b'"\\' * 500_000,
    b'["' + b"[" * 1_000_000,
    b'{"a":"' + b"\\u" * 400_000,
    b"[" * 500_000 + b'"' + b"]" * 500_000,
])
def test_unterminated_and_unbalanced_megabytes_are_refused(raw):
    with pytest.raises(JsonInputError):
        parse_json(raw)


def test_nesting_over_the_limit_is_refused_before_parsing_whatever_the_shape():
    deep = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
    with pytest.raises(JsonInputError, match="nested deeper"):
        parse_json(b"[" + b",".join([b"[]"] * 100_000 + [deep]) + b"]")
    with pytest.raises(JsonInputError, match="nested deeper"):
        parse_json(b'{"a":' * (MAX_DEPTH + 1) + b'"}}}"' + b"}" * (MAX_DEPTH + 1))


# Valid JSON of every shape, with strings made to confuse a scanner: brackets, quotes, backslashes.
_TRICKY_TEXT = st.text(alphabet=st.sampled_from(['"', "\\", "[", "]", "{", "}", "a", "\u00e6", "/", " "]), max_size=8)
_DOCUMENTS = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | _TRICKY_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_TRICKY_TEXT, children, max_size=4),
    max_leaves=40,
)


def _structure_depth(document) -> int:
    if isinstance(document, list):
        return 1 + max(map(_structure_depth, document), default=0)
    if isinstance(document, dict):
        return 1 + max(map(_structure_depth, document.values()), default=0)
    return 0


@settings(max_examples=300, deadline=None)
@given(_DOCUMENTS, st.booleans())
def test_nesting_depth_of_any_json_is_its_structures_depth(document, ascii_only):
    raw = json.dumps(document, ensure_ascii=ascii_only).encode()
    assert nesting_depth(raw) == _reference_depth(raw) == _structure_depth(document)


# Strings of escapes: \\u escapes of surrogates (paired, lone, reversed), escaped backslashes before them.
_ESCAPES = st.lists(st.sampled_from(["\\ud83d", "\\ude00", "\\uD800", "\\uDFFF", "\\udbff\\udc00", "\\\\",
                                     "\\\\u", "\\\\ud800", "\\\\\\ud800", "\\\"", "x", "\\u0041"]), max_size=8)


def _has_lone_surrogate(document) -> bool:
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


@settings(max_examples=300, deadline=None)
@given(_ESCAPES, st.booleans())
def test_lone_surrogates_are_found_exactly_as_the_parser_makes_them(pieces, as_key):
    text = '"' + "".join(pieces) + '"'
    raw = (f"{{{text}: 1}}" if as_key else f"[{text}]").encode()
    lone = _has_lone_surrogate(json.loads(raw))
    if lone:
        with pytest.raises(JsonInputError, match="surrogate"):
            parse_json(raw)
    else:
        assert parse_json(raw) == json.loads(raw)


def _reference_numbers(raw: bytes):
    """Every number checked one by one, as parse_json did before it scanned for them."""
    def integer(text):
        if abs(int(text)) > MAX_SAFE_INTEGER:
            raise JsonInputError(text)
        return int(text)

    def real(text):
        if not math.isfinite(float(text)):
            raise JsonInputError(text)
        return float(text)

    return json.loads(raw, parse_int=integer, parse_float=real)


_DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=20).map(lambda d: d.lstrip("0") or "0")
_NUMBERS = st.builds(
    lambda sign, whole, fraction, exponent: f"{sign}{whole}{fraction}{exponent}",
    st.sampled_from(["", "-"]),
    _DIGITS | st.sampled_from(["9007199254740991", "9007199254740992", "9007199254740990", "10000000000000000"]),
    st.sampled_from(["", ".5", ".0000000000000000001"]),
    st.sampled_from(["", "e5", "E+10", "e-400", "e308", "e309", "E+0400", "e0000000000000000001"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NUMBERS, min_size=1, max_size=5))
def test_numbers_out_of_range_are_found_exactly_as_checking_each_one_finds_them(numbers):
    raw = f'{{"n": [{", ".join(numbers)}], "s": "{" ".join(numbers)}"}}'.encode()
    try:
        expected = _reference_numbers(raw)
    except JsonInputError:
        with pytest.raises(JsonInputError, match="out of range"):
            parse_json(raw)
    else:
        assert parse_json(raw) == expected


def test_numbers_in_strings_are_not_numbers():
    raw = b'{"id": "12345678901234567890", "e": "1e400", "d": "9' + b"9" * 400 + b'"}'
    assert parse_json(raw)["id"] == "12345678901234567890"


def test_the_garbage_collector_is_paused_only_while_parsing():
    import gc

    assert gc.isenabled()
    parse_json(b"[[1], [2]]")
    with pytest.raises(JsonInputError):
        parse_json(b"[[1], [2]")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_json(b"[[1], [2]]")
        assert not gc.isenabled(), "a collector someone else paused stays paused"
    finally:
        gc.enable()
