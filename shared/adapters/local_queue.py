"""In-process queues standing in for Service Bus on a developer's machine.

The local host (tools/devhost) drains them into the Service Bus-triggered functions, so the
same function code runs as it would in Azure. They keep the queues' promises of
infra/app/servicebus.bicep: a scheduled message is enqueued at its time
(`scheduled_enqueue_time_utc`); a message whose id was sent within the duplicate detection
window is accepted and dropped; a message expires after its time to live.

For tests, the local host can make them fail as Service Bus may (`inject_faults_from`): a file
that reads `refuse` makes every send fail with nothing enqueued, `lose-answers` makes every send
enqueue and then fail, as a send whose acknowledgement was lost.
"""

import asyncio
from collections import OrderedDict, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.errors import ServiceUnavailable
from shared.rules.messaging import DUPLICATE_DETECTION_WINDOW, SET_ASIDE_LIFE

# Every queue's defaultMessageTimeToLive (infra/app/servicebus.bicep).
TIME_TO_LIVE = SET_ASIDE_LIFE
REFUSE, LOSE_ANSWERS = "refuse", "lose-answers"

_queues: dict[str, asyncio.Queue] = defaultdict(asyncio.Queue)
_scheduled: set[asyncio.TimerHandle] = set()
_sent: dict[str, OrderedDict[str, datetime]] = defaultdict(OrderedDict)  # per queue: message id -> first sent
_fault_file: Path | None = None


def queue(name: str) -> asyncio.Queue:
    return _queues[name]


def inject_faults_from(path: Path | None) -> None:
    """Read the fault to inject from `path` at every send (none while it is missing or empty)."""
    global _fault_file
    _fault_file = path


def _fault() -> str:
    try:
        return _fault_file.read_text().strip() if _fault_file else ""
    except OSError:
        return ""


def send(name: str, entry: dict[str, Any], at: datetime | None = None) -> None:
    """Put `entry` on the queue (at `at`, when given and in the future; needs a running loop),
    unless its message id was sent within the duplicate detection window. ServiceUnavailable when
    a fault is injected."""
    fault = _fault()
    if fault == REFUSE:
        raise ServiceUnavailable("The local queue refuses messages (an injected fault)")
    now = datetime.now(UTC)
    if not _first_within_window(name, entry["message_id"], now):
        return
    entry = {**entry, "expires_at": (at or now) + TIME_TO_LIVE}
    if at is None:
        queue(name).put_nowait(entry)
    else:
        _schedule(name, {**entry, "scheduled_enqueue_time_utc": at}, at, now)
    if fault == LOSE_ANSWERS:
        raise ServiceUnavailable("The local queue took the message but its answer was lost (an injected fault)")


def _first_within_window(name: str, message_id: str, now: datetime) -> bool:
    """Whether `message_id` is new to the queue within the window, recording it if so."""
    sent = _sent[name]
    while sent and next(iter(sent.values())) <= now - DUPLICATE_DETECTION_WINDOW:
        sent.popitem(last=False)
    if message_id in sent:
        return False
    sent[message_id] = now
    return True


def _schedule(name: str, entry: dict[str, Any], at: datetime, now: datetime) -> None:
    def enqueue() -> None:
        _scheduled.discard(handle)
        queue(name).put_nowait(entry)

    handle = asyncio.get_running_loop().call_later(max((at - now).total_seconds(), 0.0), enqueue)
    _scheduled.add(handle)


def expired(entry: dict[str, Any], now: datetime) -> bool:
    """Whether a message outlived its time to live (it is then never delivered)."""
    return "expires_at" in entry and entry["expires_at"] <= now


def scheduled_count() -> int:
    """Messages scheduled and not yet enqueued."""
    return len(_scheduled)


def waiting(name: str) -> list[dict[str, Any]]:
    """The unexpired messages waiting on a queue nobody drains (the set-aside queue), oldest first."""
    now = datetime.now(UTC)
    kept = [e for e in _drain(queue(name)) if not expired(e, now)]
    for entry in kept:
        queue(name).put_nowait(entry)
    return kept


def _drain(pending: asyncio.Queue) -> list[dict[str, Any]]:
    found = []
    while not pending.empty():
        found.append(pending.get_nowait())
    return found
