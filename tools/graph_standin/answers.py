"""What the stand-in's answers look like: Graph's JSON (UTF-8), its error shape, and the bits of a
request it reads (the body, Prefer: odata.maxpagesize, the base URL of its links)."""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from tools.graph_standin.calendar import Invalid

DEFAULT_PAGE = 10


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON in UTF-8, as Graph writes it."""
    return web.json_response(body, status=status, headers=headers,
                             dumps=lambda value: json.dumps(value, ensure_ascii=False))


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> web.Response:
    """Graph's error shape: {"error": {"code", "message", "innerError"}}."""
    body = {"error": {"code": code, "message": message, "innerError": {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "request-id": str(uuid.uuid4())}}}
    return answer(body, status, headers)


def base(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}/v1.0"


async def body_of(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise Invalid("The body is not JSON.") from None
    if not isinstance(body, dict):
        raise Invalid("The body is not a JSON object.")
    return body


def page_size(request: web.Request, default: int = DEFAULT_PAGE) -> int:
    for part in request.headers.get("Prefer", "").split(","):
        name, _, value = part.strip().partition("=")
        if name == "odata.maxpagesize" and value.isdigit():
            return max(int(value), 1)
    return int(request.query.get("$top", default))
