"""Microsoft Graph v1.0 over HTTP: the handful of calendar and subscription endpoints the Outlook
sync uses, with aiohttp and an azure-identity token (the managed identity in Azure). The heavy
msgraph-sdk is not used, and this module is imported only by the functions that sync, never by
the HTTP route groups (cold start, bench/bench_cold_start.py).

Against a base URL on loopback (the local stand-in, tools/graph_standin) any bearer token does,
so none is fetched. Graph's answers become BookMe's errors here: 404 NotFound, 410 DeltaExpired,
429 (and 5xx with Retry-After) GraphThrottled, other 5xx and timeouts GraphUnavailable, any
other refusal GraphRefused.
"""

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode, urlparse

import aiohttp

from shared.errors import DeltaExpired, GraphRefused, GraphThrottled, GraphUnavailable, NotFound
from shared.ports import DeltaPage, Document, Graph

LOOPBACK = {"localhost", "127.0.0.1", "::1"}
USER_AGENT = "BookMe-Outlook/1.0"
# Graph answers in UTC when asked, so times need no time-zone table.
PREFER_UTC = 'outlook.timezone="UTC"'
DELTA_PAGE_SIZE = 50
DEFAULT_RETRY_AFTER = 10
TOKEN_MARGIN = 300  # seconds before expiry a token is fetched anew


def _graph_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


class GraphClient(Graph):
    """One connection pool and one credential per process; built lazily, on the loop that uses it."""

    def __init__(self, base_url: str, timeout: timedelta, credential: Any = None):
        self._base = base_url.rstrip("/")
        origin = urlparse(self._base)
        self._origin = f"{origin.scheme}://{origin.netloc}"
        self._local = origin.hostname in LOOPBACK
        self._scope = f"{self._origin}/.default"
        self._timeout = aiohttp.ClientTimeout(total=timeout.total_seconds())
        self._credential = credential
        self._token: tuple[str, float] | None = None
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout, trust_env=False,
                                                  headers={"User-Agent": USER_AGENT})
        return self._session

    async def _bearer(self) -> str:
        if self._local:
            return "Bearer local-stand-in"
        if self._token is None or self._token[1] - TOKEN_MARGIN < time.time():
            if self._credential is None:
                from azure.identity.aio import DefaultAzureCredential

                self._credential = DefaultAzureCredential()
            token = await self._credential.get_token(self._scope)
            self._token = (token.token, token.expires_on)
        return f"Bearer {self._token[0]}"

    async def _call(self, method: str, url: str, body: Document | None = None,
                    prefer: str = PREFER_UTC) -> Document | None:
        headers = {"Authorization": await self._bearer(), "Prefer": prefer}
        try:
            async with self._open().request(method, url, json=body, headers=headers, allow_redirects=False) as answer:
                if answer.status in (200, 201):
                    return await answer.json()
                if answer.status == 204:
                    return None
                detail = await self._detail(answer)
                retry_after = answer.headers.get("Retry-After")
        except TimeoutError:
            raise GraphUnavailable(f"Graph gave no answer within {self._timeout.total:g} s") from None
        except (aiohttp.ClientError, OSError, ValueError) as error:
            raise GraphUnavailable(f"Graph could not be reached: {type(error).__name__}") from None
        status = answer.status
        if status == 404:
            raise NotFound(detail)
        if status == 410:
            raise DeltaExpired(detail)
        if status == 401:
            self._token = None  # fetched anew by the retry
        if status == 429 or (status >= 500 and retry_after):
            raise GraphThrottled(detail, _seconds(retry_after))
        if status >= 500 or status == 401:
            raise GraphUnavailable(detail, DEFAULT_RETRY_AFTER)
        raise GraphRefused(detail)

    @staticmethod
    async def _detail(answer: aiohttp.ClientResponse) -> str:
        """Graph's status and error code; never its message, which may name the mailbox (logs hold
        no e-mail address)."""
        try:
            code = (await answer.json(content_type=None)).get("error", {}).get("code", "")
        except (ValueError, AttributeError, aiohttp.ClientError):
            code = ""
        return f"Graph {answer.status} {code}".rstrip()

    def _user(self, mailbox: str) -> str:
        return f"{self._base}/users/{quote(mailbox, safe='@')}"

    async def create_event(self, mailbox: str, event: Document) -> Document:
        return await self._call("POST", f"{self._user(mailbox)}/events", event)

    async def update_event(self, mailbox: str, event_id: str, changes: Document) -> Document:
        return await self._call("PATCH", f"{self._user(mailbox)}/events/{quote(event_id, safe='')}", changes)

    async def delete_event(self, mailbox: str, event_id: str) -> None:
        try:
            await self._call("DELETE", f"{self._user(mailbox)}/events/{quote(event_id, safe='')}")
        except NotFound:
            pass

    async def get_event(self, mailbox: str, event_id: str) -> Document:
        return await self._call("GET", f"{self._user(mailbox)}/events/{quote(event_id, safe='')}")

    async def delta(self, mailbox: str, link: str | None, start: datetime, end: datetime) -> DeltaPage:
        if link is None:
            link = f"{self._user(mailbox)}/calendarView/delta?" + urlencode(
                {"startDateTime": _graph_time(start), "endDateTime": _graph_time(end)})
        elif not link.startswith(f"{self._origin}/"):
            raise GraphRefused("A delta link points away from Microsoft Graph.")
        page = await self._call("GET", link, prefer=f"odata.maxpagesize={DELTA_PAGE_SIZE}, {PREFER_UTC}")
        return DeltaPage(page.get("value", []), page.get("@odata.nextLink"), page.get("@odata.deltaLink"))

    async def subscribe(self, mailbox: str, notification_url: str, client_state: str,
                        expires: datetime) -> Document:
        return await self._call("POST", f"{self._base}/subscriptions", {
            "changeType": "created,updated,deleted", "notificationUrl": notification_url,
            "lifecycleNotificationUrl": notification_url, "resource": f"users/{mailbox}/events",
            "expirationDateTime": _graph_time(expires), "clientState": client_state,
            "latestSupportedTlsVersion": "v1_2"})

    async def renew(self, subscription_id: str, expires: datetime) -> Document:
        return await self._call("PATCH", f"{self._base}/subscriptions/{quote(subscription_id, safe='')}",
                                {"expirationDateTime": _graph_time(expires)})

    async def unsubscribe(self, subscription_id: str) -> None:
        try:
            await self._call("DELETE", f"{self._base}/subscriptions/{quote(subscription_id, safe='')}")
        except NotFound:
            pass

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._credential is not None and hasattr(self._credential, "close"):
            await self._credential.close()


def _seconds(retry_after: str | None) -> int:
    """Retry-After in seconds (Graph sends delta-seconds)."""
    try:
        return max(int(float(retry_after)), 1) if retry_after else DEFAULT_RETRY_AFTER
    except ValueError:
        return DEFAULT_RETRY_AFTER
