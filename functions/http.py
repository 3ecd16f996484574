"""Responses: JSON, ETags and RFC 9457 problem details, mapped in exactly this one place."""

import functools
import json
import logging
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import azure.functions as func
from pydantic import BaseModel

from shared import request_ids, telemetry
from shared.errors import BookMeError, ServiceUnavailable, Unauthenticated
from shared.ports import Versioned

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"


@dataclass
class Reply:
    """What a handler returns when a plain value is not enough."""

    body: Any = None
    status: int = 200
    etag: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # The body is plain JSON data already (large answers skip the model walk).
    json_ready: bool = False


def to_json(value: Any) -> Any:
    if isinstance(value, Versioned):
        return to_json(value.item)
    if isinstance(value, BaseModel):
        document = value.model_dump(mode="json", by_alias=True)
        return {"id": document.pop("id"), **document} if "id" in document else document
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


def quote_etag(etag: str) -> str:
    return etag if etag.startswith('"') or etag.startswith("W/") else f'"{etag}"'


def respond(result: Any, default_status: int = 200) -> func.HttpResponse:
    """Turn a handler's result into an HttpResponse."""
    if isinstance(result, func.HttpResponse):
        return result
    reply = result if isinstance(result, Reply) else Reply(result, default_status)
    if isinstance(reply.body, Versioned) and reply.etag is None:
        reply.etag = reply.body.etag
    headers = dict(reply.headers)
    if reply.etag:
        headers["ETag"] = quote_etag(reply.etag)
    if reply.body is None and reply.status in (200, 204):
        return func.HttpResponse(status_code=204, headers=headers)
    return func.HttpResponse(
        json.dumps(reply.body if reply.json_ready else to_json(reply.body), ensure_ascii=False),
        status_code=reply.status,
        headers=headers,
        mimetype="application/json",
        charset="utf-8",
    )


def problem(status: int, title: str, detail: str, errors: dict | None = None, headers=None,
            extensions: dict[str, Any] | None = None) -> func.HttpResponse:
    """RFC 9457 problem details; `extensions` become top-level members (e.g. a 409's `reasons`)."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    for name, value in (extensions or {}).items():
        body.setdefault(name, value)
    return func.HttpResponse(
        json.dumps(body, ensure_ascii=False), status_code=status, headers=headers or {}, mimetype=PROBLEM,
        charset="utf-8",
    )


def asked_path(url: str) -> str:
    """The request's path as the client sent it: percent-encoded (so no control character is
    echoed), without the query (which may hold personal data), cut to 200 characters."""
    return urlsplit(url).path[:200]


def error_response(error: Exception) -> func.HttpResponse:
    """Every failure of every handler comes out here."""
    if isinstance(error, BookMeError):
        headers = {"WWW-Authenticate": 'Bearer realm="bookme"'} if isinstance(error, Unauthenticated) else {}
        if error.status == 503:
            # Every 503 says when to come back (RFC 9110 section 10.2.3), in whole seconds.
            retry_after = error.retry_after if isinstance(error, ServiceUnavailable) else 2
            headers["Retry-After"] = str(retry_after)
        if error.status >= 500:
            log.error("Request failed: %s", error.detail)
        return problem(error.status, error.title, error.detail, error.errors, headers, error.extensions)
    # The type and the frames, not the message: messages of third-party errors (pydantic's
    # among them) quote the values they failed on, and those may be personal data.
    log.error("Unhandled %s:\n%s", type(error).__name__, "".join(traceback.format_tb(error.__traceback__)))
    return problem(500, "Internal Server Error", "The server failed unexpectedly.")


def next_page_url(url: str, token: str) -> str:
    """The next page's URL, relative to the host (so it holds behind API Management): the request's
    path and query with the continuation token of the next page."""
    from urllib.parse import parse_qsl, urlencode

    from shared.rules.paging import TOKEN_PARAMETER

    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() != TOKEN_PARAMETER.lower()]
    return f"{parts.path}?{urlencode([*query, (TOKEN_PARAMETER, token)])}"


def keyed_reply(answer: Any) -> Reply:
    """An idempotency Answer (shared/services/idempotency.py) as a Reply; a replay says so."""
    headers = {"Idempotency-Replayed": "true"} if answer.replayed else {}
    return Reply(answer.body, answer.status, etag=answer.etag, headers=headers)


HttpFunction = Callable[[func.HttpRequest], Awaitable[func.HttpResponse]]


def with_request_id(function: HttpFunction) -> HttpFunction:
    """Every HTTP function: one request id for its logs and its response, and problem details
    for anything it lets escape."""

    @functools.wraps(function)
    async def serve(req: func.HttpRequest) -> func.HttpResponse:
        request_id = request_ids.accept_or_new(req.headers.get(request_ids.HEADER))
        with request_ids.scope(request_id), telemetry.span(
                f"{req.method} {function.__name__}", parent=req.headers, server=True,
                **{"http.request.method": req.method, "faas.name": function.__name__}) as span:
            try:
                response = await function(req)
            except Exception as error:  # noqa: BLE001 - every failure becomes problem details
                response = error_response(error)
            response.headers[request_ids.HEADER] = request_id
            if span is not None:
                span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code == 409:
                telemetry.count("bookme.conflicts", operation=function.__name__)
            return response

    return serve
