"""Standard Webhooks signatures (https://www.standardwebhooks.com). Pure.

A secret is `whsec_` + base64 of 24 to 64 random bytes; the key is those bytes. Each
delivery carries `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`:
`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, space-separated when several.
"""

import base64
import binascii
import hashlib
import hmac

PREFIX = "whsec_"
MIN_KEY_BYTES, MAX_KEY_BYTES = 24, 64
DEFAULT_KEY_BYTES = 32
TOLERANCE_SECONDS = 5 * 60


class SignatureMismatch(ValueError):
    """The headers do not prove that the body came from the holder of the secret."""


def secret_from(key: bytes) -> str:
    """The secret text of raw key bytes (generate them with `secrets.token_bytes`)."""
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise ValueError(f"a webhook key has {MIN_KEY_BYTES} to {MAX_KEY_BYTES} bytes")
    return PREFIX + base64.b64encode(key).decode()


def key_of(secret: str) -> bytes:
    """The key bytes of a `whsec_` secret; ValueError when it is not one."""
    if not isinstance(secret, str) or not secret.startswith(PREFIX):
        raise ValueError(f"a webhook secret starts with '{PREFIX}'")
    try:
        key = base64.b64decode(secret[len(PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"a webhook secret is '{PREFIX}' followed by base64") from None
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise ValueError(f"a webhook secret encodes {MIN_KEY_BYTES} to {MAX_KEY_BYTES} bytes, not {len(key)}")
    return key


def _text(body: bytes | str) -> bytes:
    return body.encode() if isinstance(body, str) else body


def signature(secret: str, message_id: str, timestamp: int, body: bytes | str) -> str:
    """`v1,<base64 HMAC-SHA256>` of `{id}.{timestamp}.{body}` under the secret's key."""
    signed = f"{message_id}.{timestamp}.".encode() + _text(body)
    digest = hmac.new(key_of(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes | str) -> dict[str, str]:
    """The three Standard Webhooks headers of one delivery attempt."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }


def verify(secret: str, received: dict[str, str], body: bytes | str, now: int,
           tolerance: int = TOLERANCE_SECONDS) -> None:
    """What a receiver checks: every header present, the timestamp within `tolerance`
    seconds of `now`, and one `v1` signature matching. SignatureMismatch otherwise."""
    found = {k.lower(): v for k, v in received.items()}
    message_id, stamp, signatures = (found.get(h) for h in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if not (message_id and stamp and signatures):
        raise SignatureMismatch("a webhook-id, webhook-timestamp and webhook-signature header are required")
    try:
        timestamp = int(stamp)
    except ValueError:
        raise SignatureMismatch("webhook-timestamp is not a number of seconds") from None
    if abs(now - timestamp) > tolerance:
        raise SignatureMismatch("webhook-timestamp is too far from now")
    expected = signature(secret, message_id, timestamp, body).encode()
    if not any(hmac.compare_digest(expected, candidate.encode()) for candidate in signatures.split(" ")
               if candidate.startswith("v1,")):
        raise SignatureMismatch("no webhook-signature matches")
