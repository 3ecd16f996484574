"""Pydantic's JSON Schema (draft 2020-12) rewritten as OpenAPI 3.0.3 schema objects.

API Management parses OpenAPI 3.0: no `type: "null"` (3.0 says `nullable: true`), no `const`,
no `examples` list, no `prefixItems`, and nothing beside a `$ref`. Every named model is a
component, and every `$ref` points at `#/components/schemas/`.
"""

from typing import Any

from pydantic import TypeAdapter

from shared.rules.patching import MAX_OPERATIONS

REF = "#/components/schemas/"
# Keywords of JSON Schema 2020-12 that OpenAPI 3.0 does not have and that only narrow validation.
_DROPPED = {"$schema", "$id", "$anchor", "$comment", "contentMediaType", "contentEncoding", "propertyNames",
            "unevaluatedProperties", "unevaluatedItems", "dependentRequired", "dependentSchemas",
            "if", "then", "else", "contains", "minContains", "maxContains"}
_NESTED_LISTS = ("allOf", "anyOf", "oneOf")
_NESTED_ONE = ("items", "not", "additionalProperties")


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null" and len(schema) <= 2


def _ref_alone(schema: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    # OpenAPI 3.0 ignores every sibling of $ref: wrap it so descriptions and nullable survive.
    return {"allOf": [schema], **extra} if extra else schema


def _nullable(members: list[Any], rest: dict[str, Any], keyword: str) -> dict[str, Any]:
    kept = [m for m in members if not _is_null(m)]
    nullable = {"nullable": True} if len(kept) < len(members) else {}
    if len(kept) == 1:
        single = convert(kept[0])
        if "$ref" in single:
            return _ref_alone(single, {**rest, **nullable})
        return {**single, **rest, **nullable}
    return {keyword: [convert(m) for m in kept], **rest, **nullable}


def convert(schema: Any) -> Any:
    """One JSON Schema object as an OpenAPI 3.0.3 schema object."""
    if not isinstance(schema, dict):
        return schema
    schema = {k: v for k, v in schema.items() if k not in _DROPPED}
    if "$ref" in schema:
        ref = {"$ref": REF + schema.pop("$ref").rsplit("/", 1)[-1]}
        return _ref_alone(ref, {k: convert(v) for k, v in schema.items() if k not in ("$defs", "definitions")})
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema and any(_is_null(m) for m in schema[keyword]):
            members = schema.pop(keyword)
            return _nullable(members, convert(schema), keyword)
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "type" and isinstance(value, list):
            kinds = [v for v in value if v != "null"]
            if len(kinds) < len(value):
                out["nullable"] = True
            if len(kinds) == 1:
                out["type"] = kinds[0]
            else:
                out.setdefault("anyOf", []).extend({"type": kind} for kind in kinds)
        elif key == "type" and value == "null":
            out.update({"nullable": True, "enum": [None]})
        elif key == "const":
            out["enum"] = [value]
        elif key == "examples":
            if value:
                out["example"] = value[0] if isinstance(value, list) else next(iter(value.values()))
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            out["minimum" if key == "exclusiveMinimum" else "maximum"] = value
            out[key] = True
        elif key == "prefixItems":
            out["items"] = {"anyOf": [convert(v) for v in value]} if len(value) > 1 else convert(value[0])
            out.setdefault("minItems", len(value))
            out.setdefault("maxItems", len(value))
        elif key == "patternProperties":
            out["additionalProperties"] = convert(next(iter(value.values())))
        elif key == "properties":
            out[key] = {name: convert(v) for name, v in value.items()}
        elif key in _NESTED_LISTS:
            out[key] = [convert(v) for v in value]
        elif key in _NESTED_ONE:
            if value is not False or key != "items":
                out[key] = convert(value)
        elif key == "discriminator":
            mapping = {k: REF + v.rsplit("/", 1)[-1] for k, v in value.get("mapping", {}).items()}
            out[key] = {**value, **({"mapping": mapping} if mapping else {})}
        elif key not in ("$defs", "definitions"):
            out[key] = value
    return out


def _without_defaults(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_defaults(v) for k, v in node.items() if k != "default"}
    if isinstance(node, list):
        return [_without_defaults(v) for v in node]
    return node


def _alike(a: dict[str, Any], b: dict[str, Any]) -> bool:
    # One model may render a default differently in validation and serialization mode (a timedelta
    # as ISO 8601 or as the TimeSpan its serializer writes): that is still the same model.
    return _without_defaults(a) == _without_defaults(b)


def _renamed(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {k: (REF + renames.get(v[len(REF):], v[len(REF):]) if k == "$ref" and v.startswith(REF) else
                    _renamed(v, renames)) for k, v in node.items()}
    if isinstance(node, list):
        return [_renamed(v, renames) for v in node]
    return node


class Schemas:
    """The components/schemas of one document, filled as operations are described."""

    def __init__(self, initial: dict[str, Any] | None = None) -> None:
        self.components: dict[str, Any] = dict(initial or {})

    def of(self, kind: Any, mode: str) -> dict[str, Any]:
        """The schema of a Python type: a $ref when it is a named model, else inline."""
        schema = TypeAdapter(kind).json_schema(mode=mode, by_alias=True, ref_template=REF + "{model}")
        definitions = schema.pop("$defs", {})
        # Two models of one name (an enum in two modules) must not share a component: the later
        # one gets a numbered name, and the references of this schema follow it.
        renames = {name: self._free_name(name, convert(definitions[name]), mode) for name in definitions}
        if any(old != new for old, new in renames.items()):
            schema, definitions = _renamed(schema, renames), _renamed(definitions, renames)
        for name, definition in definitions.items():
            self.components.setdefault(renames[name], convert(definition))
        if "title" in schema and schema.get("type") == "object" and "properties" in schema:
            converted = convert(schema)
            name = self._free_name(schema["title"], converted, mode)
            self.components.setdefault(name, converted)
            return {"$ref": REF + name}
        return convert(schema)

    def _free_name(self, name: str, schema: dict[str, Any], mode: str) -> str:
        """`name`, else `<name>Input` / `<name>Output` (as pydantic names a model that differs
        between validation and serialization), else numbered, whichever is free or equal."""
        suffix = "Input" if mode == "validation" else "Output"
        candidates = [name, name + suffix] + [f"{name}{suffix}{n}" for n in range(2, 100)]
        return next(c for c in candidates if c not in self.components or _alike(self.components[c], schema))

    def named(self, schema: dict[str, Any], name: str) -> dict[str, Any]:
        """A body schema as a $ref: API Management takes no inline schemas in operations."""
        if "$ref" in schema:
            return schema
        items = schema.get("items", {})
        if schema.get("type") == "array" and set(schema) <= {"type", "items"}:
            if "$ref" in items:
                name = items["$ref"].rsplit("/", 1)[-1] + "List"
            elif set(items) <= {"type", "format"} and "type" in items:
                name = str(items.get("format", items["type"])).capitalize() + "List"  # UuidList, StringList
        if name in self.components and self.components[name] != schema:
            raise ValueError(f"Two different schemas would be named {name}")
        self.components[name] = schema
        return {"$ref": REF + name}


JSON_PATCH = "JsonPatch"
JSON_PATCH_SCHEMAS = {
    JSON_PATCH: {"type": "array", "description": "RFC 6902 JSON Patch.", "maxItems": MAX_OPERATIONS,
                 "items": {"$ref": REF + "JsonPatchOperation"}},
    "JsonPatchOperation": {
        "type": "object",
        "required": ["op", "path"],
        "properties": {
            "op": {"type": "string", "enum": ["add", "remove", "replace", "move", "copy", "test"],
                   "description": "The operation (RFC 6902): add, remove, replace, move, copy or test."},
            "path": {"type": "string", "description": "JSON Pointer (RFC 6901) to the target.",
                     "example": "/displayName"},
            "value": {"description": "The value to add, replace or test."},
            "from": {"type": "string", "description": "JSON Pointer of the source of move and copy."},
        },
    },
}
