"""One HTTP-triggered function per route group: the group's own small router.

A group is one Azure Function with the route `{version}/bookme/<base>/{*rest}` (registered by
functions/lazy_groups.py from function_app.ROUTE_GROUPS). It dispatches to its endpoints here,
in the order the Functions host would: route and method, then token and role (before anything
is read or written), then body size, path ids, query and body validation.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import azure.functions as func
from pydantic import BaseModel

from functions.http import asked_path, respond
from functions.request_parsing import parse_body, parse_query, query_values, utf8_path
from shared import bootstrap
from shared.auth import Principal, Role, require_role
from shared.errors import MethodNotAllowed, NotFound, PayloadTooLarge
from shared.models.common import is_printable_line, is_uuid

MAX_BODY = 1024 * 1024
VERSIONS = ("v2", "v3")
GROUPS: list["RouteGroup"] = []


class Access(Enum):
    """A route's access beside a Role (which needs that role) and None (any valid token)."""

    PUBLIC = "public"  # no token at all


PUBLIC = Access.PUBLIC


@dataclass
class Call:
    """Everything a handler may read from its request."""

    request: func.HttpRequest
    version: str
    params: dict[str, str]
    query: Any
    body: Any
    principal: Principal | None

    @property
    def if_match(self) -> str | None:
        value = self.request.headers.get("If-Match")
        return value.strip() if value else None

    @property
    def idempotency_key(self) -> str | None:
        """The Idempotency-Key header as sent (validated by the service), or None."""
        return self.request.headers.get("Idempotency-Key")


Handler = Callable[[Call], Awaitable[Any]]


@dataclass
class Endpoint:
    method: str
    path: str
    handler: Handler
    role: Role | Access | None
    body: Any
    query: type[BaseModel] | None
    response: Any
    status: int
    summary: str
    versions: tuple[str, ...]
    segments: list[str] = field(default_factory=list)
    # Path parameters named like ids that are free text, not UUIDs (e.g. a bank's customerId).
    text_params: tuple[str, ...] = ()
    # Documentation only: every success status the endpoint answers (PUT answers 201 or 200).
    statuses: dict[int, str] = field(default_factory=dict)
    description: str = ""  # the OpenAPI description, beyond the one-line summary
    idempotent: bool = False  # accepts Idempotency-Key (contract section 11)
    # Media types the answer also comes in, chosen by Accept (documentation; the handler chooses).
    media: tuple[str, ...] = ()
    documented: bool = True  # False: a page for browsers, not part of the API's OpenAPI documents

    def __post_init__(self) -> None:
        # A plain string, even a role's name, would otherwise be a route that needs no role.
        if not (self.role is None or isinstance(self.role, Role | Access)):
            raise TypeError(f"{self.method} {self.path!r}: role must be a Role, PUBLIC or None, "
                            f"not {self.role!r}")

    def match(self, parts: list[str]) -> dict[str, str] | None:
        if len(parts) != len(self.segments):
            return None
        params = {}
        for segment, part in zip(self.segments, parts, strict=True):
            if segment.startswith("{"):
                params[segment[1:-1]] = part
            elif segment.lower() != part.lower():
                return None
        return params

    @property
    def precedence(self) -> tuple:
        return tuple(1 if s.startswith("{") else 0 for s in self.segments)


class RouteGroup:
    """The endpoints under one base path, served by one Azure Function."""

    def __init__(self, name: str, base: str, versions: tuple[str, ...] = VERSIONS, tag: str | None = None):
        self.name = name
        self.base = base.strip("/")
        self.versions = versions
        self.tag = tag or name.replace("_", " ").title()
        self.endpoints: list[Endpoint] = []
        GROUPS.append(self)

    def route(self, method: str, path: str = "", *, role: Role | Access | None = None, body: Any = None,
              query: type[BaseModel] | None = None, response: Any = None, status: int = 200,
              summary: str = "", versions: tuple[str, ...] | None = None,
              text_params: tuple[str, ...] = (), description: str = "",
              idempotent: bool = False, statuses: dict[int, str] | None = None, media: tuple[str, ...] = (),
              documented: bool = True) -> Callable[[Handler], Handler]:
        """Register a handler. `status` is the default success status; `statuses` documents every
        success status with its meaning when there are several; `description` (markdown) is the
        operation's description in the OpenAPI document; `media` the answer's other media types."""

        def register(handler: Handler) -> Handler:
            endpoint = Endpoint(method.upper(), path.strip("/"), handler, role, body, query, response, status,
                                summary or (handler.__doc__ or "").strip(), versions or self.versions,
                                text_params=text_params, description=description, idempotent=idempotent,
                                statuses=dict(statuses or {}), media=media, documented=documented)
            endpoint.segments = [s for s in endpoint.path.split("/") if s]
            self.endpoints.append(endpoint)
            self.endpoints.sort(key=lambda e: e.precedence)
            return handler

        return register

    def get(self, path: str = "", **options: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **options)

    def post(self, path: str = "", **options: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **options)

    def put(self, path: str = "", **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **options)

    def patch(self, path: str = "", **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **options)

    def delete(self, path: str = "", **options: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **options)

    async def dispatch(self, req: func.HttpRequest) -> func.HttpResponse:
        """Failures become problem details in `with_request_id`."""
        endpoint, call = self._resolve(req)
        return respond(await endpoint.handler(call), endpoint.status)

    def _resolve(self, req: func.HttpRequest) -> tuple[Endpoint, Call]:
        version = (req.route_params.get("version") or "").lower()
        parts = [p for p in (req.route_params.get("rest") or "").split("/") if p]
        candidates = [(e, p) for e in self.endpoints if version in e.versions and (p := e.match(parts)) is not None]
        if not candidates:
            raise NotFound(f"No resource at {asked_path(req.url)}.")
        chosen = next(((e, p) for e, p in candidates if e.method == req.method.upper()), None)
        if chosen is None:
            raise MethodNotAllowed(f"{req.method} is not supported here.")
        endpoint, params = chosen
        principal = None
        if endpoint.role is not PUBLIC:
            principal = bootstrap.token_validator().validate(req.headers.get("Authorization"))
            require_role(principal, endpoint.role)
        if len(req.get_body() or b"") > MAX_BODY:
            raise PayloadTooLarge("The request body is over 1 MiB.")
        if not utf8_path(req.url):
            raise NotFound("The path is not UTF-8.")
        for name, value in params.items():
            is_id = (name == "id" or name.endswith("Id")) and name not in endpoint.text_params
            # U+FFFD: what percent-encoded bytes that are not UTF-8 decode to.
            if not is_printable_line(value) or "\ufffd" in value or (is_id and not is_uuid(value)):
                raise NotFound(f"No resource with id {value[:100]!r}.")
        values = query_values(req)  # refuses control characters in any query value, used or not
        query = parse_query(values, endpoint.query) if endpoint.query else None
        body = parse_body(req, endpoint.body) if endpoint.body is not None else None
        return endpoint, Call(req, version, params, query, body, principal)
