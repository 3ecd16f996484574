"""Reading a JSON request body that anyone may have written: bounded before it is parsed.

Python's json module recurses once per nesting level, accepts NaN and Infinity, reads
UTF-16 and UTF-32 as well as UTF-8, turns 1e400 into infinity and lone surrogate escapes
into strings that cannot be encoded again. Each of these is refused here with a message,
so the caller answers 400 instead of failing later.

Every check costs time linear in the size of the body, whatever its shape (contract section
22): each is a fixed number of passes of C-level bytes methods (replace, translate, split)
or of a regular expression that cannot backtrack. A loop in Python over the bytes would cost
a second a megabyte; a regular expression that backtracks can cost an hour
(bench/bench_json_input.py measures the worst shapes).
"""

import gc
import json
import operator
import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import accumulate, count
from typing import Any

MAX_DEPTH = 32
# I-JSON (RFC 7493): integers beyond 2^53 lose precision in JavaScript and in Cosmos DB.
MAX_SAFE_INTEGER = 2**53 - 1

_ONE_KIND_OF_BRACKET = bytes.maketrans(b"{}", b"[]")
_ALL_BUT_BRACKETS = bytes(sorted(set(range(256)) - set(b"[]{}")))
_CLOSING_RUNS = re.compile(rb"\]+")
# A \u escape of a high surrogate not followed by one of a low surrogate, or a low one not
# preceded by a high one: what json.loads turns into a lone surrogate. Both alternatives start
# with the literal \u, which the search finds without trying every position, and have a fixed
# length, so it cannot backtrack.
_LONE_SURROGATE = re.compile(rb"\\u[dD](?:[89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
                             rb"|[c-fC-F][0-9a-fA-F]{2}(?<!\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}))")
# Digits as 0 and E as e, to find in one pass whether any number may be out of range: only one
# with 16 digits in a row can be an integer beyond 2^53, and only one with 16 digits in a row
# or a positive exponent of three digits a float beyond 1.8e308.
_NUMBER_SHAPES = bytes.maketrans(b"0123456789E", b"0000000000e")
_SIXTEEN_DIGITS = b"0" * 16
_LARGE_EXPONENTS = (b"e000", b"e+000")


def _above(limit: str) -> str:
    """A pattern for the numbers of as many digits as `limit` above it: one alternative per
    digit that a larger one at that place makes the larger number."""
    return "|".join(f"{limit[:i]}[{int(digit) + 1}-9][0-9]{{{len(limit) - i - 1}}}"
                    for i, digit in enumerate(limit) if digit != "9")


# An integer token (not part of a fraction or an exponent) beyond 2^53 - 1 in magnitude: 17
# digits or more, or 16 above the limit. The run of digits is taken whole (possessive), so the
# search cannot backtrack.
_UNSAFE_INTEGER = re.compile(
    rf"(?<![0-9.eE+-])-?(?:[0-9]{{17,}}+|{_above(str(MAX_SAFE_INTEGER))})(?![0-9.eE])".encode())


class JsonInputError(ValueError):
    """The body is not JSON this API accepts; the message says why."""


def _masked_escapes(raw: bytes) -> bytes:
    """`raw` with each escaped backslash and escaped quote replaced by two underscores.

    Left to right, as a JSON reader reads them: an odd run of backslashes before a quote keeps
    its last one, which escapes the quote. What is left of every other escape holds neither a
    quote nor a bracket, and no two escapes become adjacent.
    """
    if b"\\" not in raw:
        return raw
    return raw.replace(b"\\\\", b"__").replace(b'\\"', b"__")


def _outside_strings(masked: bytes) -> bytes:
    """What lies outside the strings of a body whose escapes are masked: every remaining quote
    opens or closes a string, so the text between an even number of quotes is outside."""
    if b'"' not in masked:
        return masked
    # Empty strings first, in one cheap pass: removing two adjacent quotes keeps the parity of
    # every other one, and a megabyte of "" would otherwise split into a million pieces.
    return b"".join(masked.replace(b'""', b"").split(b'"')[::2])


def _deepest(outside: bytes) -> int:
    brackets = outside.translate(_ONE_KIND_OF_BRACKET, _ALL_BUT_BRACKETS)
    # Empty arrays and objects first, in one cheap pass: without them every other one is one
    # level less deep, and a megabyte of [] no longer splits into a million pieces.
    inner = brackets.replace(b"[]", b"")
    if inner.count(b"[]") * 8 < inner.count(b"]"):
        # Long runs (deep, narrow nesting): a step per run of brackets costs less than one per bracket.
        openings = map(len, _CLOSING_RUNS.split(inner))
        closings = accumulate(map(len, _CLOSING_RUNS.findall(inner)), initial=0)
        deepest = max(map(operator.sub, accumulate(openings), closings))
    else:
        # Piece k of the split is the run of opening brackets after the k-th closing one, so the
        # depth at its end is the openings so far minus k.
        deepest = max(map(operator.sub, accumulate(map(len, inner.split(b"]"))), count()))
    return deepest + (len(inner) < len(brackets))


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects, brackets in strings not counted, in time
    linear in the size of `raw` whatever it holds (exact for JSON; for other input it only
    needs to be cheap, since the parser refuses it)."""
    return _deepest(_outside_strings(_masked_escapes(raw)))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector runs every few hundred new containers and then walks
    the ones made so far: while the parser makes half a million arrays it would walk them again
    and again (five times the parse itself). A parse makes no cycles for it to find."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def loads(text: str | bytes, **options: Any) -> Any:
    """json.loads, with the cyclic garbage collector paused while it runs."""
    with _collector_paused():
        return json.loads(text, **options)


def _all_finite(document: Any) -> bool:
    """Whether no number became infinite when parsed (1e400 does), in one C-level pass."""
    try:
        json.dumps(document, allow_nan=False, check_circular=False)
    except ValueError:
        return False
    return True


def _constant(name: str) -> Any:
    raise JsonInputError(f"{name} is not JSON")


def parse_json(raw: bytes) -> Any:
    """The JSON document in `raw`, or JsonInputError saying what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise JsonInputError(f"the body is not UTF-8 (byte {error.start})") from None
    masked = _masked_escapes(raw)
    outside = _outside_strings(masked)
    if (depth := _deepest(outside)) > MAX_DEPTH:
        raise JsonInputError(f"it is nested deeper than {MAX_DEPTH} levels ({depth} or more)")
    # Strict UTF-8 refuses encoded surrogates: only a \u escape can make one.
    if _LONE_SURROGATE.search(masked):
        raise JsonInputError("a string holds a lone UTF-16 surrogate (\\ud800 to \\udfff)")
    # Numbers are checked only when one may be out of range, never one by one in Python.
    shapes = outside.translate(_NUMBER_SHAPES)
    if _SIXTEEN_DIGITS in shapes and (unsafe := _UNSAFE_INTEGER.search(outside)):
        digits = unsafe.group().decode()
        raise JsonInputError(f"the integer {digits[:20]}{'...' if len(digits) > 20 else ''} is out of range "
                             f"(at most {MAX_SAFE_INTEGER} in magnitude)")
    try:
        document = loads(text, parse_constant=_constant)
    except JsonInputError:
        raise
    except (ValueError, RecursionError) as error:
        raise JsonInputError(str(error)) from None
    if (_SIXTEEN_DIGITS in shapes or any(exponent in shapes for exponent in _LARGE_EXPONENTS)) \
            and not _all_finite(document):
        raise JsonInputError("a number is out of range (beyond 1.8e308 in magnitude)")
    return document
