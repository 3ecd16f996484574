"""Sending webhook deliveries over HTTP with aiohttp, and resolving their host names.

The connection goes to exactly the addresses that were checked: aiohttp resolves through
a resolver that refuses any non-public answer, so a DNS name cannot pass the check with one
address and be connected to at another (DNS rebinding). IP-literal hosts, which aiohttp
does not resolve, are checked before the request. No proxy from the environment is used
and no redirect is followed, since either would send the request somewhere unchecked.
"""

import asyncio
import socket
from datetime import timedelta
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

from shared.errors import TargetUnreachable
from shared.ports import AddressResolver, WebhookSender
from shared.rules.webhook_targets import TargetRefused, check_resolved, parse_target

USER_AGENT = "BookMe-Webhooks/1.0"


class SystemResolver(AddressResolver):
    """The operating system's resolver (getaddrinfo), off the event loop."""

    async def resolve(self, host: str) -> list[str]:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return []
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _CheckingResolver(AbstractResolver):
    """aiohttp's resolver, refusing a host when any of its addresses is not allowed."""

    def __init__(self, allow_private: bool):
        self._allow_private = allow_private
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        check_resolved(host, [a["host"] for a in answers], self._allow_private)
        return answers

    async def close(self) -> None:
        await self._inner.close()


class AiohttpWebhookSender(WebhookSender):
    """One connection pool per process; built lazily, on the loop that uses it."""

    def __init__(self, timeout: timedelta, allow_private: bool):
        self._timeout = aiohttp.ClientTimeout(total=timeout.total_seconds())
        self._allow_private = allow_private
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(resolver=_CheckingResolver(self._allow_private), limit=100)
            self._session = aiohttp.ClientSession(connector=connector, trust_env=False, timeout=self._timeout,
                                                  headers={"User-Agent": USER_AGENT})
        return self._session

    async def post(self, url: str, headers: dict[str, str], body: bytes) -> int:
        try:
            target = parse_target(url, self._allow_private)
            if target.scheme == "http" and target.address is None:  # only where private targets are allowed
                check_resolved(target.host, await SystemResolver().resolve(target.host), True, "http")
            request: dict[str, Any] = {"data": body, "allow_redirects": False,
                                       "headers": {**headers, "Content-Type": "application/json"}}
            async with self._open().post(url, **request) as response:
                return response.status
        except TargetRefused as refused:
            raise TargetUnreachable(str(refused)) from None
        except TimeoutError:
            raise TargetUnreachable(f"no answer within {self._timeout.total:g} s") from None
        except (aiohttp.ClientError, OSError, ValueError) as error:
            raise TargetUnreachable(f"{type(error).__name__}: {error}") from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
