"""The composition root: builds the process-wide adapters from settings, once.

Handlers ask for `await get_app()`; tests build an `App` of their own.
"""

import asyncio
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any

from shared.adapters.cosmos import CosmosAccount, connect
from shared.adapters.cosmos_documents import CosmosDocuments, Selection, read_selected
from shared.adapters.cosmos_layout import BOOKINGS, CONFIG
from shared.auth import TokenValidator
from shared.models.common import utc_now
from shared.ports import Documents, Mailer, Publisher
from shared.settings import Settings, get_settings


class App:
    """The adapters one process shares: Cosmos, the notification queue, mail, clock."""

    def __init__(self, settings: Settings, cosmos: CosmosAccount, publisher: Publisher, mailer: Mailer,
                 clock: Callable[[], datetime] = utc_now):
        self.settings = settings
        self.cosmos = cosmos
        self.publisher = publisher
        self.mailer = mailer
        self.clock = clock
        self._documents: dict[str, Documents[Any]] = {}

    def documents(self, kind: str, model: type, unique_keys: Callable[[Any], Iterable[str]] | None = None):
        """The store of one kind of configuration document."""
        if kind not in self._documents:
            self._documents[kind] = CosmosDocuments(self.cosmos.container(CONFIG.name), kind, model, unique_keys)
        return self._documents[kind]

    async def read_selected(self, selections: Iterable[Selection]) -> dict[str, list]:
        """Configuration documents of several kinds, in one request."""
        return await read_selected(self.cosmos.container(CONFIG.name), selections)

    @property
    def bookings(self):
        return self.cosmos.container(BOOKINGS.name)

    async def close(self) -> None:
        await self.cosmos.close()


_app: App | None = None
_lock = asyncio.Lock()


def build_app(settings: Settings) -> App:
    from shared.adapters.mail import build_mailer
    from shared.adapters.queues import build_publisher

    return App(settings, connect(settings), build_publisher(settings), build_mailer(settings))


async def get_app() -> App:
    global _app
    if _app is None:
        async with _lock:
            if _app is None:
                _app = build_app(get_settings())
    return _app


def set_app(app: App | None) -> None:
    """Replace the process-wide app (tests, the local host)."""
    global _app
    _app = app


@lru_cache
def token_validator() -> TokenValidator:
    return TokenValidator(get_settings())
