"""Demo loading survives a busy database: each step is retried while Cosmos DB answers 503.

Every step is an upsert (or a read), so running one again is harmless.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from shared.errors import ServiceUnavailable

log = logging.getLogger(__name__)
ATTEMPTS = 20
T = TypeVar("T")


async def patiently(step: Callable[[], Awaitable[T]], attempts: int = ATTEMPTS) -> T:
    """Run `step`, again after a pause each time the database is unavailable."""
    for attempt in range(1, attempts + 1):
        try:
            return await step()
        except ServiceUnavailable as error:
            if attempt == attempts:
                raise
            log.warning("Demo data: the database is busy (%s); retrying", error.detail)
            await asyncio.sleep(min(error.retry_after, 1))
    raise AssertionError("unreachable")
