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
    received: list[Received] = field(default_factory=list)
    attempts: int = 0
    redirect_to: str | None = None
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.attempts += 1
        if self.redirect_to:
            raise web.HTTPFound(self.redirect_to)
        if self.attempts <= self.failures:
            if self.stall is not None:
                await asyncio.sleep(self.stall)
            return web.Response(status=self.failure_status)
        self.received.append(Received({k.lower(): v for k, v in request.headers.items()}, body, time.time()))
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
