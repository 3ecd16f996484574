"""JSON Patch (RFC 6902) policy shared by every PATCH endpoint.

A patch is at most 100 operations, each an object whose `op`, `path` and `from` are strings;
it writes, moves and copies no read-only path; its result is at most 1 MiB, 32 levels deep
and valid for the resource's model. Applying it costs time linear in the sizes of the
resource and of the patch (contract section 22): the values it adds come from its own body,
its copies copy at most 1 MiB in all, and the depth is bounded per operation from the
lengths of its pointers, never by walking or serializing the whole resource again (which,
per operation, would cost a hundred times the resource).
"""

import copy
import json
from collections.abc import Iterable
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, Field, ValidationError
from pydantic.alias_generators import to_camel

from shared.errors import Conflict, InvalidRequest
from shared.rules.json_input import MAX_DEPTH, nesting_depth
from shared.rules.validation import validation_errors

M = TypeVar("M", bound=BaseModel)

_OPS = {"add", "remove", "replace", "move", "copy", "test"}
_WITH_VALUE = ("add", "replace", "test")
_WITH_FROM = ("move", "copy")
MAX_OPERATIONS = 100
# A patched document may grow no bigger than a request body may be.
MAX_DOCUMENT_BYTES = 1024 * 1024
# What the `copy` operations of one patch may copy together: each is a deep copy, and a
# hundred copies of a large member (or twenty copies of a copy) would cost a hundred times it.
MAX_COPIED_BYTES = MAX_DOCUMENT_BYTES
_SHOWN = 200  # characters of a pointer or library message repeated in a problem's detail

def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


def _is_pointer(value: Any) -> bool:
    return isinstance(value, str) and (value == "" or value.startswith("/"))


def check_operations(operations: Any) -> list[dict[str, Any]]:
    """Reject anything that is not a well-formed RFC 6902 document (400)."""
    if not isinstance(operations, list):
        raise InvalidRequest("A JSON Patch body must be an array of operations.")
    if len(operations) > MAX_OPERATIONS:
        raise InvalidRequest(f"A JSON Patch may hold at most {MAX_OPERATIONS} operations.")
    for index, op in enumerate(operations):
        where = f"Operation [{index}]"
        if not isinstance(op, dict):
            raise InvalidRequest(f"{where} must be an object.")
        if not isinstance(op.get("op"), str) or op["op"] not in _OPS:
            raise InvalidRequest(f"{where} needs 'op', one of {sorted(_OPS)}.")
        # `from` is a string whenever it is given, also where the operation does not read it.
        if not _is_pointer(op.get("path")) or ("from" in op and not isinstance(op["from"], str)):
            raise InvalidRequest(f"{where} needs a JSON Pointer 'path' (and 'from', when given, a string).")
        if op["op"] in _WITH_VALUE and "value" not in op:
            raise InvalidRequest(f"{where} ('{op['op']}') needs a 'value'.")
        if op["op"] in _WITH_FROM and not _is_pointer(op.get("from")):
            raise InvalidRequest(f"{where} ('{op['op']}') needs a 'from' pointer.")
    return operations


# The request body of every JSON Patch endpoint: its length is checked before its operations,
# and a malformed patch is a 400 before the resource is read. check_operations raises
# InvalidRequest, not a ValueError, so pydantic lets it through with its own message.
JsonPatch = Annotated[list[dict[str, Any]], Field(max_length=MAX_OPERATIONS), AfterValidator(check_operations)]


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


def _tokens(pointer: str) -> int:
    """How many containers a pointer passes through: what it adds to a value's depth."""
    return pointer.count("/")


def _depth(value: Any) -> int:
    return nesting_depth(json.dumps(value).encode()) if isinstance(value, dict | list) else 0


class _Growth:
    """What a patch can make of its document, bounded per operation without walking it.

    `depth` is an upper bound of the document's depth: an operation that places a value at a
    pointer of k tokens makes it at most k + the value's depth deep. An added value's depth is
    measured (it comes from the patch's own body), a copied one too (copies are paid for by
    MAX_COPIED_BYTES), and a moved one is bounded by the document's depth less its pointer's.
    """

    def __init__(self, document: Any):
        self._document = document  # measured only when a `move` needs its depth: most patches never do
        self._initial: int | None = None
        self.reach = 0  # the deepest any operation so far has placed a value
        self.copied = 0

    @property
    def depth(self) -> int:
        if self._initial is None:
            self._initial = _depth(self._document)
        return max(self._initial, self.reach)

    def admit(self, op: dict[str, Any], document: Any) -> None:
        import jsonpointer

        if op["op"] in ("add", "replace"):
            reach = _tokens(op["path"]) + _depth(op["value"])
        elif op["op"] == "move":
            reach = _tokens(op["path"]) + self.depth - _tokens(op["from"])
        elif op["op"] == "copy":
            encoded = json.dumps(jsonpointer.resolve_pointer(document, op["from"])).encode()
            self.copied += len(encoded)
            if self.copied > MAX_COPIED_BYTES:
                raise InvalidRequest("A JSON Patch may copy at most 1 MiB in all.")
            reach = _tokens(op["path"]) + nesting_depth(encoded)
        else:
            return
        if reach > MAX_DEPTH:
            raise InvalidRequest(f"The patched resource would be nested deeper than {MAX_DEPTH} levels.")
        self.reach = max(self.reach, reach)


def apply_patch(document: dict[str, Any], operations: Any, model: type[M], read_only: Iterable[str] = ()) -> M:
    """Apply a JSON Patch to a JSON document and re-validate the result as `model`.

    Malformed patches, read-only paths (written, or moved or copied from) and invalid results
    are 400; a failed `test` is 409. `test` may read a read-only path.
    """
    read_only = tuple(read_only)
    for op in check_operations(operations):
        pointers = ([] if op["op"] == "test" else [op["path"]]) + ([op["from"]] if op["op"] in _WITH_FROM else [])
        for pointer in pointers:
            if hit := _touches(pointer, read_only):
                raise InvalidRequest(f"'{hit}' is read-only and cannot be patched.")
    import jsonpatch  # on the first patch, not at cold start
    import jsonpointer

    # The library's messages would otherwise quote the document around a missing member (its
    # CPR number included) into the problem's detail.
    jsonpointer.VERBOSE_EXCEPTIONS = False
    patched = copy.deepcopy(document)  # once: each operation then changes this copy in place
    growth = _Growth(patched)
    for index, op in enumerate(operations):
        try:
            growth.admit(op, patched)
            patched = jsonpatch.JsonPatch([op]).apply(patched, in_place=True)
        except jsonpatch.JsonPatchTestFailed:
            raise Conflict(f"JSON Patch test failed: {_shown(op['path'])!r} does not hold the value of "
                           f"operation [{index}].") from None
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, TypeError, ValueError) as error:
            raise InvalidRequest(f"The patch cannot be applied: operation [{index}]: {_shown(str(error))}") from None
    if len(json.dumps(patched).encode()) > MAX_DOCUMENT_BYTES:
        raise InvalidRequest("The patched resource would be over 1 MiB.")
    try:
        return model.model_validate(patched, strict=True)  # patched JSON keeps real types, as bodies do
    except ValidationError as error:
        raise InvalidRequest("The patched resource is not valid.", validation_errors(error)) from None
