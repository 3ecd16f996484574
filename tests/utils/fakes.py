"""In-memory fakes of the ports, for service tests that run in milliseconds.

They keep the promises the Cosmos adapters keep: every stored document has an ETag that
changes on each write, a conditional write with a stale ETag fails with 412, a create of
an existing id with 409, and a day batch is applied all or nothing. Documents are copied
in and out, as a round trip through JSON would.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.context import Context
from shared.errors import Conflict, NotFound, PreconditionFailed, ServiceUnavailable
from shared.kinds import Kind
from shared.models.common import format_utc
from shared.ports import (
    BatchRejected,
    BookingStore,
    ConfigReader,
    Documents,
    DocumentStores,
    Mailer,
    MeetingFilters,
    Op,
    Publisher,
    Selection,
    Versioned,
)
from shared.rules.booking import Calendar
from shared.rules.calendar_documents import calendar_from_document, calendars_in
from shared.settings import Settings

_etags = itertools.count(1)


def _etag() -> str:
    return f'"fake-{next(_etags)}"'


class ProcessDied(BaseException):
    """Raised by the fake store to stop a writer between two writes, as a crash would: nothing
    of the writer runs after it (it is no BookMeError, so no handler catches it)."""


class FakeBookingStore(BookingStore):
    """The bookings container in memory: documents by (day, id)."""

    def __init__(self) -> None:
        self.documents: dict[tuple[str, str], dict[str, Any]] = {}
        self.requests = 0
        self._before_commit: list[Callable[[], Awaitable[None]]] = []
        self._before_matching: list[tuple[Callable[[str, list[Op]], bool], Callable[[], Awaitable[None]]]] = []
        self.crash_before: Callable[[str, list[Op]], bool] | None = None

    def before_next_commit(self, rival: Callable[[], Awaitable[None]]) -> None:
        """Run `rival` (another writer's change) right before the next commit, so the writer
        that read first loses the race."""
        self._before_commit.append(rival)

    def before_commit_of(self, match: Callable[[str, list[Op]], bool], rival: Callable[[], Awaitable[None]]) -> None:
        """Run `rival` right before the first commit (day, ops) that `match` accepts: another
        writer's change lands between two given steps of this one."""
        self._before_matching.append((match, rival))

    def all(self, type: str | None = None) -> list[dict[str, Any]]:
        return [copy.deepcopy(d) for d in self.documents.values() if type is None or d.get("type") == type]

    async def day(self, day: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        ids = set(ids)
        if not ids:  # as the Cosmos adapter: no ids, no request
            return {}
        self.requests += 1
        return {id: copy.deepcopy(self.documents[(day, id)]) for id in set(ids) if (day, id) in self.documents}

    async def calendars(self, day: str, resources: Iterable[str]) -> dict[str, Calendar]:
        resources = set(resources)
        found = await self.day(day, resources)
        return calendars_in(found, resources)

    async def commit(self, day: str, ops: list[Op]) -> dict[str, dict[str, Any]]:
        while self._before_commit:
            await self._before_commit.pop(0)()
        for hook in list(self._before_matching):
            if hook in self._before_matching and hook[0](day, ops):
                self._before_matching.remove(hook)
                await hook[1]()
        if self.crash_before is not None and self.crash_before(day, ops):
            raise ProcessDied(f"the process died before committing {[op.id for op in ops]} on {day}")
        self.requests += 1
        for op in ops:
            status = self._refusal(day, op)
            if status:
                error = {404: NotFound, 409: Conflict, 412: PreconditionFailed}[status]("Batch refused.")
                raise BatchRejected(op, error)
        written: dict[str, dict[str, Any]] = {}
        for op in ops:
            if op.kind == "delete":
                del self.documents[(day, op.id)]
                continue
            document = {**copy.deepcopy(op.document), "pk": day, "_etag": _etag()}
            self.documents[(day, op.id)] = document
            written[op.id] = copy.deepcopy(document)
        return written

    def _refusal(self, day: str, op: Op) -> int | None:
        current = self.documents.get((day, op.id))
        if op.kind == "create" and current is not None:
            return 409
        if op.kind in ("replace", "delete") and current is None:
            return 404
        if op.kind in ("replace", "delete") and op.etag is not None and current["_etag"] != op.etag:
            return 412
        return None

    async def delete(self, day: str, id: str, etag: str | None = None) -> bool:
        self.requests += 1
        current = self.documents.get((day, id))
        if current is None or (etag is not None and current["_etag"] != etag):
            return False
        del self.documents[(day, id)]
        return True

    def _select(self, keep: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        self.requests += 1
        return [copy.deepcopy(d) for d in self.documents.values() if keep(d)]

    async def find(self, id: str, types: Iterable[str], from_day: str | None = None) -> list[dict[str, Any]]:
        types = set(types)
        return self._select(lambda d: d["id"] == id and d.get("type") in types
                            and (from_day is None or d["pk"] >= from_day))

    async def find_many(self, ids: Iterable[str], types: Iterable[str]) -> list[dict[str, Any]]:
        wanted, types = set(ids), set(types)
        if not wanted:
            return []
        return self._select(lambda d: d["id"] in wanted and d.get("type") in types)

    async def history(self, meeting_id: str) -> list[dict[str, Any]]:
        return self._select(lambda d: (d.get("type") == "meetingHistory" and d.get("meetingId") == meeting_id) or (
            d["id"] == meeting_id and d.get("type") in ("meeting", "cancelledMeeting")))

    async def spilled_calendars(self) -> list[dict[str, Any]]:
        return self._select(lambda d: d.get("type") == "calendar"
                            and any(e.get("kind") == "spill" for e in d.get("entries", [])))

    async def marked_before(self, cutoff: datetime, limit: int) -> list[dict[str, Any]]:
        instant = format_utc(cutoff)
        return self._select(lambda d: d.get("type") == "meeting" and "moving" in d
                            and d["moving"]["since"] <= instant)[:limit]

    async def reservation_with_calendars(self, id: str) -> tuple[dict[str, Any] | None, dict[str, Calendar]]:
        found = self._select(lambda d: (d.get("type") == "reservation" and d["id"] == id) or (
            d.get("type") == "calendar" and any(e["ref"] == id for e in d.get("entries", []))))
        reservation = next((d for d in found if d["type"] == "reservation"), None)
        calendars = {d["resource"]: calendar_from_document(d) for d in found if d["type"] == "calendar"
                     and reservation is not None and d["pk"] == reservation["pk"]}
        return reservation, calendars

    async def find_slot(self, id: str) -> list[dict[str, Any]]:
        return self._select(lambda d: (d.get("type") == "reservation" and d["id"] == id) or (
            d.get("type") == "meeting" and id in (d["id"], d.get("timeSlotId"))))

    async def reservations_with_token(self, token: str) -> list[dict[str, Any]]:
        return self._select(lambda d: d.get("type") == "reservation" and d.get("token") == token)

    async def meetings(self, filters: MeetingFilters, after: tuple[str, str] | None,
                       limit: int) -> list[dict[str, Any]]:
        def keep(d: dict[str, Any]) -> bool:
            return d.get("type") == "meeting" \
                and (filters.time_slot_id is None or d.get("timeSlotId") == filters.time_slot_id) \
                and (filters.employee_id is None
                     or filters.employee_id in (d["employeeId"], *d.get("additionalEmployees", []))) \
                and (filters.modified_from is None or d["dateModified"] >= format_utc(filters.modified_from)) \
                and (filters.modified_to is None or d["dateModified"] <= format_utc(filters.modified_to)) \
                and (after is None or (d["startDate"], d["id"]) > after)

        return sorted(self._select(keep), key=lambda d: (d["startDate"], d["id"]))[:limit]

    async def customer_documents(self, customer_id: str) -> list[dict[str, Any]]:
        return self._select(lambda d: d.get("customerId") == customer_id)

    async def meeting_documents(self, meeting_ids: Iterable[str]) -> list[dict[str, Any]]:
        wanted = set(meeting_ids)
        if not wanted:
            return []
        return self._select(lambda d: d.get("meetingId") in wanted)

    async def personal_data_ended_before(self, cutoff: datetime, limit: int) -> list[dict[str, Any]]:
        from shared.rules.personal_data import due_for_erasure

        return self._select(lambda d: due_for_erasure(d, cutoff))[:limit]

    async def booking_after(self, now: datetime) -> dict[str, Any] | None:
        instant = format_utc(now)
        found = self._select(lambda d: d.get("endDate", "") > instant and (
            d.get("type") == "meeting" or (d.get("type") == "reservation" and d.get("expiresAt", "") > instant)))
        return {k: found[0][k] for k in ("id", "type", "startDate")} if found else None

    async def reminders_due(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        due = self._select(lambda d: d.get("type") == "meeting" and isinstance(d.get("reminderAt"), str)
                           and d["reminderAt"] <= format_utc(now))
        return sorted(due, key=lambda d: d["reminderAt"])[:limit]

    async def expired_reservations(self, now: datetime) -> list[dict[str, Any]]:
        return self._select(lambda d: d.get("type") == "reservation" and d["expiresAt"] <= format_utc(now))

    async def kept_answer(self, record_id: str) -> list[dict[str, Any]]:
        return self._select(lambda d: record_id in (d["id"], d.get("idempotencyRecord")))

    async def expired_idempotency(self, now: datetime) -> list[dict[str, Any]]:
        return self._select(lambda d: d.get("type") in ("idempotency", "idempotencyMarker")
                            and d["keptUntil"] <= format_utc(now))

    async def pending_outbox(self, now: datetime, first_wait: timedelta) -> list[dict[str, Any]]:
        from shared.rules.outbox import due

        return self._select(lambda d: due(d, now, first_wait))

    async def expired_outbox(self, now: datetime) -> list[dict[str, Any]]:
        return self._select(lambda d: d.get("type") in ("outbox", "outboxSetAside")
                            and d.get("expiresAt", "9999") <= format_utc(now))

    async def calendar_entries(self, resources: Iterable[str] | None, first_day: str,
                               last_day: str) -> dict[str, list[Mapping[str, Any]]]:
        wanted = set(resources) if resources is not None else None
        found: dict[str, list[Mapping[str, Any]]] = {}
        for d in self._select(lambda d: d.get("type") == "calendar" and first_day <= d["pk"] <= last_day
                              and (wanted is None or d["resource"] in wanted)):
            found.setdefault(d["resource"], []).extend(d.get("entries", []))
        return found

    async def bookings_made(self, employee_ids: Iterable[str], booked_by: Iterable[str], made_from: datetime,
                            made_to: datetime) -> list[dict[str, Any]]:
        employees, by = set(employee_ids), set(booked_by)
        if not employees:
            return []
        fields = ("id", "pk", "employeeId", "bookedBy", "startDate", "dateCreated", "sequence", "moving", "moveId")
        return [{k: d[k] for k in fields if k in d} for d in self._select(
            lambda d: d.get("type") == "meeting" and d.get("bookedBy") in by and d.get("employeeId") in employees
            and format_utc(made_from) <= d["dateCreated"] < format_utc(made_to))]


class FakeDocuments(Documents[Any]):
    """One kind of configuration document in memory, with its unique keys."""

    def __init__(self, kind: Kind, counter: FakeConfig | None = None):
        self.kind = kind
        self.items: dict[str, tuple[dict[str, Any], str]] = {}
        self._counter = counter

    def _request(self) -> None:
        if self._counter is not None:
            self._counter.requests += 1

    def _versioned(self, id: str) -> Versioned[Any]:
        document, etag = self.items[id]
        return Versioned(self.kind.model.model_validate(document), etag)

    def _keys(self, item: Any) -> set[str]:
        return {hashlib.sha256(key.encode()).hexdigest() for key in self.kind.unique_keys(item)}

    def _taken(self, item: Any, except_id: str | None = None) -> bool:
        keys = self._keys(item)
        return any(keys & self._keys(self._versioned(id).item) for id in self.items if id != except_id)

    async def get(self, id: str) -> Versioned[Any]:
        self._request()
        if id not in self.items:
            raise NotFound("The resource does not exist.")
        return self._versioned(id)

    async def list(self) -> list[Versioned[Any]]:
        self._request()
        return [self._versioned(id) for id in self.items]

    async def find_by(self, field: str, values: Iterable[Any]) -> list[Versioned[Any]]:
        self._request()
        wanted = list(values)
        return [self._versioned(id) for id, (document, _) in self.items.items() if document.get(field) in wanted]

    async def create(self, item: Any) -> Versioned[Any]:
        self._request()
        if item.id in self.items or self._taken(item):
            raise Conflict(f"A {self.kind.name} with that name already exists.")
        self.items[item.id] = (item.to_json(), _etag())
        return self._versioned(item.id)

    async def replace(self, item: Any, current: Versioned[Any]) -> Versioned[Any]:
        self._request()
        if item.id not in self.items or self.items[item.id][1] != current.etag:
            raise PreconditionFailed("The resource was changed by someone else.")
        if self._taken(item, except_id=item.id):
            raise Conflict(f"A {self.kind.name} with that name already exists.")
        self.items[item.id] = (item.to_json(), _etag())
        return self._versioned(item.id)

    async def delete(self, current: Versioned[Any]) -> None:
        self._request()
        id = current.item.id
        if id not in self.items:
            raise NotFound("The resource does not exist.")
        if self.items[id][1] != current.etag:
            raise PreconditionFailed("The resource was changed by someone else.")
        del self.items[id]


class FakeConfig(ConfigReader, DocumentStores):
    """Every kind's store; `requests` counts what the Cosmos adapter would send (a read across
    kinds is one request)."""

    def __init__(self) -> None:
        self.stores: dict[str, FakeDocuments] = {}
        self.requests = 0

    def of(self, kind: Kind) -> FakeDocuments:
        return self.stores.setdefault(kind.name, FakeDocuments(kind, self))

    async def read(self, selections: Iterable[Selection]) -> dict[str, list[Versioned[Any]]]:
        self.requests += 1
        found: dict[str, list[Versioned[Any]]] = {}
        for selection in selections:
            store = self.of(selection.kind)
            items = [store._versioned(id) for id in store.items]
            if selection.field is not None:
                items = [v for v in items if v.item.to_json().get(selection.field) in selection.values]
            found[selection.kind.name] = items
        return found


class RecordingPublisher(Publisher):
    """Keeps what it publishes; `failing` makes it refuse as a queue that is down would, and
    `refused` counts the sends it refused."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []  # to the default (notifications) queue
        self.queues: dict[str, list[dict[str, Any]]] = {}  # to named queues
        self.scheduled: list[tuple[datetime, str | None, dict[str, Any]]] = []
        self.failing = False
        self.refused = 0
        self.losing_answers = False  # takes every message, then fails as a send whose answer was lost

    async def publish(self, messages: list[dict[str, Any]], queue: str | None = None) -> None:
        if self.failing:
            self.refused += 1
            raise ServiceUnavailable("The queue is down.")
        target = self.sent if queue is None else self.queues.setdefault(queue, [])
        target += copy.deepcopy(messages)
        if self.losing_answers:
            raise ServiceUnavailable("The queue's answer was lost.")

    async def schedule(self, messages: list[dict[str, Any]], at: datetime, queue: str | None = None) -> None:
        if self.failing:
            raise ServiceUnavailable("The queue is down.")
        self.scheduled += [(at, queue, copy.deepcopy(m)) for m in messages]


class RecordingMailer(Mailer):
    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.failing = False
        self.refused = 0

    async def send(self, message: Any) -> None:
        if self.failing:
            self.refused += 1
            raise ServiceUnavailable("The mail server is down.")
        self.sent.append(message)


@dataclass
class FixedClock:
    """A clock that stands still until told to move."""

    now: datetime = field(default_factory=lambda: datetime(2030, 3, 4, 7, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, span: timedelta) -> None:
        self.now += span


def fake_context(**settings: Any) -> Context:
    """A Context over fresh fakes; keyword arguments override settings."""
    config = FakeConfig()
    return Context(bookings=FakeBookingStore(), config=config, stores=config, publisher=RecordingPublisher(),
                   mailer=RecordingMailer(), clock=FixedClock(),
                   settings=Settings(MAIL_SENDER="bookme@bank.example", **settings))
