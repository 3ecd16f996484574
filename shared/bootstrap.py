"""The composition root: builds the process-wide adapters from settings, once, and hands
services the Context over them.

Handlers ask for `await get_context()`; tests build a Context of their own (over the real
adapters with `build_context`, or over the fakes of tests/utils/fakes.py).
"""

import asyncio
from functools import lru_cache

from shared.adapters.cosmos import CosmosAccount, connect
from shared.adapters.cosmos_bookings import CosmosBookings
from shared.adapters.cosmos_documents import CosmosConfig
from shared.adapters.cosmos_layout import BOOKINGS, CONFIG
from shared.auth import TokenValidator
from shared.context import Context
from shared.models.common import utc_now
from shared.ports import AddressResolver, Graph, IdentityProvider, Mailer, WebhookSender
from shared.settings import Settings, get_settings


class Runtime:
    """A Context and the connections behind it, closed together."""

    def __init__(self, context: Context, closers: list):
        self.context = context
        self._closers = closers

    async def close(self) -> None:
        for close in self._closers:
            await close()


def build_runtime(settings: Settings, account: CosmosAccount | None = None, mailer: Mailer | None = None) -> Runtime:
    """The adapters the settings name; `account` and `mailer` replace them (benchmarks count
    Cosmos requests through an account of their own)."""
    from shared.adapters.mail import build_mailer
    from shared.adapters.queues import build_publisher

    account = account or connect(settings)
    config = CosmosConfig(account.container(CONFIG.name))
    publisher, mailer = build_publisher(settings), mailer or build_mailer(settings)
    context = Context(bookings=CosmosBookings(account.container(BOOKINGS.name)), config=config, stores=config,
                      publisher=publisher, mailer=mailer, clock=utc_now, settings=settings)
    closers = [account.close] + [adapter.close for adapter in (publisher, mailer) if hasattr(adapter, "close")]
    return Runtime(context, closers)


_runtime: Runtime | None = None
_lock = asyncio.Lock()


async def get_context() -> Context:
    """The process-wide Context, built on first use."""
    global _runtime
    if _runtime is None:
        async with _lock:
            if _runtime is None:
                _runtime = build_runtime(get_settings())
    return _runtime.context


def set_context(context: Context | None) -> None:
    """Replace the process-wide Context (tests that call a function directly)."""
    global _runtime
    _runtime = Runtime(context, []) if context is not None else None


async def close() -> None:
    """Close the process-wide connections (the local host's shutdown)."""
    global _runtime, _sender, _graph
    runtime, _runtime = _runtime, None
    if runtime is not None:
        await runtime.close()
    sender, _sender = _sender, None
    if sender is not None:
        await sender.close()
    gated, _graph = _graph, None
    if gated is not None:
        await gated.graph.close()
    global _identity
    identity, _identity = _identity, None
    if identity is not None:
        await identity.close()


_sender = None
_graph = None


def graph() -> Graph:
    """The process-wide Microsoft Graph client behind the per-mailbox gate: used by the Outlook sync
    functions only, so the HTTP route groups never import it."""
    from shared.adapters.graph_http import GraphClient
    from shared.services.outlook.graph_gate import GatedGraph

    global _graph
    if _graph is None:
        settings = get_settings()
        _graph = GatedGraph(GraphClient(settings.GRAPH_BASE_URL, settings.GRAPH_TIMEOUT))
    return _graph


def webhook_sender() -> WebhookSender:
    """The process-wide webhook sender: one HTTP connection pool, used by the queue function only."""
    from shared.adapters.webhook_http import AiohttpWebhookSender

    global _sender
    if _sender is None:
        settings = get_settings()
        _sender = AiohttpWebhookSender(settings.WEBHOOK_TIMEOUT, settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS)
    return _sender


@lru_cache
def address_resolver() -> AddressResolver:
    from shared.adapters.webhook_http import SystemResolver

    return SystemResolver()


_identity = None


def identity_provider() -> IdentityProvider:
    """The process-wide OpenID Connect client of the booking page's sign-in (metadata and keys kept an hour)."""
    from shared.adapters.oidc_http import HttpIdentityProvider

    global _identity
    if _identity is None:
        _identity = HttpIdentityProvider()
    return _identity


@lru_cache
def token_validator() -> TokenValidator:
    return TokenValidator(get_settings())
