"""JSON Patch (RFC 6902) policy shared by every PATCH endpoint."""

import copy
import json
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel

from shared.errors import Conflict, InvalidRequest
from shared.rules.json_input import MAX_DEPTH, nesting_depth
from shared.rules.validation import validation_errors

M = TypeVar("M", bound=BaseModel)

_OPS = {"add", "remove", "replace", "move", "copy", "test"}
MAX_OPERATIONS = 100
# A patched document may grow no bigger than a request body may be: `copy` doubles what it
# copies, and twenty copies of a copy would otherwise fill the memory.
MAX_DOCUMENT_BYTES = 1024 * 1024


def check_operations(operations: Any) -> list[dict[str, Any]]:
    """Reject anything that is not a well-formed RFC 6902 document (400)."""
    if not isinstance(operations, list):
        raise InvalidRequest("A JSON Patch body must be an array of operations.")
    if len(operations) > MAX_OPERATIONS:
        raise InvalidRequest(f"A JSON Patch may hold at most {MAX_OPERATIONS} operations.")
    for index, op in enumerate(operations):
        where = f"[{index}]"
        if not isinstance(op, dict) or op.get("op") not in _OPS:
            raise InvalidRequest(f"Operation {where} needs 'op', one of {sorted(_OPS)}.")
        if not isinstance(op.get("path"), str) or (op["path"] and not op["path"].startswith("/")):
            raise InvalidRequest(f"Operation {where} needs a JSON Pointer 'path'.")
        if op["op"] in ("add", "replace", "test") and "value" not in op:
            raise InvalidRequest(f"Operation {where} ('{op['op']}') needs a 'value'.")
        if op["op"] in ("move", "copy") and not (isinstance(op.get("from"), str) and
                                                 (op["from"] == "" or op["from"].startswith("/"))):
            raise InvalidRequest(f"Operation {where} ('{op['op']}') needs a 'from' pointer.")
    return operations


def _field(pointer: str) -> str:
    """The top-level member a pointer names, unescaped (~1 is '/', ~0 is '~') and in camelCase,
    since models also accept their snake_case field names."""
    token = pointer[1:].split("/", 1)[0].replace("~1", "/").replace("~0", "~")
    return to_camel(token) if "_" in token else token


def _touches(pointer: str, read_only: Iterable[str]) -> str | None:
    if pointer == "":
        return "/"
    field = _field(pointer)
    rest = pointer[1:].split("/", 1)[1:]
    for path in read_only:
        top, *nested = path[1:].split("/", 1)
        if field == top and (not nested or (rest and (rest[0] == nested[0] or rest[0].startswith(nested[0] + "/")))):
            return path
    return None


def _bounded(document: Any) -> None:
    encoded = json.dumps(document).encode()
    if len(encoded) > MAX_DOCUMENT_BYTES:
        raise InvalidRequest("The patched resource would be over 1 MiB.")
    if nesting_depth(encoded) > MAX_DEPTH:
        raise InvalidRequest(f"The patched resource would be nested deeper than {MAX_DEPTH} levels.")


def apply_patch(document: dict[str, Any], operations: Any, model: type[M], read_only: Iterable[str] = ()) -> M:
    """Apply a JSON Patch to a JSON document and re-validate the result as `model`.

    Malformed patches, read-only paths (written, or moved or copied from) and invalid results
    are 400; a failed `test` is 409. `test` may read a read-only path.
    """
    read_only = tuple(read_only)
    for op in check_operations(operations):
        pointers = [] if op["op"] == "test" else [op["path"], op.get("from")]
        for pointer in pointers:
            if pointer is not None and (hit := _touches(pointer, read_only)):
                raise InvalidRequest(f"'{hit}' is read-only and cannot be patched.")
    import jsonpatch  # on the first patch, not at cold start
    import jsonpointer

    patched = copy.deepcopy(document)  # once: each operation then changes this copy in place
    try:
        for op in operations:  # one at a time, so a growing document is stopped at the limit
            patched = jsonpatch.JsonPatch([op]).apply(patched, in_place=True)
            if op["op"] in ("add", "replace", "copy"):
                _bounded(patched)
    except jsonpatch.JsonPatchTestFailed as error:
        raise Conflict(f"JSON Patch test failed: {error}") from None
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, TypeError, ValueError) as error:
        raise InvalidRequest(f"The patch cannot be applied: {error}") from None
    try:
        return model.model_validate(patched, strict=True)  # patched JSON keeps real types, as bodies do
    except ValidationError as error:
        raise InvalidRequest("The patched resource is not valid.", validation_errors(error)) from None
