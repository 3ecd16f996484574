"""Microsoft Graph in memory for service tests: the stand-in's own mailboxes
(tools/graph_standin/calendar.py) behind the Graph port, with scripted faults and a record of
every call and of how many were in flight per mailbox."""

import asyncio
import copy
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

from shared.errors import DeltaExpired, GraphThrottled, GraphUnavailable, NotFound
from shared.ports import DeltaPage, Document, Graph
from tools.graph_standin.calendar import Calendars, Expired

LINK = "https://graph.fake/v1.0/users/{mailbox}/calendarView/delta?{kind}={token}"


@dataclass
class Fault:
    error: Exception
    count: int
    mailbox: str | None = None
    calls: tuple[str, ...] = ()  # which calls it hits; empty: any


class FakeGraph(Graph):
    def __init__(self, page_size: int = 2, now: datetime | None = None) -> None:
        self.calendars = Calendars()
        self.page_size = page_size
        self.now = now or datetime(2030, 3, 4, 7, tzinfo=UTC)
        self.calls: list[tuple[str, str]] = []
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.latency = 0.0
        self.in_flight: Counter[str] = Counter()
        self.most_in_flight: Counter[str] = Counter()
        self._faults: list[Fault] = []
        self._ids = 0
        self.lost_answers = 0  # creations that happen but whose answer never comes (a timeout)

    def fail(self, error: Exception, count: int = 1, mailbox: str | None = None, calls: tuple[str, ...] = ()) -> None:
        """The next `count` calls (of `calls`, on `mailbox`) raise `error`."""
        self._faults.append(Fault(error, count, mailbox, calls))

    def throttle(self, count: int = 1, retry_after: int = 2, mailbox: str | None = None) -> None:
        self.fail(GraphThrottled("429 Too Many Requests", retry_after), count, mailbox)

    def count(self, call: str, mailbox: str | None = None) -> int:
        return sum(1 for name, box in self.calls if name == call and (mailbox is None or box == mailbox))

    def event_ids(self, mailbox: str) -> list[str]:
        return [e["id"] for e in self.calendars.mailbox(mailbox).listed()]

    async def _enter(self, call: str, mailbox: str) -> None:
        self.calls.append((call, mailbox))
        self.in_flight[mailbox] += 1
        self.most_in_flight[mailbox] = max(self.most_in_flight[mailbox], self.in_flight[mailbox])
        try:
            await asyncio.sleep(self.latency)
            for fault in self._faults:
                if fault.count and (fault.mailbox in (None, mailbox)) and (not fault.calls or call in fault.calls):
                    fault.count -= 1
                    raise copy.copy(fault.error)
        except BaseException:
            self.in_flight[mailbox] -= 1
            raise

    def _leave(self, mailbox: str) -> None:
        self.in_flight[mailbox] -= 1

    async def create_event(self, mailbox: str, event: Document) -> Document:
        await self._enter("create_event", mailbox)
        try:
            created = self.calendars.mailbox(mailbox).create(copy.deepcopy(event), self.now)[0]
        finally:
            self._leave(mailbox)
        if self.lost_answers:
            self.lost_answers -= 1
            raise GraphUnavailable("The answer timed out")
        return created

    async def update_event(self, mailbox: str, event_id: str, changes: Document) -> Document:
        await self._enter("update_event", mailbox)
        try:
            found = self.calendars.mailbox(mailbox).update(event_id, copy.deepcopy(changes))
        finally:
            self._leave(mailbox)
        if found is None:
            raise NotFound(f"No event {event_id}")
        return found

    async def delete_event(self, mailbox: str, event_id: str) -> None:
        await self._enter("delete_event", mailbox)
        try:
            self.calendars.mailbox(mailbox).delete(event_id)
        finally:
            self._leave(mailbox)

    async def get_event(self, mailbox: str, event_id: str) -> Document:
        await self._enter("get_event", mailbox)
        try:
            found = self.calendars.mailbox(mailbox).get(event_id)
        finally:
            self._leave(mailbox)
        if found is None:
            raise NotFound(f"No event {event_id}")
        return found

    async def delta(self, mailbox: str, link: str | None, start: datetime, end: datetime) -> DeltaPage:
        await self._enter("delta", mailbox)
        try:
            token = None
            if link is not None:
                query = parse_qs(urlparse(link).query)
                token = (query.get("$skiptoken") or query.get("$deltatoken"))[0]
            items, skip, delta = self.calendars.mailbox(mailbox).delta(token, start, end, self.page_size)
        except Expired:
            raise DeltaExpired("410 Gone") from None
        finally:
            self._leave(mailbox)
        return DeltaPage(items, LINK.format(mailbox=mailbox, kind="$skiptoken", token=skip) if skip else None,
                         LINK.format(mailbox=mailbox, kind="$deltatoken", token=delta) if delta else None)

    async def subscribe(self, mailbox: str, notification_url: str, client_state: str,
                        expires: datetime) -> Document:
        await self._enter("subscribe", mailbox)
        self._leave(mailbox)
        self._ids += 1
        id = f"subscription-{self._ids}"
        self.subscriptions[id] = {"id": id, "resource": f"users/{mailbox}/events", "mailbox": mailbox,
                                  "notificationUrl": notification_url, "clientState": client_state,
                                  "expirationDateTime": expires.isoformat()}
        return copy.deepcopy(self.subscriptions[id])

    async def renew(self, subscription_id: str, expires: datetime) -> Document:
        await self._enter("renew", "/subscriptions")
        self._leave("/subscriptions")
        if subscription_id not in self.subscriptions:
            raise NotFound(f"No subscription {subscription_id}")
        self.subscriptions[subscription_id]["expirationDateTime"] = expires.isoformat()
        return copy.deepcopy(self.subscriptions[subscription_id])

    async def unsubscribe(self, subscription_id: str) -> None:
        await self._enter("unsubscribe", "/subscriptions")
        self._leave("/subscriptions")
        self.subscriptions.pop(subscription_id, None)

    def add(self, mailbox: str, at: datetime, hours: float = 1, **fields) -> str:
        """An event a person made in Outlook (not through BookMe), `hours` long from `at` (UTC)."""
        body = {"subject": "Internal", "start": {"dateTime": at.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
                "end": {"dateTime": (at + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S"),
                        "timeZone": "UTC"}, "showAs": "busy", **fields}
        return self.calendars.mailbox(mailbox).create(body, self.now)[0]["id"]


def unavailable() -> GraphUnavailable:
    return GraphUnavailable("503 Service Unavailable")
