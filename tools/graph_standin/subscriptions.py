"""The stand-in's subscriptions to users/{id}/events: made only after the notification URL
echoes Graph's validation token (text/plain, within 10 s), renewed and deleted like Graph's, and
the change and lifecycle notifications sent to them (basic notifications, no resource data)."""

import asyncio
import secrets
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web

from tools.graph_standin.answers import answer, body_of, error
from tools.graph_standin.calendar import Calendars, Invalid, parse_instant
from tools.graph_standin.faults import Rules

TENANT = "5b1f8c2e-7d3a-4f60-9e21-0c4d8a7b6e55"
VALIDATION_TIMEOUT = 10.0  # Graph waits 10 s for the validation answer
NOTIFICATION_TIMEOUT = 3.0  # and about 3 s for a notification's 2xx
GRAPH_TIME = "%Y-%m-%dT%H:%M:%S.0000000Z"


class Subscriptions:
    def __init__(self, calendars: Calendars, rules: Rules) -> None:
        self.calendars, self.rules = calendars, rules
        self.items: dict[str, dict[str, Any]] = {}
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task] = set()

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self, app: web.Application) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._session is not None:
            await self._session.close()

    def shown(self, id: str) -> dict[str, Any]:
        return {k: v for k, v in self.items[id].items() if not k.startswith("_")}

    def live(self, id: str) -> dict[str, Any] | None:
        found = self.items.get(id)
        if found is not None and parse_instant(found["expirationDateTime"].replace("0000000Z", "Z")) <= \
                datetime.now(UTC):
            del self.items[id]
            return None
        return found

    async def create(self, request: web.Request) -> web.Response:
        try:
            body = await body_of(request)
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
        self.items[id] = {
            "id": id, "resource": resource, "applicationId": "bookme-local", "changeType": body.get("changeType"),
            "clientState": body.get("clientState"), "notificationUrl": url,
            "lifecycleNotificationUrl": body.get("lifecycleNotificationUrl"),
            "expirationDateTime": expires.strftime(GRAPH_TIME), "creatorId": box.user_id,
            "latestSupportedTlsVersion": body.get("latestSupportedTlsVersion", "v1_2"),
            "notificationContentType": "application/json", "_mailbox": box.address}
        return answer(self.shown(id), status=201)

    async def _validated(self, url: str) -> bool:
        """Graph's validation request: a POST with a validationToken, to be echoed as text/plain in 10 s."""
        token = f"Validation: Testing client application reachability for subscription Request-Id: " \
                f"{uuid.uuid4()} {secrets.token_hex(4)}"
        try:
            async with self._open().post(url, params={"validationToken": token}, data=b"",
                                         headers={"Content-Type": "text/plain; charset=utf-8"},
                                         timeout=aiohttp.ClientTimeout(total=VALIDATION_TIMEOUT)) as echoed:
                return echoed.status == 200 and (await echoed.text()) == token
        except (aiohttp.ClientError, TimeoutError):
            return False

    async def get(self, request: web.Request) -> web.Response:
        id = request.match_info["id"]
        return answer(self.shown(id)) if self.live(id) else _missing()

    async def update(self, request: web.Request) -> web.Response:
        id = request.match_info["id"]
        if not self.live(id):
            return _missing()
        try:
            expires = parse_instant((await body_of(request))["expirationDateTime"])
        except (Invalid, KeyError, ValueError, TypeError, AttributeError):
            return error(400, "InvalidRequest", "expirationDateTime is required.")
        self.items[id]["expirationDateTime"] = expires.strftime(GRAPH_TIME)
        return answer(self.shown(id))

    async def delete(self, request: web.Request) -> web.Response:
        if self.items.pop(request.match_info["id"], None) is None:
            return _missing()
        return web.Response(status=204)

    def notify(self, address: str, change: str, event_id: str) -> None:
        """A change notification to every live subscription of the mailbox (lost while that switch is on)."""
        box = self.calendars.mailbox(address)
        for id, subscription in list(self.items.items()):
            if subscription["_mailbox"] != address or not self.live(id):
                continue
            if self.rules.faults.lose_notifications:
                self.rules.stats.notifications["lost"] += 1
                continue
            resource = f"Users/{box.user_id}/Events/{event_id}"
            notification = {"subscriptionId": id, "subscriptionExpirationDateTime": subscription["expirationDateTime"],
                            "changeType": change, "resource": resource, "clientState": subscription["clientState"],
                            "tenantId": TENANT, "resourceData": {"@odata.type": "#Microsoft.Graph.Event",
                                                                 "@odata.id": resource, "id": event_id}}
            task = asyncio.create_task(self._send(subscription["notificationUrl"], notification))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def lifecycle(self, request: web.Request) -> web.Response:
        """POST /_control/lifecycle {"mailbox" | "subscriptionId", "event"}: Graph's lifecycle
        notification; subscriptionRemoved also removes the subscription."""
        body = await request.json()
        mailbox = (body.get("mailbox") or "").lower()
        chosen = [id for id, s in self.items.items()
                  if id == body.get("subscriptionId") or (mailbox and s["_mailbox"] == mailbox)]
        for id in chosen:
            subscription = self.items[id]
            notification = {"subscriptionId": id, "subscriptionExpirationDateTime": subscription["expirationDateTime"],
                            "tenantId": TENANT, "clientState": subscription["clientState"],
                            "lifecycleEvent": body["event"], "resource": subscription["resource"]}
            if body["event"] == "subscriptionRemoved":
                del self.items[id]
            await self._send(subscription.get("lifecycleNotificationUrl") or subscription["notificationUrl"],
                             notification)
        return answer({"sent": len(chosen)})

    async def _send(self, url: str, notification: dict[str, Any]) -> None:
        started = time.monotonic()
        try:
            async with self._open().post(url, json={"value": [notification]},
                                         timeout=aiohttp.ClientTimeout(total=NOTIFICATION_TIMEOUT)) as answered:
                ok = 200 <= answered.status < 300
        except (aiohttp.ClientError, TimeoutError):
            ok = False
        notifications = self.rules.stats.notifications
        notifications["sent" if ok else "failed"] += 1
        if time.monotonic() - started > NOTIFICATION_TIMEOUT:
            notifications["slow"] += 1


def _missing() -> web.Response:
    return error(404, "ResourceNotFound", "The object was not found.")
