"""The documents API Management imports (infra/openapi/*.json) respect its documented import
restrictions ("API import restrictions and known issues", Azure API Management docs) and the
limits of the Bicep that loads them (infra/app/apim.bicep)."""

import json
import re

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV30SpecValidator

from tools.export_openapi import OUTPUT

VERSIONS = ["v2", "v3"]
REF = "#/components/schemas/"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
# OpenAPI 3.0 objects and fields API Management does not support (beside ignored security).
UNSUPPORTED = {"externalDocs", "callbacks", "links", "examples", "trace"}
# Keywords of JSON Schema 2020-12 (OpenAPI 3.1) that an OpenAPI 3.0 parser does not know.
NOT_OPENAPI_30 = {"const", "examples", "prefixItems", "$defs", "$schema", "$id", "unevaluatedProperties",
                  "propertyNames", "patternProperties", "dependentRequired", "if", "then", "else", "contains"}
TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP header name (RFC 9110 token)


def _document(version):
    return json.loads((OUTPUT / f"{version}.json").read_text(encoding="utf-8"))


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def _walk(node, where=""):
    yield where, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


def _schema_nodes(document):
    """Every schema object: components and the schemas of parameters and bodies."""
    for name, schema in document["components"]["schemas"].items():
        yield from _walk(schema, f"components/{name}")
    for path, method, operation in _operations(document):
        for parameter in operation.get("parameters", []):
            yield from _walk(parameter["schema"], f"{method} {path} {parameter['name']}")
        for holder in [operation.get("requestBody", {}), *operation["responses"].values()]:
            for media, content in holder.get("content", {}).items():
                yield from _walk(content["schema"], f"{method} {path} {media}")


def _apim_name(operation_id):
    """API Management's normalisation of an operationId into the operation's resource name."""
    return re.sub(r"[^a-z0-9]+", "-", operation_id.lower()).strip("-")


@pytest.mark.parametrize("version", VERSIONS)
def test_documents_are_openapi_3_0_3_and_valid_as_3_0(version):
    document = _document(version)
    assert document["openapi"] == "3.0.3"
    validate(document, cls=OpenAPIV30SpecValidator)


@pytest.mark.parametrize("version", VERSIONS)
def test_schemas_use_no_json_schema_2020_keywords_and_nullable_instead_of_type_null(version):
    for where, node in _schema_nodes(_document(version)):
        if isinstance(node, dict) and not where.endswith("/properties"):
            assert not NOT_OPENAPI_30 & set(node), f"{where}: {NOT_OPENAPI_30 & set(node)}"
            assert not isinstance(node.get("type"), list) and node.get("type") != "null", where
            if "$ref" in node:
                assert set(node) == {"$ref"}, f"{where}: OpenAPI 3.0 ignores siblings of $ref"


@pytest.mark.parametrize("version", VERSIONS)
def test_every_ref_is_internal_to_components_schemas_and_resolves(version):
    document = _document(version)
    refs = [node["$ref"] for _, node in _walk(document) if isinstance(node, dict) and "$ref" in node]
    assert refs
    for ref in refs:
        assert ref.startswith(REF), f"{ref}: $ref pointers cannot reference external files or other sections"
        assert ref[len(REF):] in document["components"]["schemas"], ref


@pytest.mark.parametrize("version", VERSIONS)
def test_no_schema_is_recursive(version):
    schemas = _document(version)["components"]["schemas"]
    uses = {name: {node["$ref"][len(REF):] for _, node in _walk(schema) if isinstance(node, dict) and "$ref" in node}
            for name, schema in schemas.items()}

    def reaches(start, seen):
        for used in uses[start]:
            if used in seen:
                return True
            if reaches(used, seen | {used}):
                return True
        return False

    recursive = [name for name in schemas if reaches(name, {name})]
    assert not recursive, f"API Management does not import recursive definitions: {recursive}"


@pytest.mark.parametrize("version", VERSIONS)
def test_operation_ids_exist_and_stay_unique_after_api_management_normalises_them(version):
    ids = [operation.get("operationId") for _, _, operation in _operations(_document(version))]
    assert all(ids)
    names = [_apim_name(i) for i in ids]
    assert len(set(names)) == len(names), "operation resource names would collide"
    # Names are cut to 76 characters (80 minus a de-duplication suffix): keep them shorter.
    assert max(len(name) for name in names) <= 76


