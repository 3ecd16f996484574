"""Request bodies anyone may have written: bounded before and while they are parsed."""

import sys

import pytest

from shared.rules.json_input import MAX_DEPTH, JsonInputError, nesting_depth, parse_json


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
