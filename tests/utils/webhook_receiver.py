"""A webhook receiver on loopback for tests and the benchmark: an aiohttp server that records
every request and answers as told (a status, or silence for longer than the sender waits)."""

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() when it arrived
    path: str = "/hook"
    refused: bool = False  # answered with the failure status (or not at all)

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers `status`; the first `failures` requests get `failure_status` instead, or no answer
    at all for `stall` seconds when `stall` is set."""

    status: int = 204
    failures: int = 0
    failure_status: int = 503
    stall: float | None = None
    received: list[Received] = field(default_factory=list)  # the requests it took (2xx)
    attempted: list[Received] = field(default_factory=list)  # every request, refused ones too
    attempts: int = 0
    redirect_to: str | None = None
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.attempts += 1
        refused = self.attempts <= self.failures
        got = Received({k.lower(): v for k, v in request.headers.items()}, await request.read(), time.time(),
                       request.path_qs, refused=refused)
        self.attempted.append(got)
        if self.redirect_to:
            raise web.HTTPFound(self.redirect_to)
        if refused:
            if self.stall is not None:
                await asyncio.sleep(self.stall)
            return web.Response(status=self.failure_status)
        self.received.append(got)
        return web.Response(status=self.status)

    async def start(self) -> "Receiver":
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


class ReceiverThread:
    """A Receiver on its own event loop in a background thread, for synchronous tests and the
    benchmark. `stop()` and `start()` again take the receiver down and up on the same port."""

    def __init__(self, **options: Any):
        import threading

        self.receiver = Receiver(**options)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def _run(self, coroutine) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    @property
    def url(self) -> str:
        return self.receiver.url

    @property
    def received(self) -> list[Received]:
        return list(self.receiver.received)

    @property
    def attempted(self) -> list[Received]:
        return list(self.receiver.attempted)

    def start(self) -> "ReceiverThread":
        self._run(self.receiver.start())
        return self

    def stop(self) -> None:
        self._run(self.receiver.stop())

    def close(self) -> None:
        self.stop()

        async def cancel_the_rest() -> None:  # requests still stalling
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        self._run(cancel_the_rest())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def wait_for(self, done, timeout: float = 30) -> list[Received]:
        """Poll until `done(received)` is true or the timeout passes; returns what arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if done(self.received):
                break
            time.sleep(0.05)
        return self.received
