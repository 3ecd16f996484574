"""The small interfaces the services depend on; adapters implement them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Versioned(Generic[T]):
    """A stored item with the version tag (ETag) it was read at."""

    item: T
    etag: str


class Documents(ABC, Generic[T]):
    """A collection of one kind of document, each with an `id`."""

    @abstractmethod
    async def get(self, id: str) -> Versioned[T]:
        """The item, or NotFound."""

    @abstractmethod
    async def list(self) -> list[Versioned[T]]:
        """Every item of the kind."""

    @abstractmethod
    async def find_by(self, field: str, values: Iterable[Any]) -> list[Versioned[T]]:
        """The items whose top-level JSON `field` equals one of `values`."""

    @abstractmethod
    async def create(self, item: T) -> Versioned[T]:
        """Store a new item; Conflict when its id or a unique key is taken."""

    @abstractmethod
    async def replace(self, item: T, current: Versioned[T]) -> Versioned[T]:
        """Replace `current` with `item`; PreconditionFailed when it changed meanwhile."""

    @abstractmethod
    async def delete(self, current: Versioned[T]) -> None:
        """Delete `current`; PreconditionFailed when it changed meanwhile."""


class Publisher(ABC):
    """Sends messages to a queue (Service Bus in Azure)."""

    @abstractmethod
    async def publish(self, messages: list[dict[str, Any]]) -> None:
        """Send every message, or raise ServiceUnavailable."""


class Mailer(ABC):
    """Delivers e-mail."""

    @abstractmethod
    async def send(self, message: Any) -> None:
        """Send one email.message.EmailMessage."""
