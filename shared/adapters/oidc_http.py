"""The booking page's OpenID Connect client over HTTP (aiohttp): the provider's discovery
document and signing keys, kept an hour, and the token request. Failures are translated at
this boundary: unreachable or 5xx is ServiceUnavailable, a refused code is BadGateway."""

import time
from typing import Any

import aiohttp

from shared.errors import BadGateway, ServiceUnavailable
from shared.ports import IdentityProvider

KEPT_SECONDS = 3600
TIMEOUT = aiohttp.ClientTimeout(total=10)
MAX_ANSWER = 256 * 1024


class HttpIdentityProvider(IdentityProvider):
    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._kept: dict[str, tuple[float, dict[str, Any]]] = {}

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT, trust_env=False)
        return self._session

    async def metadata(self, issuer: str) -> dict[str, Any]:
        return await self._kept_json(issuer.rstrip("/") + "/.well-known/openid-configuration")

    async def keys(self, jwks_uri: str, refresh: bool = False) -> dict[str, Any]:
        if refresh:
            self._kept.pop(jwks_uri, None)
        return await self._kept_json(jwks_uri)

    async def redeem(self, token_endpoint: str, form: dict[str, str]) -> dict[str, Any]:
        try:
            async with self._client().post(token_endpoint, data=form, allow_redirects=False,
                                           headers={"Accept": "application/json"}) as response:
                answer = await self._json(response)
                if 400 <= response.status < 500:
                    raise BadGateway(f"The identity provider refused the code ({response.status}, "
                                     f"{str(answer.get('error', ''))[:50]}).")
                if response.status != 200:
                    raise ServiceUnavailable(f"The identity provider answered {response.status}.")
                return answer
        except (aiohttp.ClientError, TimeoutError):
            raise ServiceUnavailable("The identity provider could not be reached.") from None

    async def _kept_json(self, url: str) -> dict[str, Any]:
        kept = self._kept.get(url)
        if kept and kept[0] > time.monotonic():
            return kept[1]
        try:
            async with self._client().get(url, allow_redirects=False) as response:
                if response.status != 200:
                    raise ServiceUnavailable(f"The identity provider answered {response.status} for its metadata.")
                found = await self._json(response)
        except (aiohttp.ClientError, TimeoutError):
            raise ServiceUnavailable("The identity provider could not be reached.") from None
        self._kept[url] = (time.monotonic() + KEPT_SECONDS, found)
        return found

    @staticmethod
    async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
        body = await response.content.read(MAX_ANSWER + 1)
        if len(body) > MAX_ANSWER:
            raise BadGateway("The identity provider's answer is too large.")
        try:
            import json

            found = json.loads(body)
        except ValueError:
            found = None
        if not isinstance(found, dict):
            if response.status >= 500:
                return {}
            raise BadGateway("The identity provider's answer is not a JSON object.")
        return found

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
