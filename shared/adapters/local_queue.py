"""In-process queues standing in for Service Bus on a developer's machine.

The local host (tools/devhost) drains them into the Service Bus-triggered functions,
so the same function code runs as it would in Azure.
"""

import asyncio
from collections import defaultdict

_queues: dict[str, asyncio.Queue] = defaultdict(asyncio.Queue)


def queue(name: str) -> asyncio.Queue:
    return _queues[name]
