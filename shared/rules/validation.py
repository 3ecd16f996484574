"""Turning pydantic validation errors into the API's `errors` map."""

from pydantic import ValidationError


def validation_errors(error: ValidationError) -> dict[str, list[str]]:
    """Map each failing field (camelCase path) to its messages."""
    errors: dict[str, list[str]] = {}
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "body"
        message = item["msg"]
        if item["type"] == "missing":
            message = "This field is required."
        errors.setdefault(field, []).append(message)
    return errors
