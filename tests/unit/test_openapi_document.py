"""The OpenAPI 3.0.3 generator: schema conversion and what route options document."""

from typing import Literal

import pytest
from pydantic import BaseModel, Field

from functions.openapi_document import build_document
from functions.openapi_schemas import Schemas, convert
from functions.routing import GROUPS, PUBLIC, RouteGroup
from shared.auth import Role


class Gadget(BaseModel):
    name: str = Field(examples=["Projector"])
    size: int | None = None
    kind: Literal["fixed"] = "fixed"


class Widget(BaseModel):
    gadget: Gadget | None = None
    tags: list[str] = []


class WidgetQuery(BaseModel):
    tags: list[str] | None = None
    limit: int = 10


@pytest.fixture
def widgets():
    """A route group of its own, kept out of the app's registry."""
    group = RouteGroup("widgets", "widgets")
    GROUPS.remove(group)
    return group


def _handler_named(name):
    async def handler(call):
        return None

    handler.__name__ = name
    return handler


def test_optional_values_become_nullable_and_literals_enums():
    schemas = Schemas()
    schemas.of(Widget, "validation")
    gadget, widget = schemas.components["Gadget"], schemas.components["Widget"]
    assert gadget["properties"]["size"] == {"type": "integer", "nullable": True, "default": None, "title": "Size"}
    assert gadget["properties"]["kind"]["enum"] == ["fixed"] and "const" not in gadget["properties"]["kind"]
    assert gadget["properties"]["name"]["example"] == "Projector"
    # A $ref cannot carry siblings in OpenAPI 3.0, so a nullable reference is wrapped in allOf.
    assert widget["properties"]["gadget"]["allOf"] == [{"$ref": "#/components/schemas/Gadget"}]
    assert widget["properties"]["gadget"]["nullable"] is True


def test_json_schema_2020_keywords_are_rewritten_for_openapi_3_0():
    converted = convert({"type": ["string", "null"], "exclusiveMinimum": 0,
                         "prefixItems": [{"type": "integer"}, {"type": "integer"}], "$schema": "x"})
    assert converted == {"type": "string", "nullable": True, "minimum": 0, "exclusiveMinimum": True,
                         "items": {"anyOf": [{"type": "integer"}, {"type": "integer"}]}, "minItems": 2, "maxItems": 2}


def test_an_endpoint_documents_each_success_status_and_its_description(widgets):
    route = widgets.put("{id}", role=Role.ADMIN, body=Widget, response=Widget,
                        statuses={201: "Created.", 200: "Replaced."},
                        description="Creates or replaces a widget.\n\nExample: `PUT /widgets/{id}`.")
    route(_handler_named("put_widget"))
    operation = build_document("v3", [widgets])["paths"]["/widgets/{id}"]["put"]
    assert operation["responses"]["201"]["description"] == "Created."
    assert operation["responses"]["200"]["description"] == "Replaced."
    assert operation["description"].startswith("Creates or replaces a widget.\n\nExample:")
    assert operation["description"].endswith("Requires the `BookMe.Admin` role.")
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Widget"}


def test_security_is_document_wide_and_public_endpoints_override_it(widgets):
    widgets.get("public", role=PUBLIC)(_handler_named("public_widgets"))
    widgets.get(response=list[Widget])(_handler_named("list_widgets"))
    document = build_document("v3", [widgets])
    assert document["security"] == [{"bearer": []}]
    public = document["paths"]["/widgets/public"]["get"]
    assert public["security"] == [] and "401" not in public["responses"]
    listed = document["paths"]["/widgets"]["get"]
    assert "security" not in listed and "401" in listed["responses"]
    assert listed["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WidgetList"}
    assert document["components"]["schemas"]["WidgetList"]["items"] == {"$ref": "#/components/schemas/Widget"}


def test_list_query_parameters_are_form_exploded(widgets):
    widgets.get("search", query=WidgetQuery)(_handler_named("search_widgets"))
    operation = build_document("v3", [widgets])["paths"]["/widgets/search"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["tags"]["style"] == "form" and parameters["tags"]["explode"] is True
    assert "style" not in parameters["limit"]


def test_put_employees_and_rooms_document_201_on_create_and_200_on_replace():
    import function_app  # noqa: F401 - registers the route groups

    paths = build_document("v3")["paths"]
    for path in ("/employees/{id}", "/rooms/{id}"):
        assert {"200", "201"} <= set(paths[path]["put"]["responses"])


def test_two_models_of_one_name_get_separate_components():
    from enum import Enum

    class Colour(str, Enum):
        RED = "Red"

    class Paint(BaseModel):
        colour: Colour

    first = Colour

    class Colour(str, Enum):  # noqa: F811 - another enum of the same name, as in two modules
        RED = "Red"
        BLUE = "Blue"

    class Brush(BaseModel):
        colour: Colour

    schemas = Schemas()
    schemas.of(Paint, "serialization")
    schemas.of(Brush, "validation")
    assert schemas.components["Colour"]["enum"] == [e.value for e in first]
    assert schemas.components["ColourInput"]["enum"] == ["Red", "Blue"]
    assert schemas.components["Brush"]["properties"]["colour"] == {"$ref": "#/components/schemas/ColourInput"}
