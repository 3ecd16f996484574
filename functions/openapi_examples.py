"""Examples in the OpenAPI documents: problem details per status, and query parameter examples
that "Try it out" can send unchanged on any day.

Parameter examples name the demo bank (shared/demo), so the docs page of `make run` answers
with real data. Their dates are written as of EXAMPLES_AS_OF, so the committed documents
(infra/openapi, which API Management imports) stay the same from one run to the next; the app
serves `{base}/openapi.json` with each date of a parameter example moved forward by the days
from EXAMPLES_AS_OF to today (UTC), so a date example is always tomorrow or later.
"""

import copy
import re
from datetime import date, timedelta
from typing import Any

from shared.errors import (
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    ServiceUnavailable,
    Unauthenticated,
    Unprocessable,
)
from shared.models.common import MeetingType

# The examples' "today": a parameter example of 2025-10-10 means tomorrow.
EXAMPLES_AS_OF = date(2025, 10, 9)
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}")
EXAMPLE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
EXAMPLE_MEETING = "9c1e2b4f-8d3a-4f6e-a1b2-c3d4e5f60718"


def _moved(value: Any, shift: timedelta) -> Any:
    if isinstance(value, list):
        return [_moved(v, shift) for v in value]
    if isinstance(value, str) and _DATED.match(value):
        return (date.fromisoformat(value[:10]) + shift).isoformat() + value[10:]
    return value


def dated(document: dict[str, Any], today: date) -> dict[str, Any]:
    """The document with every date in a parameter example moved from EXAMPLES_AS_OF to `today`."""
    moved = copy.deepcopy(document)
    shift = today - EXAMPLES_AS_OF
    for item in moved["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if "example" in parameter:
                    parameter["example"] = _moved(parameter["example"], shift)
    return moved


def _bad_request(body: bool, query: bool) -> dict[str, Any]:
    if body:
        return {"detail": "The request body is not valid.",
                "errors": {"type": [f"Input should be {MeetingType.allowed()} (any letter case)"],
                           "employeeId": ["This field is required."]}}
    if query:
        return {"detail": "The query parameters are not valid.",
                "errors": {"startDate": ["'tomorrow' is not an ISO 8601 date-time"]}}
    return {"detail": "The query parameter 'q' holds a control character."}


# The titles the API sends (shared/errors.py), never the HTTP reason phrases of the Python in use.
TITLES = {error.status: error.title for error in (InvalidRequest, Unauthenticated, Forbidden, NotFound, Conflict,
                                                  PreconditionFailed, PayloadTooLarge, Unprocessable,
                                                  ServiceUnavailable)}


def problem_example(status: int, *, url: str, role: str | None, body: bool, query: bool) -> dict[str, Any]:
    """A realistic problem details body for `status` of one operation (`url`: its path, ids filled in)."""
    details: dict[int, dict[str, Any]] = {
        400: _bad_request(body, query),
        401: {"detail": "The token has expired: get a new one."},
        403: {"detail": f"This operation needs the {role} role."},
        404: {"detail": f"No resource at {url}."},
        409: {"detail": f"The time is not free for employee {EXAMPLE_ID}: it overlaps meeting {EXAMPLE_MEETING}."},
        412: {"detail": "If-Match does not match the current ETag."},
        413: {"detail": "The request body is over 1 MiB."},
        422: {"detail": "This Idempotency-Key was already used with a different request body."},
        503: {"detail": "The database is busy or unreachable; try again."},
    }
    return {"type": "about:blank", "title": TITLES[status], "status": status, **details[status]}


def filled(path: str) -> str:
    """An operation's path with an example id in each path parameter."""
    return re.sub(r"\{[^}]+\}", EXAMPLE_ID, path)
