"""Graph's change and lifecycle notifications as the Outlook sync queue's messages (contract
section 23). Pure: the notification endpoint checks each notification's clientState, keeps one
message per subscription and lifecycle event, and answers at once; the queue's function runs
the delta query. A notification says only that a mailbox changed: the delta query says what.

Queue messages (`OUTLOOK_SYNC_QUEUE`), all small references:
    {"kind": "notification", "subscriptionId", "lifecycleEvent": null | "missed" |
     "subscriptionRemoved" | "reauthorizationRequired"}
    {"kind": "mailbox", "employeeId", "full": bool, "attempt": int}
"""

import hmac
from typing import Any

from shared.rules.json_input import parse_json

NOTIFICATION, MAILBOX = "notification", "mailbox"
LIFECYCLE_EVENTS = ("missed", "subscriptionRemoved", "reauthorizationRequired")
SUBSCRIPTION_REMOVED, REAUTHORIZATION_REQUIRED = "subscriptionRemoved", "reauthorizationRequired"


def validation_token(params: dict[str, str]) -> str | None:
    """Graph's validation request carries `validationToken` (to echo as text/plain within 10 s)."""
    return next((value for name, value in params.items() if name.lower() == "validationtoken"), None)


def _matches(given: Any, client_state: str) -> bool:
    return isinstance(given, str) and bool(client_state) and hmac.compare_digest(given.encode(), client_state.encode())


def messages(body: bytes, client_state: str) -> tuple[list[dict[str, Any]], int]:
    """The queue messages of a notification POST, and how many notifications were refused (no
    or another clientState, or no subscriptionId): those are dropped, never queued."""
    try:
        found = parse_json(body).get("value")  # anyone may have written it: bounded like every request body
    except (ValueError, AttributeError):
        return [], 1
    if not isinstance(found, list):
        return [], 1
    kept: dict[tuple[str, str | None], dict[str, Any]] = {}
    refused = 0
    for notification in found:
        if not isinstance(notification, dict) or not _matches(notification.get("clientState"), client_state) \
                or not isinstance(notification.get("subscriptionId"), str):
            refused += 1
            continue
        event = notification.get("lifecycleEvent")
        event = event if event in LIFECYCLE_EVENTS else None
        key = (notification["subscriptionId"], event)
        kept.setdefault(key, {"kind": NOTIFICATION, "subscriptionId": key[0], "lifecycleEvent": event})
    return list(kept.values()), refused


def mailbox_message(employee_id: str, full: bool = False, attempt: int = 0) -> dict[str, Any]:
    return {"kind": MAILBOX, "employeeId": employee_id, "full": full, "attempt": attempt}
