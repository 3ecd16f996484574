"""The request Swagger UI's "Try it out" sends for an operation when nobody edits its form.

Swagger UI (ParameterRow.setDefaultValue) pre-fills each parameter with the parameter's
`example`, else its schema's `example`, else its schema's `default`; a parameter left empty is
not sent; an array is sent as repeated keys (style form, explode true); booleans as true/false.
tests/api/test_docs_page.py checks this against the real page.
"""

from typing import Any


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def prefilled_query(operation: dict[str, Any]) -> list[tuple[str, str]]:
    """The query parameters of `operation` (from the served document) as "Try it out" sends them."""
    sent: list[tuple[str, str]] = []
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "query":
            continue
        schema = parameter.get("schema", {})
        value = next((v for v in (parameter.get("example"), schema.get("example"), schema.get("default"))
                      if v is not None), None)
        if value is None:
            continue
        sent.extend((parameter["name"], _text(v)) for v in (value if isinstance(value, list) else [value]))
    return sent
