"""The OpenAPI 3.0.3 document of one API version, generated from the route groups.

One generator serves `{base}/openapi.json` and writes `infra/openapi/*.json` for API
Management (tools/export_openapi.py). It is imported on the first request for the document,
never at start-up.
"""

import re
from http import HTTPStatus
from typing import Annotated, Any

from pydantic import TypeAdapter

from functions import lazy_groups
from functions.openapi_examples import filled, problem_example
from functions.openapi_schemas import JSON_PATCH, JSON_PATCH_SCHEMAS, REF, Schemas
from functions.routing import GROUPS, PUBLIC, Endpoint, RouteGroup
from shared.auth import Role
from shared.rules.patching import JsonPatch

OPENAPI_VERSION = "3.0.3"
TITLES = {"v2": ("BookMe API V2", "2.0.0"), "v3": ("BookMe API V3", "3.0.0")}
SECURITY_SCHEME = "bearer"
_PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details, sent as application/problem+json.",
    "properties": {
        "type": {"type": "string", "description": "A URI naming the kind of problem; `about:blank` when the status "
                                                  "says it all.", "example": "about:blank"},
        "title": {"type": "string", "description": "The name of the HTTP status.", "example": "Bad Request"},
        "status": {"type": "integer", "description": "The HTTP status code.", "example": 400},
        "detail": {"type": "string", "description": "What is wrong with this request, and so what to send instead.",
                   "example": "The query parameters are not valid."},
        "errors": {"type": "object",
                   "description": "With a 400: the messages of each field or query parameter that is wrong, by its "
                                  "camelCase path (`timeSlot.startDate`, `meetingTypes.1` for a list's second item).",
                   "additionalProperties": {"type": "array", "items": {"type": "string"}},
                   "example": {"startDate": ["'tomorrow' is not an ISO 8601 date-time"]}},
        "reasons": {"type": "array", "items": {"type": "string"},
                    "description": "With a 409 for a customer booking: the codes of /time-slots/available/explain "
                                   "for each rule the time breaks.", "example": ["BeforeMinimumNotice"]},
    },
}
# Path parameters by name; any other `{id}` is the id of the route group's resource.
_PATH_PARAMETERS = {
    "employeeId": "The employee's id (UUID), as in GET /employees.",
    "customerId": "The bank's own customer id (free text, URL-encoded), as meetings carry it in customerId.",
}
_ERRORS = {400: "Invalid request", 401: "Missing or invalid token", 403: "Missing role", 404: "Not found",
           409: "Conflict", 412: "ETag mismatch", 413: "Body over 1 MiB",
           503: "The database is busy or unreachable; nothing was changed. Retry after `Retry-After` seconds."}
