"""{base}/openapi.json: OpenAPI 3.1 documents generated from the route groups."""

import json
from typing import Any

import azure.functions as func
from pydantic import TypeAdapter

from functions.http import error_response, problem
from functions.routing import GROUPS, PUBLIC, VERSIONS, Endpoint, RouteGroup
from shared.auth import Role
from shared.bootstrap import token_validator

bp = func.Blueprint()
TITLES = {"v2": ("BookMe API V2", "2.0.0"), "v3": ("BookMe API V3", "3.0.0")}
_PROBLEM = {
    "type": "object",
    "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                   "status": {"type": "integer"}, "detail": {"type": "string"},
                   "errors": {"type": "object",
                              "additionalProperties": {"type": "array", "items": {"type": "string"}}}},
}
_ERRORS = {"400": "Invalid request", "401": "Missing or invalid token", "403": "Missing role",
           "404": "Not found", "409": "Conflict", "412": "ETag mismatch", "413": "Body over 1 MiB"}


class _Schemas:
    def __init__(self) -> None:
        self.components: dict[str, Any] = {"Problem": _PROBLEM}

    def of(self, kind: Any, mode: str) -> dict[str, Any]:
        schema = TypeAdapter(kind).json_schema(mode=mode, by_alias=True,
                                               ref_template="#/components/schemas/{model}")
        for name, definition in schema.pop("$defs", {}).items():
            self.components.setdefault(name, definition)
        if "title" in schema and schema.get("type") == "object" and "properties" in schema:
            name = schema["title"]
            self.components.setdefault(name, schema)
            return {"$ref": f"#/components/schemas/{name}"}
        return schema


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
    "description": "Retry-safe write (1 to 255 printable ASCII characters): a repeat with the same key and body "
                   "within 24 hours returns the first 2xx answer with Idempotency-Replayed: true and changes "
                   "nothing; the same key with another body is a 422; a repeat while the first is in flight is a "
                   "409. Scoped to the caller (token oid, else sub) and the operation.",
}


def _operation(group: RouteGroup, endpoint: Endpoint, schemas: _Schemas) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": endpoint.handler.__name__,
        "summary": endpoint.summary,
        "tags": [group.tag],
        "parameters": [
            {"name": s[1:-1], "in": "path", "required": True, "schema": {"type": "string"}}
            for s in endpoint.segments if s.startswith("{")
        ],
    }
    if endpoint.query is not None:
        for name, info in endpoint.query.model_fields.items():
            schema = schemas.of(info.annotation, "validation")
            parameter = {"name": info.alias or name, "in": "query", "required": info.is_required(), "schema": schema}
            if info.description:
                parameter["description"] = info.description
            operation["parameters"].append(parameter)
    if endpoint.body is not None:
        schema = schemas.of(endpoint.body, "validation")
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    if endpoint.idempotent:
        operation["parameters"].append(IDEMPOTENCY_KEY)
    success: dict[str, Any] = {"description": "Success"}
    if endpoint.response is not None:
        media = "text/calendar" if endpoint.response is str else "application/json"
        success["content"] = {media: {"schema": schemas.of(endpoint.response, "serialization")}}
    responses = {str(endpoint.status): success}
    for status, text in _ERRORS.items():
        problem_schema = {"schema": {"$ref": "#/components/schemas/Problem"}}
        responses[status] = {"description": text, "content": {"application/problem+json": problem_schema}}
    if endpoint.idempotent:
        success["headers"] = {"Idempotency-Replayed": {
            "description": "`true` when this is the kept answer of an earlier request with the same key.",
            "schema": {"type": "string", "enum": ["true"]}}}
        problem_schema = {"schema": {"$ref": "#/components/schemas/Problem"}}
        responses["422"] = {"description": "The Idempotency-Key was used before with a different body.",
                            "content": {"application/problem+json": problem_schema}}
    operation["responses"] = responses
    notes = [endpoint.description] if endpoint.description else []
    if endpoint.role != PUBLIC:
        operation["security"] = [{"bearer": []}]
        if isinstance(endpoint.role, Role):
            notes.append(f"Requires the {endpoint.role.value} role.")
    if notes:
        operation["description"] = "\n\n".join(notes)
    return operation


def build_document(version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 description of every endpoint served under `version`."""
    title, number = TITLES[version]
    schemas = _Schemas()
    paths: dict[str, Any] = {}
    for group in GROUPS:
        for endpoint in group.endpoints:
            if version not in endpoint.versions:
                continue
            path = "/" + "/".join(part for part in (group.base, endpoint.path) if part)
            paths.setdefault(path, {})[endpoint.method.lower()] = _operation(group, endpoint, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": number,
                 "description": "Meeting booking and advisor scheduling for banks."},
        "servers": [{"url": f"/api/{version}/bookme"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


@bp.route(route="{version}/bookme/openapi.json", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
async def openapi_document(req: func.HttpRequest) -> func.HttpResponse:
    version = (req.route_params.get("version") or "").lower()
    if version not in VERSIONS:
        return problem(404, "Not Found", f"No API version '{version}'.")
    try:
        token_validator().validate(req.headers.get("Authorization"))
        return func.HttpResponse(json.dumps(build_document(version), indent=1), mimetype="application/json")
    except Exception as error:  # noqa: BLE001
        return error_response(error)
