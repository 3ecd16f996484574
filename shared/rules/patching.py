"""JSON Patch (RFC 6902) policy shared by every PATCH endpoint."""

from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from shared.errors import Conflict, InvalidRequest
from shared.rules.validation import validation_errors

M = TypeVar("M", bound=BaseModel)

_OPS = {"add", "remove", "replace", "move", "copy", "test"}


def check_operations(operations: Any) -> list[dict[str, Any]]:
    """Reject anything that is not a well-formed RFC 6902 document (400)."""
    if not isinstance(operations, list):
        raise InvalidRequest("A JSON Patch body must be an array of operations.")
    for index, op in enumerate(operations):
        where = f"[{index}]"
        if not isinstance(op, dict) or op.get("op") not in _OPS:
            raise InvalidRequest(f"Operation {where} needs 'op', one of {sorted(_OPS)}.")
        if not isinstance(op.get("path"), str) or (op["path"] and not op["path"].startswith("/")):
            raise InvalidRequest(f"Operation {where} needs a JSON Pointer 'path'.")
        if op["op"] in ("add", "replace", "test") and "value" not in op:
            raise InvalidRequest(f"Operation {where} ('{op['op']}') needs a 'value'.")
        if op["op"] in ("move", "copy") and not isinstance(op.get("from"), str):
            raise InvalidRequest(f"Operation {where} ('{op['op']}') needs a 'from' pointer.")
    return operations


def _touches(pointer: str, read_only: Iterable[str]) -> str | None:
    if pointer == "":
        return "/"
    for path in read_only:
        if pointer == path or pointer.startswith(path + "/"):
            return path
    return None


def apply_patch(document: dict[str, Any], operations: Any, model: type[M], read_only: Iterable[str] = ()) -> M:
    """Apply a JSON Patch to a JSON document and re-validate the result as `model`.

    Malformed patches, read-only paths and invalid results are 400; a failed `test` is 409.
    """
    read_only = tuple(read_only)
    for op in check_operations(operations):
        for pointer in (op["path"], op.get("from") if op["op"] == "move" else None):
            if pointer is not None and op["op"] != "test" and (hit := _touches(pointer, read_only)):
                raise InvalidRequest(f"'{hit}' is read-only and cannot be patched.")
    import jsonpatch  # on the first patch, not at cold start
    import jsonpointer

    try:
        patched = jsonpatch.apply_patch(document, operations)
    except jsonpatch.JsonPatchTestFailed as error:
        raise Conflict(f"JSON Patch test failed: {error}") from None
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, TypeError) as error:
        raise InvalidRequest(f"The patch cannot be applied: {error}") from None
    try:
        return model.model_validate(patched, strict=True)  # patched JSON keeps real types, as bodies do
    except ValidationError as error:
        raise InvalidRequest("The patched resource is not valid.", validation_errors(error)) from None
