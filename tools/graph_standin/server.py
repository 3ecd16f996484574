"""A local stand-in of Microsoft Graph v1.0 for exactly what BookMe calls (contract section 23):

    POST|GET /v1.0/users/{user}/events, GET|PATCH|DELETE /v1.0/users/{user}/events/{id}
    GET /v1.0/users/{user}/calendarView and /calendarView/delta (paging, @removed, 410)
    POST /v1.0/subscriptions (validation handshake), GET|PATCH|DELETE /v1.0/subscriptions/{id}

Any bearer token is accepted; a mailbox exists for any address, created on first use. A change to
a mailbox sends a change notification to each of its subscriptions. Like Graph, a fifth request
on one mailbox while four are in flight is answered 429 with Retry-After.

The control endpoint (not Graph's) switches faults on and off for tests and benchmarks:

    POST /_control/faults  {"throttle": {"count", "retryAfter", "mailbox"}, "unavailable": {"count"} |
                            {"seconds"}, "delay": seconds, "loseNotifications": bool, "reset": bool}
    POST /_control/lifecycle  {"mailbox" | "subscriptionId", "event": "missed" | "subscriptionRemoved" |
                               "reauthorizationRequired"}
    POST /_control/expire-delta  {"mailbox"}      GET /_control/stats      POST /_control/reset
    POST /_control/users/{user}/events   an event made in Outlook itself, whatever faults are on
"""

import asyncio
import json
import logging
import secrets
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web

from tools.graph_standin.calendar import Calendars, Expired, Invalid, parse_instant

log = logging.getLogger("graph-standin")
TENANT = "5b1f8c2e-7d3a-4f60-9e21-0c4d8a7b6e55"
MAILBOX_CONCURRENCY = 4
VALIDATION_TIMEOUT = 10.0  # Graph waits 10 s for the validation answer
NOTIFICATION_TIMEOUT = 3.0  # and about 3 s for a notification's 2xx
DEFAULT_PAGE = 10


@dataclass
class Faults:
    throttle: int = 0
    retry_after: int = 1
    throttle_mailbox: str | None = None
    unavailable: int = 0
    unavailable_until: float = 0.0
    delay: float = 0.0
    lose_notifications: bool = False


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


def answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON in UTF-8, as Graph writes it."""
    return web.json_response(body, status=status, headers=headers,
                             dumps=lambda value: json.dumps(value, ensure_ascii=False))


def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> web.Response:
    """Graph's error shape: {"error": {"code", "message", "innerError"}}."""
    body = {"error": {"code": code, "message": message, "innerError": {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "request-id": str(uuid.uuid4())}}}
    return answer(body, status, headers)


