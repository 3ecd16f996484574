"""Who sees the CPR number: only callers with BookMe.Admin or BookMe.PersonalData (section 21).

Everyone else gets the meeting with `cpr` null, and may still write it (a portal books with
it), but may not read it through a JSON Patch either: `test` against it, or `copy`/`move`
from it into a field they can read, would reveal it.
"""

from typing import Any

from shared.errors import Forbidden
from shared.models.meetings import Meeting
from shared.ports import Versioned
from shared.rules.personal_data import CPR

CPR_ROLES = frozenset({"BookMe.Admin", "BookMe.PersonalData"})
_CPR = f"/{CPR}"


def may_read_cpr(roles: frozenset[str]) -> bool:
    return not CPR_ROLES.isdisjoint(roles)


def shown_to(meeting: Any, roles: frozenset[str]) -> Any:
    """The meeting as this caller may see it: without the CPR number unless its roles allow.
    Takes a Versioned[Meeting], or the plain JSON of a kept answer an Idempotency-Key replays."""
    if may_read_cpr(roles):
        return meeting
    if isinstance(meeting, Versioned) and isinstance(meeting.item, Meeting) and meeting.item.cpr is not None:
        return Versioned(meeting.item.model_copy(update={"cpr": None}), meeting.etag)
    if isinstance(meeting, dict) and meeting.get("cpr") is not None:
        return {**meeting, "cpr": None}
    return meeting


def _reads_cpr(pointer: Any) -> bool:
    return isinstance(pointer, str) and (pointer == "" or pointer == _CPR or pointer.startswith(_CPR + "/"))


def check_patch_reads(operations: Any, roles: frozenset[str]) -> None:
    """403 for a patch that would read the CPR number of a caller who may not see it."""
    if may_read_cpr(roles) or not isinstance(operations, list):
        return
    for op in operations:
        if not isinstance(op, dict):
            continue
        reads = op.get("path") if op.get("op") == "test" else op.get("from") if op.get("op") in ("copy", "move") \
            else None
        if _reads_cpr(reads):
            raise Forbidden(f"Reading /cpr needs the {' or '.join(sorted(CPR_ROLES))} role.")
