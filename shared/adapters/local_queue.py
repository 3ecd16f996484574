"""In-process queues standing in for Service Bus on a developer's machine.

The local host (tools/devhost) drains them into the Service Bus-triggered functions,
so the same function code runs as it would in Azure. A scheduled message is enqueued at
its time, as Service Bus does with `scheduled_enqueue_time_utc`.
"""

import asyncio
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

_queues: dict[str, asyncio.Queue] = defaultdict(asyncio.Queue)
_scheduled: set[asyncio.TimerHandle] = set()


def queue(name: str) -> asyncio.Queue:
    return _queues[name]


def schedule(name: str, entry: dict[str, Any], at: datetime) -> None:
    """Put `entry` on the queue at `at` (at once when that has passed); needs a running loop."""
    delay = max((at - datetime.now(UTC)).total_seconds(), 0.0)
    entry = {**entry, "scheduled_enqueue_time_utc": at}

    def enqueue() -> None:
        _scheduled.discard(handle)
        queue(name).put_nowait(entry)

    handle = asyncio.get_running_loop().call_later(delay, enqueue)
    _scheduled.add(handle)


def scheduled_count() -> int:
    """Messages scheduled and not yet enqueued."""
    return len(_scheduled)
