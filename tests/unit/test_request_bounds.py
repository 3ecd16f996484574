"""Every list a request body may hold is bounded, so that validating any body costs little.

Pydantic checks a list's length before its items: a bounded list of a megabyte of wrong items
is refused at once, where an unbounded one is validated item by item and each failure
reported (262,144 UUIDs that are not: 2.8 s). Contract section 22: any body up to 1 MiB is
answered within one second.
"""

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

import function_app  # noqa: F401 - declares every route group
from functions import lazy_groups
from functions.routing import GROUPS, Endpoint

lazy_groups.load_all()
BODIES = [(f"{endpoint.method} {group.base}/{endpoint.path}", endpoint) for group in GROUPS
          for endpoint in group.endpoints if endpoint.body is not None]


def _unbounded_arrays(schema: Any, where: str) -> list[str]:
    found = []
    if isinstance(schema, dict):
        if schema.get("type") == "array" and "maxItems" not in schema:
            found.append(where)
        for key, value in schema.items():
            found += _unbounded_arrays(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            found += _unbounded_arrays(value, f"{where}/{index}")
    return found


@pytest.mark.parametrize(("name", "endpoint"), BODIES, ids=[name for name, _ in BODIES])
def test_every_list_in_a_request_body_has_a_maximum_length(name, endpoint: Endpoint):
    schema = TypeAdapter(endpoint.body).json_schema(mode="validation")
    assert _unbounded_arrays(schema, "#") == []


@pytest.mark.parametrize(("name", "endpoint"), BODIES, ids=[name for name, _ in BODIES])
def test_a_megabyte_list_of_wrong_items_fails_on_its_length(name, endpoint: Endpoint):
    """A list where the body is one, or in each list-valued property where it is an object."""
    adapter = TypeAdapter(endpoint.body)
    schema = adapter.json_schema(mode="validation")
    wrong = [{"x": "y"}] * 100_000
    bodies = [wrong] if schema.get("type") == "array" else [
        {prop: wrong} for prop, field in schema.get("properties", {}).items() if field.get("type") == "array"]
    for body in bodies:
        errors = _errors(adapter, body)
        assert errors and len(errors) <= 10, (body.keys() if isinstance(body, dict) else "list", errors[:3])


def _errors(adapter: TypeAdapter, body: Any) -> list[dict[str, Any]]:
    try:
        adapter.validate_python(body, strict=True)
    except ValidationError as error:
        return error.errors()
    return []
