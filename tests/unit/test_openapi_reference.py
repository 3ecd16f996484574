"""The API reference a newcomer reads: every parameter and field described, examples that
"Try it out" can send unchanged on any day, and problem details examples for every error."""

import re
from datetime import date, timedelta
from typing import Any

import pytest

import function_app  # noqa: F401 - registers every route group
from functions import openapi_examples
from functions.openapi_document import build_document
from functions.routing import GROUPS
from shared.demo import bank, config_groups

VERSIONS = ["v2", "v3"]


@pytest.fixture(scope="module", params=VERSIONS)
def document(request) -> dict[str, Any]:
    return build_document(request.param)


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def _properties(node: Any, where: str = ""):
    """Every (place, property schema) of every schema in the document, nested ones included."""
    if isinstance(node, dict):
        for name, schema in (node.get("properties") or {}).items():
            if isinstance(schema, dict):
                yield f"{where}.{name}", schema
        for key, value in node.items():
            yield from _properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _properties(value, f"{where}[{index}]")


def test_every_parameter_says_what_it_is(document):
    undescribed = [f"{operation_name} {parameter['name']}" for operation_name, operation in _operations(document)
                   for parameter in operation["parameters"] if not parameter.get("description", "").strip()]
    assert not undescribed, "Describe these parameters (Field(description=...) on the query model):\n" + \
        "\n".join(undescribed)


def test_every_schema_property_says_what_it_is(document):
    undescribed = [place for place, schema in _properties(document) if not schema.get("description", "").strip()]
    assert not undescribed, "Describe these fields (Field(description=...) on the model):\n" + "\n".join(undescribed)


def test_a_duration_parameter_shows_its_format_and_default(document):
    search = dict(_operations(document))["GET /time-slots/available"]
    look_forward = next(p for p in search["parameters"] if p["name"] == "lookForwardTime")
    assert look_forward["schema"]["default"] == "7.00:00:00"
    assert look_forward["schema"]["pattern"] and "[d.]hh:mm:ss" in look_forward["description"]


def test_no_parameter_is_pre_filled_with_a_type_example_it_did_not_choose(document):
    """Swagger UI pre-fills a parameter from its schema's example: only a parameter's own example may do so."""
    for _, operation in _operations(document):
        for parameter in operation["parameters"]:
            assert "example" not in parameter["schema"], parameter["name"]


def _query_model(operation_id: str):
    for group in GROUPS:
        for endpoint in group.endpoints:
            if endpoint.handler.__name__ == operation_id:
                return endpoint.query
    raise LookupError(operation_id)


def test_every_parameter_example_and_default_is_valid_for_its_model(document):
    from functions.request_parsing import parse_query

    for _, operation in _operations(document):
        values: dict[str, list[str]] = {}
        for parameter in operation["parameters"]:
            value = parameter.get("example", parameter["schema"].get("default"))
            if parameter["in"] == "query" and value is not None:
                values[parameter["name"]] = [_as_text(v) for v in (value if isinstance(value, list) else [value])]
        if values:
            parse_query(values, _query_model(operation["operationId"]))  # raises on an invalid example


def _as_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def test_ids_in_parameter_examples_name_the_demo_bank():
    demo = {item.id for item in (*bank.EMPLOYEES, *bank.TOPICS, *bank.ROOMS, *bank.CUSTOMER_TYPES,
                                 *config_groups.COMPETENCE_GROUPS, *config_groups.SERVICE_GROUPS)}
    uuid = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    for version in VERSIONS:
        for name, operation in _operations(build_document(version)):
            for parameter in operation["parameters"]:
                examples = parameter.get("example")
                for value in examples if isinstance(examples, list) else [examples]:
                    if isinstance(value, str) and uuid.match(value):
                        assert value in demo, f"{name} {parameter['name']}: {value} is not a demo bank id"


def test_the_served_document_moves_date_examples_to_tomorrow_and_leaves_the_rest(document):
    today = date(2031, 2, 27)
    served = openapi_examples.dated(document, today)
    search = dict(_operations(served))["GET /time-slots/available"]
    start = next(p for p in search["parameters"] if p["name"] == "startDate")
    assert start["example"] == f"{today + timedelta(days=1)}T00:00:00Z"
    assert openapi_examples.dated(document, openapi_examples.EXAMPLES_AS_OF) == document
    unchanged = {k: v for k, v in served.items() if k != "paths"}
    assert unchanged == {k: v for k, v in document.items() if k != "paths"}


def test_date_examples_of_parameters_are_tomorrow_or_later_when_served(document):
    today = date(2040, 1, 1)
    for name, operation in _operations(openapi_examples.dated(document, today)):
        for parameter in operation["parameters"]:
            for value in parameter.get("example") if isinstance(parameter.get("example"), list) else \
                    [parameter.get("example")]:
                if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
                    assert date.fromisoformat(value[:10]) > today, f"{name} {parameter['name']}"


def test_every_error_response_shows_a_problem_details_example_of_its_status(document):
    for name, operation in _operations(document):
        for status, response in operation["responses"].items():
            problem = response.get("content", {}).get("application/problem+json")
            if problem is None:
                continue
            example = problem["example"]
            assert example["status"] == int(status) and example["type"] == "about:blank", name
            assert example["title"] and example["detail"] and "additionalProp" not in str(example)
            if status == "404":
                assert example["detail"].startswith("No resource at /api/")


def test_the_problem_schema_shows_field_errors_by_example_not_by_placeholder(document):
    errors = document["components"]["schemas"]["Problem"]["properties"]["errors"]
    assert errors["example"] == {"startDate": ["'tomorrow' is not an ISO 8601 date-time"]}
