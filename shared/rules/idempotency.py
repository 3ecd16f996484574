"""Retry-safe writes (contract section 11): the pure parts of `Idempotency-Key`.

The kept answer is found by a record id derived from who asked, what and with which key; the
request body is kept only as a fingerprint of its parsed JSON, so a record never holds the
personal data a booking body may carry (CPR, custom fields).
"""

import hashlib
import json

from shared.errors import Conflict, InvalidRequest, Unprocessable
from shared.rules import json_input

HEADER = "Idempotency-Key"
REPLAYED = "Idempotency-Replayed"
MAX_LENGTH = 255
LIFETIME_SECONDS = 24 * 3600


def valid_key(key: str | None) -> str | None:
    """The key when the header is present and 1 to 255 printable ASCII characters; 400 otherwise."""
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_LENGTH or any(not " " <= char <= "~" for char in key):
        raise InvalidRequest(f"{HEADER} must be 1 to {MAX_LENGTH} printable ASCII characters.",
                             {HEADER: [f"Must be 1 to {MAX_LENGTH} printable ASCII characters."]})
    return key


def record_id(subject: str, operation: str, key: str) -> str:
    """The id of the kept answer: the same caller, operation and key always give the same id."""
    digest = hashlib.sha256("\n".join((subject, operation, key)).encode()).hexdigest()
    return f"idem:{digest}"


def _number(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def fingerprint(body: bytes | str | None) -> str:
    """A digest of the body as parsed JSON: key order, spacing and 1.0 against 1 do not matter; a
    body that is not JSON is taken byte for byte. Linear in the body's size: the parser itself
    normalizes the numbers, so no walk in Python visits every value."""
    raw = body.encode() if isinstance(body, str) else (body or b"")
    try:
        document = json_input.loads(raw, parse_float=_number)
        canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        data = canonical.encode()
    except (ValueError, UnicodeError, RecursionError):
        data = b"raw:" + raw
    return hashlib.sha256(data).hexdigest()


def check_repeat(kept_fingerprint: str, request_fingerprint: str) -> None:
    """422 when the key is reused with another body."""
    if kept_fingerprint != request_fingerprint:
        raise Unprocessable(f"This {HEADER} was already used with a different request body.")


def in_flight() -> Conflict:
    return Conflict(f"A request with this {HEADER} is still being processed; retry later.")
