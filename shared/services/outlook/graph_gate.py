"""How BookMe keeps to Microsoft Graph's limits per mailbox: at most 4 calls at once (Graph
refuses a fifth concurrent request with 429), and after a 429 the whole mailbox waits the
Retry-After Graph asked for before its next call. A caller that would have to wait longer than
its patience gets GraphThrottled and retries later through its queue.

The gate wraps any Graph (the HTTP adapter, or the fake in tests) and lives as long as the
process: instances share nothing, so on several instances Graph's own 429s pace them.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from shared.errors import GraphThrottled
from shared.ports import DeltaPage, Document, Graph

T = TypeVar("T")
CONCURRENT_CALLS = 4  # Graph: 4 concurrent requests per app and mailbox
PATIENCE_SECONDS = 30.0
SUBSCRIPTIONS = "/subscriptions"  # subscription calls are paced apart from any mailbox


class _Mailbox:
    __slots__ = ("calls", "paused_until")

    def __init__(self) -> None:
        self.calls = asyncio.Semaphore(CONCURRENT_CALLS)
        self.paused_until = 0.0


class GatedGraph(Graph):
    def __init__(self, graph: Graph, patience: float = PATIENCE_SECONDS,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.graph = graph
        self._patience, self._sleep, self._clock = patience, sleep, clock
        self._mailboxes: dict[str, _Mailbox] = {}

    async def _call(self, mailbox: str, call: Callable[[], Awaitable[T]]) -> T:
        gate = self._mailboxes.setdefault(mailbox.lower(), _Mailbox())
        waited = 0.0
        while True:
            async with gate.calls:
                pause = gate.paused_until - self._clock()
                if pause > 0:
                    if waited + pause > self._patience:
                        raise GraphThrottled(f"Graph asked {mailbox} to wait {pause:.0f} s more", int(pause) + 1)
                    waited += pause
                    await self._sleep(pause)
                try:
                    return await call()
                except GraphThrottled as throttled:
                    gate.paused_until = max(gate.paused_until, self._clock() + throttled.retry_after)
                    if waited + throttled.retry_after > self._patience:
                        raise

    async def create_event(self, mailbox: str, event: Document) -> Document:
        return await self._call(mailbox, lambda: self.graph.create_event(mailbox, event))

    async def update_event(self, mailbox: str, event_id: str, changes: Document) -> Document:
        return await self._call(mailbox, lambda: self.graph.update_event(mailbox, event_id, changes))

    async def delete_event(self, mailbox: str, event_id: str) -> None:
        return await self._call(mailbox, lambda: self.graph.delete_event(mailbox, event_id))

    async def get_event(self, mailbox: str, event_id: str) -> Document:
        return await self._call(mailbox, lambda: self.graph.get_event(mailbox, event_id))

    async def delta(self, mailbox: str, link: str | None, start: datetime, end: datetime) -> DeltaPage:
        return await self._call(mailbox, lambda: self.graph.delta(mailbox, link, start, end))

    async def subscribe(self, mailbox: str, notification_url: str, client_state: str,
                        expires: datetime) -> Document:
        return await self._call(mailbox, lambda: self.graph.subscribe(mailbox, notification_url, client_state,
                                                                      expires))

    async def renew(self, subscription_id: str, expires: datetime) -> Document:
        return await self._call(SUBSCRIPTIONS, lambda: self.graph.renew(subscription_id, expires))

    async def unsubscribe(self, subscription_id: str) -> None:
        return await self._call(SUBSCRIPTIONS, lambda: self.graph.unsubscribe(subscription_id))