@pytest.mark.parametrize("version", VERSIONS)
def test_summaries_fit_the_300_character_display_name(version):
    for path, method, operation in _operations(_document(version)):
        assert operation.get("summary"), f"{method} {path}: the display name would fall back to the operationId"
        assert len(operation["summary"]) <= 300


@pytest.mark.parametrize("version", VERSIONS)
def test_url_templates_declare_each_path_parameter_once_and_names_are_unique(version):
    document = _document(version)
    base = document["servers"][0]["url"]
    for path, method, operation in _operations(document):
        in_template = re.findall(r"\{([^}]+)\}", path)
        parameters = operation.get("parameters", [])
        declared = [p["name"] for p in parameters if p["in"] == "path"]
        assert sorted(in_template) == sorted(declared), f"{method} {path}"
        assert all(p["required"] for p in parameters if p["in"] == "path")
        # Path and required query parameter names must be unique across the URL template, ignoring case.
        template_names = [p["name"].lower() for p in parameters if p["in"] == "path" or
                          (p["in"] == "query" and p.get("required"))]
        assert len(template_names) == len(set(template_names)), f"{method} {path}"
        assert len(base + path) < 128, f"{method} {path}: API URLs must be shorter than 128 characters"


@pytest.mark.parametrize("version", VERSIONS)
def test_parameters_are_path_query_or_valid_headers_and_queries_serialize_as_form_explode(version):
    for _, _, operation in _operations(_document(version)):
        for parameter in operation.get("parameters", []):
            assert parameter["in"] in ("path", "query", "header"), "cookie parameters are not supported"
            assert not {"allowEmptyValue", "allowReserved", "content"} & set(parameter)
            if parameter["in"] == "query":
                assert parameter.get("style", "form") == "form" and parameter.get("explode", True) is True
            if parameter["in"] == "header":
                assert TOKEN.fullmatch(parameter["name"]), parameter["name"]
                assert parameter["name"].lower() not in ("accept", "content-type", "authorization")


@pytest.mark.parametrize("version", VERSIONS)
def test_bodies_and_responses_reference_component_schemas(version):
    for path, method, operation in _operations(_document(version)):
        if method in ("get", "head", "options"):
            assert "requestBody" not in operation, "API Management drops bodies of GET, HEAD and OPTIONS"
        for holder in [operation.get("requestBody", {}), *operation["responses"].values()]:
            for media, content in holder.get("content", {}).items():
                assert set(content["schema"]) == {"$ref"}, f"{method} {path} {media}: no inline schema definitions"


@pytest.mark.parametrize("version", VERSIONS)
def test_no_unsupported_objects_extensions_or_operation_servers(version):
    document = _document(version)
    for where, node in _walk(document):
        if isinstance(node, dict) and not where.endswith(("/properties", "/schemas", "/paths")):
            assert not UNSUPPORTED & set(node), f"{where}: {UNSUPPORTED & set(node)}"
            assert not [k for k in node if k.startswith("x-") and k not in ("x-ms-paths", "x-servers")], where
    assert set(document["components"]) <= {"schemas", "securitySchemes"}
    for item in document["paths"].values():
        assert "servers" not in item and all("servers" not in op for op in item.values() if isinstance(op, dict))


@pytest.mark.parametrize("version", VERSIONS)
def test_security_is_set_once_for_the_document_with_a_bearer_scheme(version):
    document = _document(version)
    assert document["security"] == [{"bearer": []}]
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer",
                                                                   "bearerFormat": "JWT"}
    for _, _, operation in _operations(document):
        assert operation.get("security", [{"bearer": []}]) in ([], [{"bearer": []}])


@pytest.mark.parametrize("version", VERSIONS)
def test_documents_fit_what_bicep_and_api_management_load(version):
    text = (OUTPUT / f"{version}.json").read_text(encoding="utf-8")
    # apim.bicep loads them with loadJsonContent (1,048,576 characters at most); inline import: 4 MB.
    assert len(text) < 1_048_576
    assert len(json.dumps(json.loads(text), separators=(",", ":")).encode()) < 4 * 1024 * 1024
