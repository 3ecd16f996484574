"""A local stand-in of Microsoft Graph v1.0 for exactly what BookMe calls (contract section 23):

    POST|GET /v1.0/users/{user}/events, GET|PATCH|DELETE /v1.0/users/{user}/events/{id}
    GET /v1.0/users/{user}/calendarView and /calendarView/delta (paging, @removed, 410)
    POST /v1.0/subscriptions (validation handshake), GET|PATCH|DELETE /v1.0/subscriptions/{id}

Any bearer token is accepted; a mailbox exists for any address, created on first use
(calendar.py). A change to a mailbox sends a change notification to each of its subscriptions
(subscriptions.py). Like Graph, a fifth request on one mailbox while four are in flight is
answered 429 with Retry-After (faults.py).

The control endpoint (not Graph's) switches faults on and off for tests and benchmarks:

    POST /_control/faults  {"throttle": {"count", "retryAfter", "mailbox"}, "unavailable": {"count"} |
                            {"seconds"}, "delay": seconds, "loseNotifications": bool, "reset": bool}
    POST /_control/lifecycle  {"mailbox" | "subscriptionId", "event": "missed" | "subscriptionRemoved" |
                               "reauthorizationRequired"}
    POST /_control/expire-delta  {"mailbox"}      GET /_control/stats      POST /_control/reset
    POST /_control/users/{user}/events   an event made in Outlook itself, whatever faults are on
"""

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from aiohttp import web

from tools.graph_standin.answers import answer, base, body_of, error, page_size
from tools.graph_standin.calendar import Calendars, Expired, Invalid, parse_instant
from tools.graph_standin.faults import Faults, Rules, Stats
from tools.graph_standin.subscriptions import Subscriptions

log = logging.getLogger("graph-standin")


class StandIn:
    def __init__(self) -> None:
        self.calendars = Calendars()
        self.rules = Rules()
        self.subscriptions = Subscriptions(self.calendars, self.rules)

    @property
    def faults(self) -> Faults:
        return self.rules.faults

    @property
    def stats(self) -> Stats:
        return self.rules.stats

    async def create_event(self, request: web.Request) -> web.Response:
        box = self.calendars.mailbox(request.match_info["user"])
        try:
            event, new = box.create(await body_of(request), datetime.now(UTC))
        except Invalid as invalid:
            return error(400, "ErrorInvalidRequest", str(invalid))
        if new:
            self.rules.stats.created += 1
            self.subscriptions.notify(box.address, "created", event["id"])
        else:
            self.rules.stats.deduplicated += 1
        return answer(event, status=201)

    async def list_events(self, request: web.Request) -> web.Response:
        box = self.calendars.mailbox(request.match_info["user"])
        return self._paged(request, box.listed(), f"{base(request)}/users/{quote(box.address)}/events")

    async def get_event(self, request: web.Request) -> web.Response:
        found = self.calendars.mailbox(request.match_info["user"]).get(request.match_info["id"])
        return answer(found) if found else self._missing()

    async def update_event(self, request: web.Request) -> web.Response:
        box = self.calendars.mailbox(request.match_info["user"])
        try:
            found = box.update(request.match_info["id"], await body_of(request))
        except Invalid as invalid:
            return error(400, "ErrorInvalidRequest", str(invalid))
        if found is None:
            return self._missing()
        self.subscriptions.notify(box.address, "updated", found["id"])
        return answer(found)

    async def delete_event(self, request: web.Request) -> web.Response:
        box = self.calendars.mailbox(request.match_info["user"])
        if not box.delete(request.match_info["id"]):
            return self._missing()
        self.subscriptions.notify(box.address, "deleted", request.match_info["id"])
        return web.Response(status=204)

    def _paged(self, request: web.Request, items: list[dict[str, Any]], link: str) -> web.Response:
        size, skip = page_size(request), int(request.query.get("$skip", 0))
        body: dict[str, Any] = {"@odata.context": f"{base(request)}/$metadata#Collection(event)",
                                "value": items[skip: skip + size]}
        if skip + size < len(items):
            extra = "".join(f"&{k}={quote(v)}" for k, v in request.query.items() if k not in ("$skip", "$top"))
            body["@odata.nextLink"] = f"{link}?$top={size}&$skip={skip + size}{extra}"
        return answer(body)

    async def calendar_view(self, request: web.Request) -> web.Response:
        box = self.calendars.mailbox(request.match_info["user"])
        try:
            start, end = (parse_instant(request.query[name]) for name in ("startDateTime", "endDateTime"))
        except (KeyError, ValueError):
            return error(400, "ErrorInvalidParameter", "startDateTime and endDateTime are required.")
        return self._paged(request, box.view(start, end), f"{base(request)}/users/{quote(box.address)}"
                                                          "/calendarView")

    async def delta(self, request: web.Request) -> web.Response:
        box = self.calendars.mailbox(request.match_info["user"])
        query = request.query
        token = query.get("$skiptoken") or query.get("$deltatoken")
        try:
            start = parse_instant(query["startDateTime"]) if "startDateTime" in query else None
            end = parse_instant(query["endDateTime"]) if "endDateTime" in query else None
            items, skip, delta = box.delta(token, start, end, page_size(request, 50))
        except Expired:
            return error(410, "SyncStateNotFound", "The sync state generation is not found.")
        except (Invalid, ValueError) as invalid:
            return error(400, "ErrorInvalidParameter", str(invalid))
        link = f"{base(request)}/users/{quote(box.address)}/calendarView/delta"
        body: dict[str, Any] = {"@odata.context": f"{base(request)}/$metadata#Collection(event)",
                                "value": items}
        if skip:
            body["@odata.nextLink"] = f"{link}?$skiptoken={skip}"
        else:
            body["@odata.deltaLink"] = f"{link}?$deltatoken={delta}"
        return answer(body)

    # --- subscriptions and notifications --------------------------------------------------------

    @staticmethod
    def _missing() -> web.Response:
        return error(404, "ErrorItemNotFound", "The specified object was not found in the store.")

    async def control_expire_delta(self, request: web.Request) -> web.Response:
        self.calendars.mailbox((await request.json())["mailbox"]).forget_delta_state()
        return answer({"expired": True})

    async def control_stats(self, request: web.Request) -> web.Response:
        return answer({**self.stats.json(), "faults": self.faults.__dict__,
                       "subscriptions": [self.subscriptions.shown(id) for id in self.subscriptions.items]})

    async def control_reset(self, request: web.Request) -> web.Response:
        self.rules.reset()
        return answer({"reset": True})


