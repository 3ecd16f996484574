"""The stand-in's switches for tests and benchmarks, and what it counts: 429 with Retry-After,
503, slow answers and lost notifications on demand, and Graph's own limit of 4 requests in
flight per mailbox (a fifth gets 429)."""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tools.graph_standin.answers import answer, error

MAILBOX_CONCURRENCY = 4
SUBSCRIPTIONS = "/subscriptions"  # the key of requests that name no mailbox


@dataclass
class Faults:
    throttle: int = 0
    retry_after: int = 1
    throttle_mailbox: str | None = None
    unavailable: int = 0
    unavailable_until: float = 0.0
    delay: float = 0.0
    lose_notifications: bool = False

    def switch(self, body: dict[str, Any]) -> None:
        """POST /_control/faults: {"throttle": {"count", "retryAfter", "mailbox"}, "unavailable":
        {"count"} | {"seconds"}, "delay": seconds, "loseNotifications": bool}."""
        if "throttle" in body:
            throttle = body["throttle"] or {}
            self.throttle = int(throttle.get("count", 1))
            self.retry_after = int(throttle.get("retryAfter", 1))
            self.throttle_mailbox = (throttle.get("mailbox") or "").lower() or None
        if "unavailable" in body:
            unavailable = body["unavailable"] or {}
            self.unavailable = int(unavailable.get("count", 0))
            self.unavailable_until = time.monotonic() + float(unavailable.get("seconds", 0))
        if "delay" in body:
            self.delay = float(body["delay"] or 0)
        if "loseNotifications" in body:
            self.lose_notifications = bool(body["loseNotifications"])


@dataclass
class Stats:
    requests: Counter = field(default_factory=Counter)
    in_flight: Counter = field(default_factory=Counter)
    most_in_flight: Counter = field(default_factory=Counter)
    refused_concurrent: int = 0
    throttled: int = 0
    unavailable: int = 0
    created: int = 0
    deduplicated: int = 0
    notifications: Counter = field(default_factory=Counter)

    def json(self) -> dict[str, Any]:
        return {"requests": dict(self.requests), "mostInFlight": dict(self.most_in_flight),
                "refusedConcurrent": self.refused_concurrent, "throttled": self.throttled,
                "unavailable": self.unavailable, "created": self.created, "deduplicated": self.deduplicated,
                "notifications": dict(self.notifications)}


class Rules:
    """The middleware every Graph request goes through: token, injected faults, the per-mailbox
    concurrency limit, then (for slow answers) the answer held back after the work is done."""

    def __init__(self) -> None:
        self.faults = Faults()
        self.stats = Stats()

    def reset(self, faults_only: bool = False) -> None:
        self.faults = Faults()
        if not faults_only:
            self.stats = Stats()

    @web.middleware
    async def middleware(self, request: web.Request, handler) -> web.StreamResponse:
        if request.path.startswith("/_control"):
            return await handler(request)
        if not request.headers.get("Authorization", "").startswith("Bearer ") or \
                len(request.headers["Authorization"]) <= len("Bearer "):
            return error(401, "InvalidAuthenticationToken", "Access token is empty.")
        mailbox = request.match_info.get("user", SUBSCRIPTIONS).lower()
        faults, stats = self.faults, self.stats
        if faults.unavailable or time.monotonic() < faults.unavailable_until:
            faults.unavailable = max(faults.unavailable - 1, 0)
            stats.unavailable += 1
            return error(503, "ServiceNotAvailable", "The service is temporarily unavailable.")
        if faults.throttle and faults.throttle_mailbox in (None, mailbox):
            faults.throttle -= 1
            stats.throttled += 1
            return error(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.",
                         {"Retry-After": str(faults.retry_after)})
        if mailbox != SUBSCRIPTIONS and stats.in_flight[mailbox] >= MAILBOX_CONCURRENCY:
            stats.refused_concurrent += 1
            return error(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.",
                         {"Retry-After": "1"})
        stats.requests[mailbox] += 1
        stats.in_flight[mailbox] += 1
        stats.most_in_flight[mailbox] = max(stats.most_in_flight[mailbox], stats.in_flight[mailbox])
        try:
            response = await handler(request)
            if faults.delay:
                await asyncio.sleep(faults.delay)  # applied, then answered late: a client may time out
            return response
        finally:
            stats.in_flight[mailbox] -= 1

    async def control(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("reset"):
            self.reset(faults_only=True)
        self.faults.switch(body)
        return answer({"faults": self.faults.__dict__})
