"""Reservations: POST /time-slots/reserve, token replacement, consumption and cleanup."""

import asyncio
import logging
from collections import defaultdict
from datetime import datetime
from typing import Any

from shared.adapters.cosmos_bookings import MEETING, RESERVATION, BatchRejected, Op
from shared.bootstrap import App
from shared.errors import Conflict, InvalidRequest
from shared.models.common import new_id
from shared.models.reservations import Reservation, ReserveRequest, StoredReservation
from shared.ports import Versioned
from shared.rules import reservations as rules
from shared.rules.booking import Calendar, booking_day, not_in_past, plan, release
from shared.services import booking_refs
from shared.services.bookings import day_key, store, write_day

log = logging.getLogger(__name__)
ATTEMPTS = 5
CLEANUP_CHUNK = 30
# Cosmos deletes a reservation by itself this long after it expired, should the cleanup
# timer not have run (expired reservations never block, whether deleted or not).
TTL_GRACE_SECONDS = 3600


def document(day: str, reservation: StoredReservation, life_seconds: float) -> dict[str, Any]:
    return {**reservation.to_json(), "pk": day, "type": RESERVATION, "ttl": int(life_seconds) + TTL_GRACE_SECONDS}


def stored(document: dict[str, Any]) -> StoredReservation:
    return StoredReservation.model_validate(document)


def held_by(document: dict[str, Any]) -> tuple[str, ...]:
    return rules.resources(document.get("employeeId"), document.get("roomId"))


async def reserve(app: App, request: ReserveRequest) -> Versioned[Reservation]:
    """Hold a time for RESERVATION_TTL; the same token replaces its earlier reservation."""
    slot = request.time_slot
    held = rules.resources(slot.employee_id, slot.room_id)
    capped = (slot.employee_id,) if request.is_customer_initiated and slot.employee_id else ()
    wanted = booking_refs.Wanted(employees={"timeSlot.employeeId": [slot.employee_id]} if slot.employee_id else {},
                                 room=("timeSlot.roomId", slot.room_id) if slot.room_id else None, caps_for=capped)
    found, meeting = await asyncio.gather(
        booking_refs.load(app, wanted),
        store(app).find(request.existing_meeting_id, [MEETING]) if request.existing_meeting_id else _none())
    org = found.settings
    day = day_key(booking_day(slot.start_date, slot.end_date, org.zone, "timeSlot."))
    not_in_past(slot.start_date, app.clock(), "timeSlot.")
    if request.existing_meeting_id and not meeting:
        raise InvalidRequest(f"Unknown meeting {request.existing_meeting_id}.",
                             {"existingMeetingId": ["No meeting with this id."]})
    caps = found.caps(org)
    for _ in range(ATTEMPTS):
        try:
            return await _reserve_once(app, request, day, held, caps)
        except BatchRejected as rejected:
            # The earlier reservation of the token went meanwhile (replaced or cleaned up): look again.
            log.info("Reservation replacement raced (%s); retrying", rejected)
    raise Conflict("Reservations with this token are being made by others at once; try again.")


async def _reserve_once(app: App, request: ReserveRequest, day: str, held: tuple[str, ...], caps) -> Versioned:
    slot = request.time_slot
    now = app.clock()
    ttl = app.settings.RESERVATION_TTL
    reservation = StoredReservation(
        id=new_id(), start_date=slot.start_date, end_date=slot.end_date, employee_id=slot.employee_id,
        room_id=slot.room_id, service_group=slot.service_group, token=request.token,
        expires_at=rules.expiry(now, ttl), existing_meeting_id=request.existing_meeting_id,
        is_customer_initiated=request.is_customer_initiated)
    earlier = await store(app).reservations_with_token(request.token)
    same_day = [d for d in earlier if d["pk"] == day]
    claim = rules.claim(reservation.id, request.token, slot.start_date, slot.end_date, reservation.expires_at, held,
                        replaced={d["id"] for d in same_day}, existing_meeting_id=request.existing_meeting_id,
                        caps=caps)
    resources = set(held).union(*(held_by(d) for d in same_day))
    ops = [Op("create", reservation.id, document(day, reservation, ttl.total_seconds()))]
    ops += [Op("delete", d["id"], etag=d["_etag"]) for d in same_day]
    written = await write_day(app, day, resources, lambda calendars, at: plan(claim, calendars, at), ops)
    for other_day, documents in _by_day(d for d in earlier if d["pk"] != day).items():
        await remove(app, other_day, documents)
    return Versioned(reservation.public(), written[reservation.id]["_etag"])


async def _none() -> None:
    return None


def _by_day(documents) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in documents:
        found[d["pk"]].append(d)
    return found


async def remove(app: App, day: str, documents: list[dict[str, Any]]) -> int:
    """Delete reservations of one day and their calendar entries; those another writer has
    already removed (or changed) are skipped. Returns how many this call removed."""
    bookings = store(app)
    for _ in range(ATTEMPTS):
        if not documents:
            return 0
        ids = {d["id"] for d in documents}
        resources = set().union(*(held_by(d) for d in documents))
        ops = [Op("delete", d["id"], etag=d["_etag"]) for d in documents]
        try:
            await write_day(app, day, resources, lambda calendars, at, ids=ids: release(calendars, ids, at), ops)
            return len(documents)
        except BatchRejected:
            current = await bookings.day(day, ids)
            documents = [d for d in documents if d["id"] in current and current[d["id"]]["_etag"] == d["_etag"]]
    return 0


async def cleanup_expired(app: App) -> int:
    """Delete every expired reservation; safe to run on several instances at once."""
    expired = await store(app).expired_reservations(app.clock())
    removed = 0
    for day, documents in _by_day(expired).items():
        # A transactional batch holds at most 100 operations: a reservation and up to two calendars each.
        for first in range(0, len(documents), CLEANUP_CHUNK):
            removed += await remove(app, day, documents[first:first + CLEANUP_CHUNK])
    return removed


async def active_reservation(app: App, id: str, now: datetime,
                             meeting_id: str | None = None) -> tuple[dict[str, Any], dict[str, Calendar]]:
    """The reservation document a booking may consume (400 otherwise), with the calendars
    holding it, read in the same request."""
    current, calendars = await store(app).reservation_with_calendars(id)
    expires = stored(current).expires_at if current else None
    existing = current.get("existingMeetingId") if current else None
    rules.check_consumable(id, expires, existing, now, meeting_id)
    return current, calendars
