"""What Cosmos DB can store in one write (contract section 22): a refused write is a 400 naming
the field, before anything is saved, never a 413 from the database turned into a 500. Pure.

Sizes are measured as the Cosmos DB SDK sends documents: compact JSON with every non-ASCII
character escaped (`æ` is six bytes on the wire), so the measure never undercounts.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from shared.errors import InvalidRequest

MIB = 1024 * 1024
# Cosmos DB: an item is at most 2 MB; a transactional batch request at most 2 MB.
ITEM_LIMIT = 2 * MIB
BATCH_LIMIT = 2 * MIB
# Of a day batch, what the calendars it rewrites may take (up to 52 calendars of a busy day), and
# what Cosmos DB's envelopes and system properties take: the rest is for the documents of the change.
CALENDAR_ALLOWANCE = 384 * 1024
ENVELOPE_ALLOWANCE = 64 * 1024
DOCUMENTS_BUDGET = BATCH_LIMIT - CALENDAR_ALLOWANCE - ENVELOPE_ALLOWANCE
# One change writes the meeting up to this many times: its document (1), the kept answer of an
# Idempotency-Key (1), the history record (the meeting before and after, at most: 2), and the
# outbox (docs/data-model.md, "Sizes": the webhook event, the invitation, the REQUEST and the
# CANCEL recipients: 3 after and 1 before), beside the directory's names and addresses of up to
# 51 employees three times. A meeting is refused above its share, whether this change has a key
# or subscribers or not, so what is accepted never depends on who is listening.
COPIES = 8
DIRECTORY_ALLOWANCE = 256 * 1024
MEETING_BUDGET = (DOCUMENTS_BUDGET - DIRECTORY_ALLOWANCE) // COPIES


def wire_bytes(document: Any) -> int:
    """The size of a document as the SDK sends it."""
    return len(json.dumps(document, separators=(",", ":")).encode())


def largest_field(meeting: Mapping[str, Any]) -> str:
    """The member of the Meeting JSON that takes the most room: the one to name in a refusal."""
    return max(meeting, key=lambda name: wire_bytes(meeting[name]))


def check_fits(documents: Iterable[Mapping[str, Any]], meeting: Mapping[str, Any]) -> None:
    """400, naming the meeting's largest field, unless the meeting fits its share of a day batch
    and the documents this change writes (the meeting, its history record, outbox and kept answer)
    fit one."""
    sizes = [wire_bytes(d) for d in documents]
    own = wire_bytes(meeting)
    if own <= MEETING_BUDGET and sum(sizes) <= DOCUMENTS_BUDGET and max(sizes, default=0) <= ITEM_LIMIT:
        return
    field = largest_field(meeting)
    message = (f"The meeting is too large to store: it takes {own} bytes as JSON with non-ASCII characters "
               f"escaped, of the {MEETING_BUDGET} one meeting may take; shorten {field} "
               f"({wire_bytes(meeting[field])} bytes).")
    raise InvalidRequest(message, {field: ["Too large to store with the rest of the meeting; make it shorter."]})


def cut_by_size(sized: Iterable[tuple[str, int]], budget: int = DOCUMENTS_BUDGET, count: int = 90
                ) -> list[list[str]]:
    """(id, bytes) items cut into groups of at most `count` items and `budget` bytes (an item over
    the budget alone is a group of its own)."""
    groups: list[list[str]] = []
    used = budget + 1
    for id, size in sized:
        if used + size > budget or len(groups[-1]) >= count:
            groups.append([])
            used = 0
        groups[-1].append(id)
        used += size
    return groups