class StandIn:
    def __init__(self) -> None:
        self.calendars = Calendars()
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.faults = Faults()
        self.stats = Stats()
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task] = set()

    # --- plumbing -------------------------------------------------------------------------------

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self, app: web.Application) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._session is not None:
            await self._session.close()

    def _background(self, work) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @web.middleware
    async def graph_rules(self, request: web.Request, handler) -> web.StreamResponse:
        """Token, injected faults, the per-mailbox concurrency limit, then slow answers."""
        if request.path.startswith("/_control"):
            return await handler(request)
        if not request.headers.get("Authorization", "").startswith("Bearer ") or \
                len(request.headers["Authorization"]) <= len("Bearer "):
            return error(401, "InvalidAuthenticationToken", "Access token is empty.")
        mailbox = request.match_info.get("user", "/subscriptions").lower()
        faults = self.faults
        if faults.unavailable or time.monotonic() < faults.unavailable_until:
            faults.unavailable = max(faults.unavailable - 1, 0)
            self.stats.unavailable += 1
            return error(503, "ServiceNotAvailable", "The service is temporarily unavailable.")
        if faults.throttle and faults.throttle_mailbox in (None, mailbox):
            faults.throttle -= 1
            self.stats.throttled += 1
            return error(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.",
                         {"Retry-After": str(faults.retry_after)})
        if mailbox != "/subscriptions" and self.stats.in_flight[mailbox] >= MAILBOX_CONCURRENCY:
            self.stats.refused_concurrent += 1
            return error(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.",
                         {"Retry-After": "1"})
        self.stats.requests[mailbox] += 1
        self.stats.in_flight[mailbox] += 1
        self.stats.most_in_flight[mailbox] = max(self.stats.most_in_flight[mailbox], self.stats.in_flight[mailbox])
        try:
            response = await handler(request)
            if faults.delay:
                await asyncio.sleep(faults.delay)  # applied, then answered late: a client may time out
            return response
        finally:
            self.stats.in_flight[mailbox] -= 1

    @staticmethod
    def _base(request: web.Request) -> str:
        return f"{request.scheme}://{request.host}/v1.0"

    @staticmethod
    async def _json(request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise Invalid("The body is not JSON.") from None
        if not isinstance(body, dict):
            raise Invalid("The body is not a JSON object.")
        return body

    @staticmethod
    def _page_size(request: web.Request, default: int = DEFAULT_PAGE) -> int:
        for part in request.headers.get("Prefer", "").split(","):
            name, _, value = part.strip().partition("=")
            if name == "odata.maxpagesize" and value.isdigit():
                return max(int(value), 1)
        return int(request.query.get("$top", default))

    # --- events ---------------------------------------------------------------------------------

    async def create_event(self, request: web.Request) -> web.Response:
        box = self.calendars.mailbox(request.match_info["user"])
        try:
            event, new = box.create(await self._json(request), datetime.now(UTC))
        except Invalid as invalid:
            return error(400, "ErrorInvalidRequest", str(invalid))
        if new:
            self.stats.created += 1
            self.notify(box.address, "created", event["id"])
        else:
            self.stats.deduplicated += 1
        return answer(event, status=201)

    async def list_events(self, request: web.Request) -> web.Response:
        box = self.calendars.mailbox(request.match_info["user"])
        return self._paged(request, box.listed(), f"{self._base(request)}/users/{quote(box.address)}/events")

    async def get_event(self, request: web.Request) -> web.Response:
        found = self.calendars.mailbox(request.match_info["user"]).get(request.match_info["id"])
        return answer(found) if found else self._missing()

    async def update_event(self, request: web.Request) -> web.Response:
        box = self.calendars.mailbox(request.match_info["user"])
        try:
            found = box.update(request.match_info["id"], await self._json(request))
        except Invalid as invalid:
            return error(400, "ErrorInvalidRequest", str(invalid))
        if found is None:
            return self._missing()
        self.notify(box.address, "updated", found["id"])
        return answer(found)

    async def delete_event(self, request: web.Request) -> web.Response:
        box = self.calendars.mailbox(request.match_info["user"])
        if not box.delete(request.match_info["id"]):
            return self._missing()
        self.notify(box.address, "deleted", request.match_info["id"])
        return web.Response(status=204)

    @staticmethod
    def _missing() -> web.Response:
        return error(404, "ErrorItemNotFound", "The specified object was not found in the store.")

    def _paged(self, request: web.Request, items: list[dict[str, Any]], link: str) -> web.Response:
        size, skip = self._page_size(request), int(request.query.get("$skip", 0))
        body: dict[str, Any] = {"@odata.context": f"{self._base(request)}/$metadata#Collection(event)",
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
        return self._paged(request, box.view(start, end), f"{self._base(request)}/users/{quote(box.address)}"
                                                          "/calendarView")

    async def delta(self, request: web.Request) -> web.Response:
        box = self.calendars.mailbox(request.match_info["user"])
        query = request.query
        token = query.get("$skiptoken") or query.get("$deltatoken")
        try:
            start = parse_instant(query["startDateTime"]) if "startDateTime" in query else None
            end = parse_instant(query["endDateTime"]) if "endDateTime" in query else None
            items, skip, delta = box.delta(token, start, end, self._page_size(request, 50))
        except Expired:
            return error(410, "SyncStateNotFound", "The sync state generation is not found.")
        except (Invalid, ValueError) as invalid:
            return error(400, "ErrorInvalidParameter", str(invalid))
        link = f"{self._base(request)}/users/{quote(box.address)}/calendarView/delta"
        body: dict[str, Any] = {"@odata.context": f"{self._base(request)}/$metadata#Collection(event)",
                                "value": items}
        if skip:
            body["@odata.nextLink"] = f"{link}?$skiptoken={skip}"
        else:
            body["@odata.deltaLink"] = f"{link}?$deltatoken={delta}"
        return answer(body)

    # --- subscriptions and notifications --------------------------------------------------------

    async def create_subscription(self, request: web.Request) -> web.Response:
        try:
            body = await self._json(request)
            url, resource = body["notificationUrl"], body["resource"]
            expires = parse_instant(body["expirationDateTime"])
        except (Invalid, KeyError, ValueError, TypeError, AttributeError):
            return error(400, "InvalidRequest", "notificationUrl, resource and expirationDateTime are required.")
        user = resource.strip("/").split("/")
        if len(user) != 3 or user[0].lower() != "users" or user[2].lower() != "events":
            return error(400, "InvalidRequest", f"The stand-in serves users/{{id}}/events, not '{resource}'.")
        for target in dict.fromkeys([url, body.get("lifecycleNotificationUrl") or url]):
            if not await self._validated(target):
                return error(400, "ValidationError", "Subscription validation request failed. Notification endpoint "
                                                     "must respond with 200 OK to validation request.")
        id = str(uuid.uuid4())
        box = self.calendars.mailbox(user[1])
        self.subscriptions[id] = {
            "id": id, "resource": resource, "applicationId": "bookme-local", "changeType": body.get("changeType"),
            "clientState": body.get("clientState"), "notificationUrl": url,
            "lifecycleNotificationUrl": body.get("lifecycleNotificationUrl"),
            "expirationDateTime": expires.strftime("%Y-%m-%dT%H:%M:%S.0000000Z"), "creatorId": box.user_id,
            "latestSupportedTlsVersion": body.get("latestSupportedTlsVersion", "v1_2"),
            "notificationContentType": "application/json", "_mailbox": box.address}
        return answer(self._subscription(id), status=201)

    def _subscription(self, id: str) -> dict[str, Any]:
        return {k: v for k, v in self.subscriptions[id].items() if not k.startswith("_")}

    async def _validated(self, url: str) -> bool:
        """Graph's validation request: a POST with a validationToken, to be echoed as text/plain in 10 s."""
        token = f"Validation: Testing client application reachability for subscription Request-Id: " \
                f"{uuid.uuid4()} {secrets.token_hex(4)}"
        try:
            async with self.session().post(url, params={"validationToken": token}, data=b"",
                                           headers={"Content-Type": "text/plain; charset=utf-8"},
                                           timeout=aiohttp.ClientTimeout(total=VALIDATION_TIMEOUT)) as answer:
                return answer.status == 200 and (await answer.text()) == token
        except (aiohttp.ClientError, TimeoutError):
            return False

    def _live(self, id: str) -> dict[str, Any] | None:
        found = self.subscriptions.get(id)
        if found is not None and parse_instant(found["expirationDateTime"].replace("0000000Z", "Z")) <= \
                datetime.now(UTC):
            del self.subscriptions[id]
            return None
        return found

    async def get_subscription(self, request: web.Request) -> web.Response:
        id = request.match_info["id"]
        return answer(self._subscription(id)) if self._live(id) else self._missing_subscription()

    async def update_subscription(self, request: web.Request) -> web.Response:
        id = request.match_info["id"]
        if not self._live(id):
            return self._missing_subscription()
        try:
            expires = parse_instant((await self._json(request))["expirationDateTime"])
        except (Invalid, KeyError, ValueError, TypeError, AttributeError):
            return error(400, "InvalidRequest", "expirationDateTime is required.")
        self.subscriptions[id]["expirationDateTime"] = expires.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
        return answer(self._subscription(id))

    async def delete_subscription(self, request: web.Request) -> web.Response:
        if self.subscriptions.pop(request.match_info["id"], None) is None:
            return self._missing_subscription()
        return web.Response(status=204)

    @staticmethod
    def _missing_subscription() -> web.Response:
        return error(404, "ResourceNotFound", "The object was not found.")

    def notify(self, address: str, change: str, event_id: str) -> None:
        """A change notification to every live subscription of the mailbox (basic: no resource data)."""
        box = self.calendars.mailbox(address)
        for id, subscription in list(self.subscriptions.items()):
            if subscription["_mailbox"] != address or not self._live(id):
                continue
            if self.faults.lose_notifications:
                self.stats.notifications["lost"] += 1
                continue
            notification = {"subscriptionId": id, "subscriptionExpirationDateTime": subscription["expirationDateTime"],
                            "changeType": change, "resource": f"Users/{box.user_id}/Events/{event_id}",
                            "resourceData": {"@odata.type": "#Microsoft.Graph.Event",
                                             "@odata.id": f"Users/{box.user_id}/Events/{event_id}", "id": event_id},
                            "clientState": subscription["clientState"], "tenantId": TENANT}
            self._background(self._send(subscription["notificationUrl"], notification))

    async def _send(self, url: str, notification: dict[str, Any]) -> None:
        started = time.monotonic()
        try:
            async with self.session().post(url, json={"value": [notification]},
                                           timeout=aiohttp.ClientTimeout(total=NOTIFICATION_TIMEOUT)) as answer:
                ok = 200 <= answer.status < 300
        except (aiohttp.ClientError, TimeoutError):
            ok = False
        self.stats.notifications["sent" if ok else "failed"] += 1
        if time.monotonic() - started > NOTIFICATION_TIMEOUT:
            self.stats.notifications["slow"] += 1

    # --- control --------------------------------------------------------------------------------

    async def control_faults(self, request: web.Request) -> web.Response:
        body = await request.json()
        faults = self.faults
        if body.get("reset"):
            self.faults = faults = Faults()
        if "throttle" in body:
            throttle = body["throttle"] or {}
            faults.throttle = int(throttle.get("count", 1))
            faults.retry_after = int(throttle.get("retryAfter", 1))
            faults.throttle_mailbox = (throttle.get("mailbox") or "").lower() or None
        if "unavailable" in body:
            unavailable = body["unavailable"] or {}
            faults.unavailable = int(unavailable.get("count", 0))
            faults.unavailable_until = time.monotonic() + float(unavailable.get("seconds", 0))
        if "delay" in body:
            faults.delay = float(body["delay"] or 0)
        if "loseNotifications" in body:
            faults.lose_notifications = bool(body["loseNotifications"])
        return answer({"faults": faults.__dict__})

    async def control_lifecycle(self, request: web.Request) -> web.Response:
        body = await request.json()
        mailbox = (body.get("mailbox") or "").lower()
        chosen = [id for id, s in self.subscriptions.items()
                  if id == body.get("subscriptionId") or (mailbox and s["_mailbox"] == mailbox)]
        for id in chosen:
            subscription = self.subscriptions[id]
            notification = {"subscriptionId": id, "subscriptionExpirationDateTime": subscription["expirationDateTime"],
                            "tenantId": TENANT, "clientState": subscription["clientState"],
                            "lifecycleEvent": body["event"], "resource": subscription["resource"]}
            if body["event"] == "subscriptionRemoved":
                del self.subscriptions[id]
            await self._send(subscription.get("lifecycleNotificationUrl") or subscription["notificationUrl"],
                             notification)
        return answer({"sent": len(chosen)})

    async def control_expire_delta(self, request: web.Request) -> web.Response:
        self.calendars.mailbox((await request.json())["mailbox"]).forget_delta_state()
        return answer({"expired": True})

    async def control_stats(self, request: web.Request) -> web.Response:
        return answer({**self.stats.json(), "faults": self.faults.__dict__,
                                  "subscriptions": [self._subscription(id) for id in self.subscriptions]})

    async def control_reset(self, request: web.Request) -> web.Response:
        self.faults, self.stats = Faults(), Stats()
        return answer({"reset": True})


def build_app(standin: StandIn | None = None) -> web.Application:
    standin = standin or StandIn()
    app = web.Application(middlewares=[standin.graph_rules])
    app.on_cleanup.append(standin.close)
    routes = [
        ("POST", "/v1.0/users/{user}/events", standin.create_event),
        ("GET", "/v1.0/users/{user}/events", standin.list_events),
        ("GET", "/v1.0/users/{user}/events/{id}", standin.get_event),
        ("PATCH", "/v1.0/users/{user}/events/{id}", standin.update_event),
        ("DELETE", "/v1.0/users/{user}/events/{id}", standin.delete_event),
        ("GET", "/v1.0/users/{user}/calendarView", standin.calendar_view),
        ("GET", "/v1.0/users/{user}/calendarView/delta", standin.delta),
        ("POST", "/v1.0/subscriptions", standin.create_subscription),
        ("GET", "/v1.0/subscriptions/{id}", standin.get_subscription),
        ("PATCH", "/v1.0/subscriptions/{id}", standin.update_subscription),
        ("DELETE", "/v1.0/subscriptions/{id}", standin.delete_subscription),
        # A person's own change in Outlook, which Graph's faults do not stop.
        ("POST", "/_control/users/{user}/events", standin.create_event),
        ("POST", "/_control/faults", standin.control_faults),
        ("POST", "/_control/lifecycle", standin.control_lifecycle),
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

