"""Reservations in their day partitions: the stored document, consumption by a booking,
removal with their calendar entries, and the cleanup of expired ones."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from shared.context import Context
from shared.models.reservations import StoredReservation
from shared.ports import BatchRejected, Op
from shared.rules import reservations as rules
from shared.rules.booking import Calendar, release
from shared.rules.calendar_documents import RESERVATION_DOC
from shared.services.booking.day_batch import write_day

ATTEMPTS = 5
# A transactional batch holds at most 100 operations: a reservation and up to two calendars each.
CLEANUP_CHUNK = 30
# Cosmos deletes a reservation by itself this long after it expired, should the cleanup
# timer not have run (expired reservations never block, whether deleted or not).
TTL_GRACE_SECONDS = 3600


def document(day: str, reservation: StoredReservation, life_seconds: float) -> dict[str, Any]:
    return {**reservation.to_json(), "pk": day, "type": RESERVATION_DOC,
            "ttl": int(life_seconds) + TTL_GRACE_SECONDS}


def stored(document: dict[str, Any]) -> StoredReservation:
    return StoredReservation.model_validate(document)


def held_by(document: dict[str, Any]) -> tuple[str, ...]:
    """The calendars a stored reservation holds."""
    return rules.resources(document.get("employeeId"), document.get("roomId"))


def by_day(documents: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in documents:
        found[d["pk"]].append(d)
    return found


async def remove(ctx: Context, day: str, documents: list[dict[str, Any]]) -> int:
    """Delete reservations of one day and their calendar entries; those another writer has
    already removed (or changed) are skipped. Returns how many this call removed."""
    for _ in range(ATTEMPTS):
        if not documents:
            return 0
        ids = {d["id"] for d in documents}
        resources = set().union(*(held_by(d) for d in documents))
        ops = [Op("delete", d["id"], etag=d["_etag"]) for d in documents]
        try:
            await write_day(ctx, day, resources, lambda calendars, at, ids=ids: release(calendars, ids, at), ops)
            return len(documents)
        except BatchRejected:
            current = await ctx.bookings.day(day, ids)
            documents = [d for d in documents if d["id"] in current and current[d["id"]]["_etag"] == d["_etag"]]
    return 0


async def cleanup_expired(ctx: Context) -> int:
    """Delete every expired reservation; safe to run on several instances at once."""
    expired = await ctx.bookings.expired_reservations(ctx.clock())
    removed = 0
    for day, documents in by_day(expired).items():
        for first in range(0, len(documents), CLEANUP_CHUNK):
            removed += await remove(ctx, day, documents[first:first + CLEANUP_CHUNK])
    return removed


async def active_reservation(ctx: Context, id: str, now: datetime,
                             meeting_id: str | None = None) -> tuple[dict[str, Any], dict[str, Calendar]]:
    """The reservation document a booking may consume (400 otherwise), with the calendars
    holding it, read in the same request."""
    current, calendars = await ctx.bookings.reservation_with_calendars(id)
    expires = stored(current).expires_at if current else None
    existing = current.get("existingMeetingId") if current else None
    rules.check_consumable(id, expires, existing, now, meeting_id)
    return current, calendars