def build_app(standin: StandIn | None = None) -> web.Application:
    standin = standin or StandIn()
    app = web.Application(middlewares=[standin.rules.middleware])
    app.on_cleanup.append(standin.subscriptions.close)
    subscriptions = standin.subscriptions
    routes = [
        ("POST", "/v1.0/users/{user}/events", standin.create_event),
        ("GET", "/v1.0/users/{user}/events", standin.list_events),
        ("GET", "/v1.0/users/{user}/events/{id}", standin.get_event),
        ("PATCH", "/v1.0/users/{user}/events/{id}", standin.update_event),
        ("DELETE", "/v1.0/users/{user}/events/{id}", standin.delete_event),
        ("GET", "/v1.0/users/{user}/calendarView", standin.calendar_view),
        ("GET", "/v1.0/users/{user}/calendarView/delta", standin.delta),
        ("POST", "/v1.0/subscriptions", subscriptions.create),
        ("GET", "/v1.0/subscriptions/{id}", subscriptions.get),
        ("PATCH", "/v1.0/subscriptions/{id}", subscriptions.update),
        ("DELETE", "/v1.0/subscriptions/{id}", subscriptions.delete),
        # A person's own change in Outlook, which Graph's faults do not stop.
        ("POST", "/_control/users/{user}/events", standin.create_event),
        ("POST", "/_control/faults", standin.rules.control),
        ("POST", "/_control/lifecycle", subscriptions.lifecycle),
        ("POST", "/_control/expire-delta", standin.control_expire_delta),
        ("GET", "/_control/stats", standin.control_stats),
        ("POST", "/_control/reset", standin.control_reset),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, path, handler)
    return app


async def serve(port: int, host: str = "127.0.0.1", ready: asyncio.Event | None = None) -> None:
    """Serve the stand-in until cancelled."""
    runner = web.AppRunner(build_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port, reuse_address=True).start()
    log.info("Microsoft Graph stand-in on http://localhost:%d/v1.0", port)
    if ready is not None:
        ready.set()
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