_WRITES = ("POST", "PUT", "PATCH", "DELETE")
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
    "description": "Retry-safe write (1 to 255 printable ASCII characters): a repeat with the same key and body "
                   "within 24 hours returns the first 2xx answer with Idempotency-Replayed: true and changes "
                   "nothing; the same key with another body is a 422; a repeat while the first is in flight is a "
                   "409. Scoped to the caller (token oid, else sub) and the operation.",
}
IDEMPOTENCY_REPLAYED = {"Idempotency-Replayed": {
    "description": "`true` when this is the kept answer of an earlier request with the same key.",
    "schema": {"type": "string", "enum": ["true"]}}}


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def _is_list(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "array" or any(_is_list(s) for s in schema.get("anyOf", []))


def _parameters(endpoint: Endpoint, schemas: Schemas, noun: str) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    for segment in endpoint.segments:
        if segment.startswith("{"):
            name = segment[1:-1]
            uuid = (name == "id" or name.endswith("Id")) and name not in endpoint.text_params
            schema = {"type": "string", "format": "uuid"} if uuid else {"type": "string"}
            description = _PATH_PARAMETERS.get(name, f"The id (UUID) of the {noun}.")
            parameters.append({"name": name, "in": "path", "required": True, "description": description,
                               "schema": schema})
    if endpoint.query is not None:
        for name, info in endpoint.query.model_fields.items():
            # The field's type with its metadata (a TimeSpan's pattern), as pydantic validates it.
            kind = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
            schema = schemas.of(kind, "validation")
            # "Try it out" sends a schema's example unasked; a parameter is pre-filled with its own
            # example (or default) only, so what it sends is valid and useful.
            schema.pop("example", None)
            default = None if info.is_required() else info.get_default(call_default_factory=True)
            if default is not None and default != []:
                schema["default"] = TypeAdapter(kind).dump_python(default, mode="json")
            parameter = {"name": info.alias or name, "in": "query", "required": info.is_required(),
                         "description": info.description or "", "schema": schema}
            if info.examples:
                parameter["example"] = info.examples[0]
            if _is_list(schema):
                # API Management imports only the default array serialization: repeated keys.
                parameter.update({"style": "form", "explode": True})
            parameters.append(parameter)
    if endpoint.idempotent:
        parameters.append(IDEMPOTENCY_KEY)
    return parameters


def _responses(endpoint: Endpoint, operation_id: str, schemas: Schemas, url: str) -> dict[str, Any]:
    statuses = endpoint.statuses or {endpoint.status: HTTPStatus(endpoint.status).phrase}
    responses: dict[str, Any] = {}
    for status, text in sorted(statuses.items()):
        response: dict[str, Any] = {"description": text}
        if endpoint.response is not None and status != 204:
            media = "text/calendar" if endpoint.response is str else "application/json"
            schema = schemas.named(schemas.of(endpoint.response, "serialization"), f"{_pascal(operation_id)}Response")
            response["content"] = {media: {"schema": schema}}
            for other in endpoint.media:
                text = schemas.named({"type": "string", "description": f"The answer as {other}."},
                                     f"{_pascal(operation_id)}{_pascal(other.split('/')[-1]).capitalize()}")
                response["content"][other] = {"schema": text}
        if endpoint.idempotent:
            response["headers"] = IDEMPOTENCY_REPLAYED
        responses[str(status)] = response
    secured = endpoint.role != PUBLIC
    errors = dict(_ERRORS)
    if endpoint.idempotent:
        errors[422] = "The Idempotency-Key was used before with a different body."
    for status, text in errors.items():
        if (status == 401 and not secured) or (status == 403 and not (secured and isinstance(endpoint.role, Role))):
            continue
        if (status == 409 and endpoint.method not in _WRITES) or (status == 413 and endpoint.body is None):
            continue
        if status == 412 and endpoint.method not in ("PUT", "PATCH", "DELETE"):
            continue
        role = endpoint.role.value if isinstance(endpoint.role, Role) else None
        example = problem_example(status, url=url, role=role,
                                  body=endpoint.body is not None, query=endpoint.query is not None)
        responses[str(status)] = {"description": text, "content": {
            "application/problem+json": {"schema": {"$ref": REF + "Problem"}, "example": example}}}
    return dict(sorted(responses.items()))


def _operation(group: RouteGroup, endpoint: Endpoint, schemas: Schemas, url: str) -> dict[str, Any]:
    operation_id = endpoint.handler.__name__
    summary, _, rest = endpoint.summary.partition("\n")
    description = endpoint.description.strip() or rest.strip()
    if isinstance(endpoint.role, Role):
        description = "\n\n".join(part for part in (description, f"Requires the `{endpoint.role.value}` role.") if part)
    operation: dict[str, Any] = {"operationId": operation_id, "summary": summary.strip(), "tags": [group.tag]}
    if description:
        operation["description"] = description
    noun = group.tag.lower().removesuffix("s")
    operation["parameters"] = _parameters(endpoint, schemas, noun)
    if endpoint.body is not None:
        if endpoint.body is JsonPatch:
            schemas.components.update(JSON_PATCH_SCHEMAS)
            schema = {"$ref": REF + JSON_PATCH}
        else:
            schema = schemas.named(schemas.of(endpoint.body, "validation"), f"{_pascal(operation_id)}Request")
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    operation["responses"] = _responses(endpoint, operation_id, schemas, url)
    if endpoint.role == PUBLIC:
        operation["security"] = []  # overrides the document's bearer requirement
    return operation


def build_document(version: str, groups: list[RouteGroup] | None = None) -> dict[str, Any]:
    """The OpenAPI 3.0.3 description of every endpoint served under `version`."""
    title, number = TITLES[version]
    schemas = Schemas({"Problem": _PROBLEM})
    paths: dict[str, Any] = {}
    tags: dict[str, None] = {}
    if groups is None:
        lazy_groups.load_all()
    for group in GROUPS if groups is None else groups:
        for endpoint in group.endpoints:
            if version not in endpoint.versions or not endpoint.documented:
                continue
            path = "/" + "/".join(part for part in (group.base, endpoint.path) if part)
            url = f"/api/{version}/bookme{filled(path)}"
            paths.setdefault(path, {})[endpoint.method.lower()] = _operation(group, endpoint, schemas, url)
            tags[group.tag] = None
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": number,
                 "description": "Meeting booking and advisor scheduling for banks. Every operation needs an "
                                "Entra ID bearer token unless it says otherwise."},
        "servers": [{"url": f"/api/{version}/bookme"}],
        "security": [{SECURITY_SCHEME: []}],
        "tags": [{"name": tag} for tag in sorted(tags)],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "securitySchemes": {SECURITY_SCHEME: {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
