"""The Microsoft Graph stand-in (tools/graph_standin) served in the test's own event loop, and a
notification endpoint beside it that answers Graph's validation request and records notifications."""

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tools.graph_standin.server import StandIn, build_app
from tools.localstack import free_port


@dataclass
class RunningStandIn:
    standin: StandIn
    runner: web.AppRunner
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1.0"

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_standin() -> RunningStandIn:
    standin = StandIn()
    runner = web.AppRunner(build_app(standin), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return RunningStandIn(standin, runner, port)


@dataclass
class NotificationEndpoint:
    """Echoes validationToken as text/plain (unless `refuse_validation`), answers 202 to notifications."""

    refuse_validation: bool = False
    notifications: list[dict[str, Any]] = field(default_factory=list)
    validations: int = 0
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/outlook/notifications"

    async def _handle(self, request: web.Request) -> web.Response:
        token = request.query.get("validationToken")
        if token is not None:
            self.validations += 1
            return web.Response(status=400 if self.refuse_validation else 200, text=token, content_type="text/plain")
        self.notifications += json.loads(await request.read())["value"]
        return web.Response(status=202)

    async def start(self) -> "NotificationEndpoint":
        app = web.Application()
        app.router.add_post("/api/outlook/notifications", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
