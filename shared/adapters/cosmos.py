"""The Cosmos DB connection: one async client per process, and error translation."""

import asyncio
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from azure.core.exceptions import ServiceRequestError, ServiceResponseError
from azure.cosmos import PartitionKey
from azure.cosmos import exceptions as cosmos_errors
from azure.cosmos.aio import ContainerProxy, CosmosClient, DatabaseProxy

from shared import telemetry
from shared.adapters.cosmos_layout import CONTAINERS
from shared.errors import BookMeError, Conflict, InvalidRequest, NotFound, PreconditionFailed, ServiceUnavailable
from shared.settings import Settings

log = logging.getLogger(__name__)
# Query page size: -1 lets the service fill each page up to its 4 MB limit. Hot-path queries
# return thousands of small documents, and a fixed page of 100 would cost a request per hundred.
PAGE_SIZE = -1
# Raised by the SDK when no answer came: the request may or may not have been applied.
TRANSPORT_ERRORS = (ServiceRequestError, ServiceResponseError, cosmos_errors.CosmosClientTimeoutError)


# Statuses that mean "not now": throttled (429), timed out (408), a write conflict the service
# asks to retry (449), a partition moved (410) or an outage (5xx). Seen here only once the
# SDK's own retries are spent.
TRANSIENT = {408, 410, 429, 449}


def retry_after_seconds(error: Exception) -> int:
    """What the service asked to wait (x-ms-retry-after-ms), in whole seconds; 2 when it did not say."""
    headers = getattr(error, "headers", None) or {}
    try:
        return max(1, math.ceil(int(headers.get("x-ms-retry-after-ms", "")) / 1000))
    except ValueError:
        return 2


def translate(error: Exception) -> BookMeError:
    """The domain error for a Cosmos SDK error."""
    status = getattr(error, "status_code", None)
    if isinstance(error, cosmos_errors.CosmosBatchOperationError):
        responses = error.operation_responses or []
        failing = responses[error.error_index] if error.error_index < len(responses) else {}
        status = failing.get("statusCode", status)
    if status == 404:
        return NotFound("The resource does not exist.")
    if status == 409:
        return Conflict("The resource already exists.")
    if status == 412:
        return PreconditionFailed("The resource was changed by someone else.")
    if status == 413:
        # The services refuse what cannot be stored before writing (shared/rules/sizes.py); this is the backstop.
        return InvalidRequest("The change is too large to store.")
    if status in TRANSIENT or (status or 0) >= 500 or isinstance(error, TRANSPORT_ERRORS):
        log.warning("Cosmos DB unavailable after the SDK's retries: %s", type(error).__name__)
        return ServiceUnavailable("The database is busy or unreachable; try again.", retry_after_seconds(error))
    log.error("Unexpected Cosmos DB error: %s", error)
    return BookMeError("The database failed unexpectedly.")


@contextmanager
def cosmos_call() -> Iterator[None]:
    """Translate SDK errors raised inside the block into domain errors."""
    try:
        yield
    except (cosmos_errors.CosmosHttpResponseError, cosmos_errors.CosmosBatchOperationError, *TRANSPORT_ERRORS) \
            as error:
        raise translate(error) from None


class CosmosAccount:
    """The process-wide client, database and containers."""

    def __init__(self, client: CosmosClient, database: DatabaseProxy):
        self.client = client
        self.database = database

    def container(self, name: str) -> ContainerProxy:
        return self.database.get_container_client(name)

    async def close(self) -> None:
        await self.client.close()


def retry_options(settings: Settings) -> dict[str, object]:
    """The SDK's retry policy: throttles (429) are retried up to COSMOS_RETRY_TOTAL times, waiting
    what the service asks (x-ms-retry-after-ms) but no more than COSMOS_RETRY_BACKOFF_MAX seconds in
    all, so a caller gets its 503 while an answer is still useful. 503s, 410s and lost connections
    are retried by the SDK's own failover policies; writes are not blindly retried (retry_write off):
    an unanswered commit is resolved by reading it back (shared/services/booking)."""
    return {
        "retry_total": settings.COSMOS_RETRY_TOTAL,
        "retry_backoff_max": settings.COSMOS_RETRY_BACKOFF_MAX,
        "retry_connect": 3,
        "retry_read": 3,
        "retry_backoff_factor": 0.2,
        "connection_timeout": settings.COSMOS_REQUEST_TIMEOUT,
        "read_timeout": settings.COSMOS_REQUEST_TIMEOUT,
    }


def pooled_transport(max_connections: int) -> Any:
    """An aiohttp transport whose connection pool holds at most `max_connections` (None: the SDK's own).

    Call it inside the running event loop, as aiohttp binds its connector to that loop.
    """
    if max_connections <= 0:
        return None
    import aiohttp
    from azure.core.pipeline.transport import AioHttpTransport

    # The same session options azure-core uses for the transport it builds itself.
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=max_connections),
                                    cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False, trust_env=True)
    return AioHttpTransport(session=session, session_owner=True)


_RETRIED = {408, 429, 449, 503}


def count_retries(response) -> None:
    """Every HTTP response passes here (azure-core's raw_response_hook), each attempt of a
    retried request included: the answers the SDK retries are counted for bookme.cosmos_retries."""
    status = response.http_response.status_code
    if status in _RETRIED:
        telemetry.count("bookme.cosmos_retries", status=str(status))


def connect(settings: Settings) -> CosmosAccount:
    """Client for the configured account: key for the local emulator, identity in Azure."""
    options = {"transport": transport} if (transport := pooled_transport(settings.COSMOS_MAX_CONNECTIONS)) else {}
    if settings.cosmos_is_emulator:
        client = CosmosClient(settings.COSMOS_ENDPOINT, settings.COSMOS_KEY, connection_verify=False,
                              raw_response_hook=count_retries, **retry_options(settings), **options)
    else:
        from azure.identity.aio import DefaultAzureCredential

        client = CosmosClient(settings.COSMOS_ENDPOINT, DefaultAzureCredential(), raw_response_hook=count_retries,
                              **retry_options(settings), **options)
    return CosmosAccount(client, client.get_database_client(settings.COSMOS_DATABASE))


async def ensure_layout(settings: Settings, attempts: int = 30) -> None:
    """Create the database and containers if missing (local stack only; Bicep does it in Azure)."""
    account = connect(settings)
    try:
        for attempt in range(attempts):
            try:
                database = await account.client.create_database_if_not_exists(settings.COSMOS_DATABASE)
                break
            except (ServiceRequestError, ServiceResponseError):
                if attempt == attempts - 1:
                    raise
                await asyncio.sleep(0.2)
        for spec in CONTAINERS:
            policy = spec.indexing_policy()
            await database.create_container_if_not_exists(
                spec.name, partition_key=PartitionKey(spec.partition_key_path), default_ttl=spec.default_ttl,
                **({"indexing_policy": policy} if policy else {}),
            )
    finally:
        await account.close()
