"""Reading a JSON request body that anyone may have written: bounded before it is parsed.

Python's json module recurses once per nesting level, accepts NaN and Infinity, reads
UTF-16 and UTF-32 as well as UTF-8, turns 1e400 into infinity and lone surrogate escapes
into strings that cannot be encoded again. Each of these is refused here with a message,
so the caller answers 400 instead of failing later.
"""

import json
import math
import re
from typing import Any

MAX_DEPTH = 32
# I-JSON (RFC 7493): integers beyond 2^53 lose precision in JavaScript and in Cosmos DB.
MAX_SAFE_INTEGER = 2**53 - 1

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonInputError(ValueError):
    """The body is not JSON this API accepts; the message says why."""


def nesting_depth(raw: bytes, limit: int = MAX_DEPTH) -> int:
    """The deepest nesting of arrays and objects, scanned without recursion.

    Stops counting once past `limit`, so a megabyte of brackets costs one pass at most.
    """
    depth = deepest = 0
    for bracket in _BRACKETS.finditer(_STRING.sub(b'""', raw)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        else:
            depth -= 1
    return deepest


def _integer(text: str) -> int:
    value = int(text)  # Python itself refuses integers of more than 4300 digits
    if abs(value) > MAX_SAFE_INTEGER:
        raise JsonInputError(f"the integer {text[:20]}{'...' if len(text) > 20 else ''} is out of range "
                             f"(at most {MAX_SAFE_INTEGER} in magnitude)")
    return value


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonInputError(f"the number {text[:20]} is out of range")
    return value


def _constant(name: str) -> Any:
    raise JsonInputError(f"{name} is not JSON")


def _without_lone_surrogates(document: Any) -> None:
    """Walk the parsed document iteratively: no string, key or value, may hold a lone surrogate."""
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise JsonInputError("a string holds a lone UTF-16 surrogate (\\ud800 to \\udfff)")
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def parse_json(raw: bytes) -> Any:
    """The JSON document in `raw`, or JsonInputError saying what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise JsonInputError(f"the body is not UTF-8 (byte {error.start})") from None
    if (depth := nesting_depth(raw)) > MAX_DEPTH:
        raise JsonInputError(f"it is nested deeper than {MAX_DEPTH} levels ({depth} or more)")
    try:
        document = json.loads(text, parse_int=_integer, parse_float=_float, parse_constant=_constant)
    except JsonInputError:
        raise
    except (ValueError, RecursionError) as error:
        raise JsonInputError(str(error)) from None
    if "\\u" in text:  # strict UTF-8 refuses encoded surrogates: only a \u escape can make one
        _without_lone_surrogates(document)
    return document
