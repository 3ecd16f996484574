"""The small interfaces the services depend on; adapters implement them, fakes in
tests/utils/fakes.py subclass them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from shared.errors import BookMeError

if TYPE_CHECKING:
    from shared.kinds import Kind
    from shared.rules.booking import Calendar

T = TypeVar("T")
Clock = Callable[[], datetime]
Document = dict[str, Any]


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


class DocumentStores(ABC):
    """The store of each kind of configuration document."""

    @abstractmethod
    def of(self, kind: Kind) -> Documents[Any]:
        """The store of `kind` (one per kind, built from the kind's registry entry)."""


@dataclass(frozen=True)
class Selection:
    """Items of one kind: all of them, or those whose top-level `field` is one of `values`."""

    kind: Kind
    field: str | None = None
    values: tuple[Any, ...] = ()


class ConfigReader(ABC):
    """Reads several kinds of configuration at once."""

    @abstractmethod
    async def read(self, selections: Iterable[Selection]) -> dict[str, list[Versioned[Any]]]:
        """The selected items by kind name, in ONE request: the hot paths (availability,
        booking) read all the configuration they need this way."""


@dataclass(frozen=True)
class MeetingFilters:
    """What GET /meetings filters on; None: no filter."""

    time_slot_id: str | None = None
    employee_id: str | None = None
    modified_from: datetime | None = None
    modified_to: datetime | None = None


@dataclass(frozen=True)
class Op:
    """One operation of a day batch; `etag` makes a replace or delete conditional."""

    kind: Literal["create", "upsert", "replace", "delete"]
    id: str
    document: Document | None = None
    etag: str | None = None


class BatchRejected(BookMeError):
    """A day batch failed as a whole because `op` was refused with `error` (404, 409 or 412 as a
    rule). The service that wrote the batch decides what that means for its caller; should one
    ever escape untranslated, it still answers as `error` does, never as a 500."""

    def __init__(self, op: Op, error: BookMeError):
        super().__init__(error.detail, error.errors, error.extensions)
        self.op = op
        self.error = error
        self.status = error.status
        self.title = error.title

    def __str__(self) -> str:
        return f"{self.op.kind} {self.op.id}: {self.status}"


class BookingStore(ABC):
    """The bookings container: one partition per organization-local day (`YYYY-MM-DD`) holding
    that day's calendars, meetings, reservations and outbox documents (with their pending entries)."""

    @abstractmethod
    async def day(self, day: str, ids: Iterable[str]) -> dict[str, Document]:
        """The documents of one day with these ids, by id (one single-partition query)."""

    @abstractmethod
    async def calendars(self, day: str, resources: Iterable[str]) -> dict[str, Calendar]:
        """Every calendar asked for; missing ones are empty, with no ETag."""

    @abstractmethod
    async def commit(self, day: str, ops: list[Op]) -> dict[str, Document]:
        """Run `ops` as one atomic batch in the day: the written documents by id, or
        BatchRejected naming the failing operation."""

    @abstractmethod
    async def delete(self, day: str, id: str, etag: str | None = None) -> bool:
        """Delete one document; False when it was already gone or changed."""

    @abstractmethod
    async def find(self, id: str, types: Iterable[str], from_day: str | None = None) -> list[Document]:
        """Documents of these types with this id, in any day (from `from_day` on, when given)."""

    @abstractmethod
    async def find_many(self, ids: Iterable[str], types: Iterable[str]) -> list[Document]:
        """Documents of these types with one of these ids, in any day (one request)."""

    @abstractmethod
    async def history(self, meeting_id: str) -> list[Document]:
        """The meeting's history record documents and its meeting or cancelled-meeting copies, in
        any day, in one request."""

    @abstractmethod
    async def spilled_calendars(self) -> list[Document]:
        """Every calendar that holds a spill (shared/rules/spills.py), in any day."""

    @abstractmethod
    async def marked_before(self, cutoff: datetime, limit: int) -> list[Document]:
        """At most `limit` meeting copies marked as moving (shared/rules/moves.py) since at or before `cutoff`."""

    @abstractmethod
    async def reservation_with_calendars(self, id: str) -> tuple[Document | None, dict[str, Calendar]]:
        """The reservation with this id and the calendars of its day that hold it, in one request."""

    @abstractmethod
    async def find_slot(self, id: str) -> list[Document]:
        """The reservation with this id, or the meeting with this id or made from it."""

    @abstractmethod
    async def reservations_with_token(self, token: str) -> list[Document]:
        """Every reservation made with this token, in any day."""

    @abstractmethod
    async def meetings(self, filters: MeetingFilters, after: tuple[str, str] | None, limit: int) -> list[Document]:
        """At most `limit` meeting copies matching every filter (the employee as primary or
        additional), ordered by startDate then id, after the (startDate, id) `after`; one query
        whose cost grows with `limit`, not with the meetings stored."""

    @abstractmethod
    async def customer_documents(self, customer_id: str) -> list[Document]:
        """Every document that carries the customer's id, in any day: meetings, cancelled meetings
        and the copies of their data (history records, kept answers, outbox entries)."""

    @abstractmethod
    async def meeting_documents(self, meeting_ids: Iterable[str]) -> list[Document]:
        """Every document that carries one of these meeting ids (`meetingId`), in any day: the
        copies of those meetings' data."""

    @abstractmethod
    async def personal_data_ended_before(self, cutoff: datetime, limit: int) -> list[Document]:
        """At most `limit` meetings and cancelled meetings that ended before `cutoff` and may
        still hold personal data (see shared.rules.personal_data.due_for_erasure)."""

    @abstractmethod
    async def booking_after(self, now: datetime) -> Document | None:
        """Any one meeting, or unexpired reservation, that ends after `now` (its id, type and
        startDate); None when there is none."""

    @abstractmethod
    async def reminders_due(self, now: datetime, limit: int) -> list[Document]:
        """At most `limit` meetings whose reminderAt is at or before `now`, earliest first."""

    @abstractmethod
    async def expired_reservations(self, now: datetime) -> list[Document]:
        """Reservations whose expiresAt is at or before `now`."""

    @abstractmethod
    async def kept_answer(self, record_id: str) -> list[Document]:
        """The Idempotency-Key documents with this id (the in-flight marker in its own partition, the
        kept answer in the booking's day) and the document still marked as written by it, in one request."""

    @abstractmethod
    async def expired_idempotency(self, now: datetime) -> list[Document]:
        """Idempotency markers and kept answers whose keptUntil is at or before `now`."""

    @abstractmethod
    async def pending_outbox(self, now: datetime, first_wait: timedelta) -> list[Document]:
        """Pending outbox entries whose next attempt is due (shared.rules.outbox.due)."""

    @abstractmethod
    async def expired_outbox(self, now: datetime) -> list[Document]:
        """Outbox documents and set-aside outbox entries whose expiresAt is at or before `now`."""

    @abstractmethod
    async def calendar_entries(self, resources: Iterable[str] | None, first_day: str,
                               last_day: str) -> dict[str, list[Mapping[str, Any]]]:
        """Calendar entries per resource on the days first_day..last_day, in one request;
        resources None means every resource."""

    @abstractmethod
    async def bookings_made(self, employee_ids: Iterable[str], booked_by: Iterable[str], made_from: datetime,
                            made_to: datetime) -> list[Document]:
        """The meetings booked (`dateCreated`) in [made_from, made_to) by these bookedBy values for
        one of these employees (primary), in any day, in one request: their id, employeeId, bookedBy,
        startDate, dateCreated, sequence and moving mark only."""


class Publisher(ABC):
    """Sends messages to a queue (Service Bus in Azure)."""

    @abstractmethod
    async def publish(self, messages: list[dict[str, Any]], queue: str | None = None) -> None:
        """Send every message to `queue` (by default the notifications queue), or raise
        ServiceUnavailable."""

    @abstractmethod
    async def schedule(self, messages: list[dict[str, Any]], at: datetime, queue: str | None = None) -> None:
        """Send every message to `queue`, to be enqueued only at `at` (Service Bus scheduled
        messages), or raise ServiceUnavailable."""


class Mailer(ABC):
    """Delivers e-mail."""

    @abstractmethod
    async def send(self, message: Any) -> None:
        """Send one email.message.EmailMessage, or raise ServiceUnavailable."""


class AddressResolver(ABC):
    """Resolves host names (DNS)."""

    @abstractmethod
    async def resolve(self, host: str) -> list[str]:
        """The IP addresses of `host`; empty when it has none."""


class WebhookSender(ABC):
    """POSTs one signed webhook delivery to a receiver."""

    @abstractmethod
    async def post(self, url: str, headers: dict[str, str], body: bytes) -> int:
        """POST once, never following a redirect, and return the HTTP status; TargetUnreachable
        when no answer came in time or the target's address is not allowed."""


class IdentityProvider(ABC):
    """An OpenID Connect provider's endpoints (the booking page's sign-in)."""

    @abstractmethod
    async def metadata(self, issuer: str) -> dict[str, Any]:
        """The provider's discovery document ({issuer}/.well-known/openid-configuration), or
        ServiceUnavailable."""

    @abstractmethod
    async def keys(self, jwks_uri: str, refresh: bool = False) -> dict[str, Any]:
        """The provider's signing keys (a JWK Set); `refresh` skips any copy kept, or ServiceUnavailable."""

    @abstractmethod
    async def redeem(self, token_endpoint: str, form: dict[str, str]) -> dict[str, Any]:
        """POST the token request; the token response. BadGateway when the provider refuses the
        code, ServiceUnavailable when it cannot be reached."""


@dataclass(frozen=True)
class DeltaPage:
    """One page of a calendarView delta round: its events (or @removed stubs) and where to go on,
    `next_link` while the round goes on, `delta_link` (the start of the next round) when it ends."""

    events: list[Document]
    next_link: str | None = None
    delta_link: str | None = None


class Graph(ABC):
    """The Microsoft Graph v1.0 calls of the Outlook sync, on a mailbox given by its e-mail address.
    Errors: NotFound, GraphThrottled (with retry_after), GraphUnavailable, GraphRefused, DeltaExpired."""

    @abstractmethod
    async def create_event(self, mailbox: str, event: Document) -> Document:
        """POST /users/{mailbox}/events; a repeated transactionId gives back the event made the first time."""

    @abstractmethod
    async def update_event(self, mailbox: str, event_id: str, changes: Document) -> Document:
        """PATCH the given properties of an event; NotFound when it is gone."""

    @abstractmethod
    async def delete_event(self, mailbox: str, event_id: str) -> None:
        """DELETE an event; one already gone is fine."""

    @abstractmethod
    async def get_event(self, mailbox: str, event_id: str) -> Document:
        """One event (a series master, for its occurrences' showAs); NotFound when it is gone."""

    @abstractmethod
    async def delta(self, mailbox: str, link: str | None, start: datetime, end: datetime) -> DeltaPage:
        """One page of calendarView/delta over [start, end) in UTC: a new round when `link` is None,
        else the page at a nextLink or deltaLink of an earlier page; DeltaExpired on 410."""

    @abstractmethod
    async def subscribe(self, mailbox: str, notification_url: str, client_state: str,
                        expires: datetime) -> Document:
        """A subscription to the mailbox's events (created, updated, deleted), with lifecycle
        notifications to the same URL; Graph validates the URL before it answers."""

    @abstractmethod
    async def renew(self, subscription_id: str, expires: datetime) -> Document:
        """Move a subscription's expiry; NotFound when Graph removed it."""

    @abstractmethod
    async def unsubscribe(self, subscription_id: str) -> None:
        """Delete a subscription; one already gone is fine."""
