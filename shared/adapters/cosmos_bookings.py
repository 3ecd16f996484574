"""The `bookings` container: day partitions of calendars, meetings, reservations and outbox
documents, read with queries and written with one transactional batch per day.

The local Cosmos API server scopes single-partition queries by their SQL alone, so every
such query names `c.pk` in SQL as well as passing `partition_key`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.cosmos import exceptions as cosmos_errors
from azure.cosmos.aio import ContainerProxy

from shared.adapters.cosmos import PAGE_SIZE, cosmos_call, translate
from shared.errors import NotFound, PreconditionFailed
from shared.models.common import format_utc
from shared.ports import BatchRejected, BookingStore, MeetingFilters, Op
from shared.rules.booking import Calendar
from shared.rules.calendar_documents import calendar_from_document, calendars_in


class CosmosBookings(BookingStore):
    def __init__(self, container: ContainerProxy):
        self._container = container

    async def day(self, day: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The documents of one day with these ids (one single-partition query)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        sql = "SELECT * FROM c WHERE c.pk = @pk AND ARRAY_CONTAINS(@ids, c.id)"
        found = await self._query(sql, {"@pk": day, "@ids": wanted}, partition=day)
        return {d["id"]: d for d in found}

    async def calendars(self, day: str, resources: Iterable[str]) -> dict[str, Calendar]:
        """Every calendar asked for; missing ones are empty with no ETag."""
        resources = set(resources)
        found = await self.day(day, resources)
        return calendars_in(found, resources)

    async def find(self, id: str, types: Iterable[str], from_day: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM c WHERE c.id = @id AND ARRAY_CONTAINS(@types, c.type)", {
            "@id": id, "@types": list(types)}
        if from_day is not None:
            sql, params["@from"] = sql + " AND c.pk >= @from", from_day
        return await self._query(sql, params)

    async def find_many(self, ids: Iterable[str], types: Iterable[str]) -> list[dict[str, Any]]:
        wanted = sorted(set(ids))
        if not wanted:
            return []
        return await self._query("SELECT * FROM c WHERE ARRAY_CONTAINS(@ids, c.id) AND ARRAY_CONTAINS(@types, c.type)",
                                 {"@ids": wanted, "@types": list(types)})

    async def history(self, meeting_id: str) -> list[dict[str, Any]]:
        return await self._query(
            "SELECT * FROM c WHERE (c.type = 'meetingHistory' AND c.meetingId = @id) OR "
            "(c.id = @id AND (c.type = 'meeting' OR c.type = 'cancelledMeeting'))", {"@id": meeting_id})

    async def spilled_calendars(self) -> list[dict[str, Any]]:
        return await self._query("SELECT * FROM c WHERE c.type = 'calendar' AND "
                                 "ARRAY_CONTAINS(c.entries, {'kind': 'spill'}, true)", {})

    async def marked_before(self, cutoff: datetime, limit: int) -> list[dict[str, Any]]:
        # Stored date-times all have the fixed format of format_utc, so strings compare as instants.
        return await self._query(
            "SELECT TOP @limit * FROM c WHERE c.type = 'meeting' AND IS_DEFINED(c.moving) "
            "AND c.moving.since <= @cutoff", {"@cutoff": format_utc(cutoff), "@limit": limit})

    async def reservation_with_calendars(self, id: str) -> tuple[dict[str, Any] | None, dict[str, Calendar]]:
        """The reservation with this id and the calendars holding it, in one cross-partition
        query: those calendars are in the reservation's day, so a booking that consumes it
        needs no second read of them."""
        found = await self._query(
            "SELECT * FROM c WHERE (c.type = 'reservation' AND c.id = @id) OR "
            "(c.type = 'calendar' AND ARRAY_CONTAINS(c.entries, {'ref': @id}, true))", {"@id": id})
        reservation = next((d for d in found if d.get("type") == "reservation"), None)
        calendars = {d["resource"]: calendar_from_document(d) for d in found if d.get("type") == "calendar"
                     and reservation is not None and d["pk"] == reservation["pk"]}
        return reservation, calendars

    async def find_slot(self, id: str) -> list[dict[str, Any]]:
        """The reservation with this id, or the meeting with this id or made from it."""
        return await self._query(
            "SELECT * FROM c WHERE (c.type = 'reservation' AND c.id = @id) OR "
            "(c.type = 'meeting' AND (c.id = @id OR c.timeSlotId = @id))", {"@id": id})

    async def reservations_with_token(self, token: str) -> list[dict[str, Any]]:
        return await self._query("SELECT * FROM c WHERE c.type = 'reservation' AND c.token = @token",
                                 {"@token": token})

    async def meetings(self, filters: MeetingFilters, after: tuple[str, str] | None,
                       limit: int) -> list[dict[str, Any]]:
        """Meetings matching every filter, a page in (startDate, id) order (the composite index of
        shared/adapters/cosmos_layout.py serves the cross-partition ORDER BY)."""
        sql, params = "SELECT TOP @limit * FROM c WHERE c.type = 'meeting'", {"@limit": limit}
        if filters.time_slot_id is not None:
            sql, params["@slot"] = sql + " AND c.timeSlotId = @slot", filters.time_slot_id
        if filters.employee_id is not None:
            sql += " AND (c.employeeId = @employee OR ARRAY_CONTAINS(c.additionalEmployees, @employee))"
            params["@employee"] = filters.employee_id
        # Stored date-times all have the fixed format of format_utc, so strings compare as instants.
        if filters.modified_from is not None:
            sql, params["@from"] = sql + " AND c.dateModified >= @from", format_utc(filters.modified_from)
        if filters.modified_to is not None:
            sql, params["@to"] = sql + " AND c.dateModified <= @to", format_utc(filters.modified_to)
        if after is not None:
            sql += " AND (c.startDate > @afterStart OR (c.startDate = @afterStart AND c.id > @afterId))"
            params["@afterStart"], params["@afterId"] = after
        return await self._query(sql + " ORDER BY c.startDate, c.id", params)

    async def booking_after(self, now: datetime) -> dict[str, Any] | None:
        # Stored date-times all have the fixed format of format_utc, so strings compare as instants.
        found = await self._query(
            "SELECT TOP 1 c.id, c.type, c.startDate FROM c WHERE c.endDate > @now AND "
            "(c.type = 'meeting' OR (c.type = 'reservation' AND c.expiresAt > @now))", {"@now": format_utc(now)})
        return found[0] if found else None

    async def reminders_due(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        # Stored date-times all have the fixed format of format_utc, so strings compare as instants.
        return await self._query(
            "SELECT TOP @limit * FROM c WHERE c.type = 'meeting' AND IS_STRING(c.reminderAt) "
            "AND c.reminderAt <= @now ORDER BY c.reminderAt", {"@now": format_utc(now), "@limit": limit})

    async def expired_reservations(self, now: datetime) -> list[dict[str, Any]]:
        return await self._query("SELECT * FROM c WHERE c.type = 'reservation' AND c.expiresAt <= @now",
                                 {"@now": format_utc(now)})

    async def kept_answer(self, record_id: str) -> list[dict[str, Any]]:
        return await self._query("SELECT * FROM c WHERE c.id = @id OR c.idempotencyRecord = @id", {"@id": record_id})

    async def expired_idempotency(self, now: datetime) -> list[dict[str, Any]]:
        return await self._query(
            "SELECT * FROM c WHERE ARRAY_CONTAINS(['idempotency', 'idempotencyMarker'], c.type) "
            "AND c.keptUntil <= @now", {"@now": format_utc(now)})

    async def pending_outbox(self, now: datetime, first_wait: timedelta) -> list[dict[str, Any]]:
        # The same selection as shared.rules.outbox.due: first_wait after it was written, then as its last attempt said.
        return await self._query(
            "SELECT * FROM c WHERE c.type = 'outboxPending' AND ((c.nextAttemptAt = null AND c.createdAt <= @first) "
            "OR c.nextAttemptAt <= @now)", {"@first": format_utc(now - first_wait), "@now": format_utc(now)})

    async def expired_outbox(self, now: datetime) -> list[dict[str, Any]]:
        return await self._query("SELECT * FROM c WHERE ARRAY_CONTAINS(['outbox', 'outboxSetAside'], c.type) "
                                 "AND c.expiresAt <= @now", {"@now": format_utc(now)})

    async def customer_documents(self, customer_id: str) -> list[dict[str, Any]]:
        return await self._query("SELECT * FROM c WHERE c.customerId = @customer", {"@customer": customer_id})

    async def meeting_documents(self, meeting_ids: Iterable[str]) -> list[dict[str, Any]]:
        wanted = sorted(set(meeting_ids))
        if not wanted:
            return []
        return await self._query("SELECT * FROM c WHERE ARRAY_CONTAINS(@ids, c.meetingId)", {"@ids": wanted})

    async def personal_data_ended_before(self, cutoff: datetime, limit: int) -> list[dict[str, Any]]:
        # The same selection as shared.rules.personal_data.due_for_erasure.
        return await self._query(
            "SELECT TOP @limit * FROM c WHERE (c.type = 'meeting' OR c.type = 'cancelledMeeting') "
            "AND c.endDate < @cutoff AND (NOT IS_DEFINED(c.personalData) OR c.personalData != false)",
            {"@cutoff": format_utc(cutoff), "@limit": limit})

    async def commit(self, day: str, ops: list[Op]) -> dict[str, dict[str, Any]]:
        """Run `ops` as one transactional batch in the day partition: all or nothing.

        Returns the written documents by id; raises BatchRejected naming the failing op.
        """
        if not ops:
            return {}
        operations: list[tuple] = []
        for op in ops:
            if op.kind in ("create", "upsert"):
                operations.append((op.kind, (op.document,)))
            elif op.kind == "replace":
                operations.append(("replace", (op.id, op.document), {"if_match_etag": op.etag}))
            else:
                operations.append(("delete", (op.id,), {"if_match_etag": op.etag} if op.etag else {}))
        with cosmos_call():
            try:
                results = await self._container.execute_item_batch(operations, partition_key=day)
            except cosmos_errors.CosmosBatchOperationError as error:
                index = error.error_index if 0 <= error.error_index < len(ops) else 0
                raise BatchRejected(ops[index], translate(error)) from None
        return {r["resourceBody"]["id"]: r["resourceBody"] for r in results if r.get("resourceBody")}

    async def delete(self, day: str, id: str, etag: str | None = None) -> bool:
        """Delete one document; False when it was already gone or changed (someone else won)."""
        options = {"etag": etag, "match_condition": MatchConditions.IfNotModified} if etag else {}
        try:
            with cosmos_call():
                await self._container.delete_item(id, partition_key=day, **options)
        except (NotFound, PreconditionFailed):
            return False
        return True

    async def calendar_entries(self, resources: Iterable[str] | None, first_day: str,
                               last_day: str) -> dict[str, list[Mapping[str, Any]]]:
        """A cross-partition query over a range of the partition key (see docs/data-model.md,
        "Availability reads")."""
        sql = ("SELECT c.resource, c.entries FROM c WHERE c.type = 'calendar' "
               "AND c.pk >= @first AND c.pk <= @last")
        params: dict[str, Any] = {"@first": first_day, "@last": last_day}
        if resources is not None:
            sql += " AND ARRAY_CONTAINS(@resources, c.resource)"
            params["@resources"] = sorted(set(resources))
        found: dict[str, list[Mapping[str, Any]]] = {}
        for document in await self._query(sql, params):
            found.setdefault(document["resource"], []).extend(document.get("entries") or [])
        return found

    async def bookings_made(self, employee_ids: Iterable[str], booked_by: Iterable[str], made_from: datetime,
                            made_to: datetime) -> list[dict[str, Any]]:
        """A cross-partition query projecting the few fields a service level needs."""
        employees = sorted(set(employee_ids))
        if not employees:
            return []
        # Stored date-times all have the fixed format of format_utc, so strings compare as instants.
        return await self._query(
            "SELECT c.id, c.pk, c.employeeId, c.bookedBy, c.startDate, c.dateCreated, c.sequence, c.moving, "
            "c.moveId FROM c "
            "WHERE c.type = 'meeting' AND ARRAY_CONTAINS(@bookedBy, c.bookedBy) AND c.dateCreated >= @from "
            "AND c.dateCreated < @to AND ARRAY_CONTAINS(@employees, c.employeeId)",
            {"@bookedBy": list(booked_by), "@from": format_utc(made_from), "@to": format_utc(made_to),
             "@employees": employees})

    async def _query(self, sql: str, params: dict[str, Any], partition: str | None = None) -> list[dict[str, Any]]:
        parameters = [{"name": k, "value": v} for k, v in params.items()]
        options = {"partition_key": partition} if partition is not None else {}
        with cosmos_call():
            return [d async for d in self._container.query_items(sql, parameters=parameters,
                                                                 max_item_count=PAGE_SIZE, **options)]
