"""Reservations: POST /time-slots/reserve, with the same token replacing its earlier reservation."""

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from shared.context import Context
from shared.errors import BookMeError, Conflict, InvalidRequest
from shared.models.common import new_id
from shared.models.reservations import Reservation, ReserveRequest, StoredReservation
from shared.ports import BatchRejected, Op, Versioned
from shared.rules import reservations as rules
from shared.rules.booking import not_in_past, plan
from shared.rules.calendar_documents import MEETING_DOC
from shared.rules.local_days import booking_day, day_key
from shared.services.booking import lookups, spills
from shared.services.booking.day_batch import after_commit, write_day
from shared.services.booking.offer_check import Check, customer_check
from shared.services.booking.reservation_store import by_day, cleanup_expired, document, held_by, remove
from shared.services.idempotency import Keep

__all__ = ["cleanup_expired", "reserve"]

log = logging.getLogger(__name__)
ATTEMPTS = 5


async def reserve(ctx: Context, request: ReserveRequest, keep: Keep | None = None) -> Versioned[Reservation]:
    """Hold a time for RESERVATION_TTL; the same token replaces its earlier reservation. A customer's
    reservation (isCustomerInitiated) must lie on a slot the search offers (section 20)."""
    slot = request.time_slot
    held = rules.resources(slot.employee_id, slot.room_id)
    capped = (slot.employee_id,) if request.is_customer_initiated and slot.employee_id else ()
    wanted = lookups.Wanted(employees={"timeSlot.employeeId": [slot.employee_id]} if slot.employee_id else {},
                            room=("timeSlot.roomId", slot.room_id) if slot.room_id else None, caps_for=capped,
                            schedules_for=capped, locations=bool(capped))
    # Independent reads travel at once; the token's earlier reservations are read again only on a retry.
    found, meeting, earlier = await asyncio.gather(
        lookups.load(ctx, wanted),
        ctx.bookings.find(request.existing_meeting_id, [MEETING_DOC]) if request.existing_meeting_id else _none(),
        ctx.bookings.reservations_with_token(request.token))
    day = day_key(booking_day(slot.start_date, slot.end_date, found.settings.zone, "timeSlot."))
    not_in_past(slot.start_date, ctx.clock(), "timeSlot.")
    if request.existing_meeting_id and not meeting:
        raise InvalidRequest(f"Unknown meeting {request.existing_meeting_id}.",
                             {"existingMeetingId": ["No meeting with this id."]})
    buffers = found.buffers()  # a reservation names no topic: the organization's

    def check(ignores: set[str]) -> tuple[Check | None, frozenset[str]]:
        if not capped:
            return None, frozenset()
        return customer_check(found, slot.employee_id, slot.start_date, slot.end_date, None, buffers, slot.room_id,
                              ignores)

    # The meeting a reservation reschedules may overlap it, across midnight too.
    rescheduled = spills.spill_of(meeting[0]) if meeting else None
    for _ in range(ATTEMPTS):
        try:
            return await _reserve_once(ctx, request, day, held, found.caps, buffers, check, keep, earlier,
                                       found.settings.zone, rescheduled)
        except BatchRejected as rejected:
            earlier = None
            # The earlier reservation of the token went meanwhile (replaced or cleaned up): look again.
            log.info("Reservation replacement raced (%s); retrying", rejected)
    raise Conflict("Reservations with this token are being made by others at once; try again.")


async def _reserve_once(ctx: Context, request: ReserveRequest, day: str, held: tuple[str, ...], caps,
                        buffers: tuple[timedelta, timedelta],
                        check: Callable[[set[str]], tuple[Check | None, frozenset[str]]],
                        keep: Keep | None, earlier: list[dict] | None, zone: str,
                        rescheduled: spills.Spill | None) -> Versioned[Reservation]:
    slot = request.time_slot
    ttl = ctx.settings.RESERVATION_TTL
    reservation = StoredReservation(
        id=new_id(), start_date=slot.start_date, end_date=slot.end_date, employee_id=slot.employee_id,
        room_id=slot.room_id, service_group=slot.service_group, token=request.token,
        expires_at=rules.expiry(ctx.clock(), ttl), existing_meeting_id=request.existing_meeting_id,
        is_customer_initiated=request.is_customer_initiated)
    if earlier is None:
        earlier = await ctx.bookings.reservations_with_token(request.token)
    same_day = [d for d in earlier if d["pk"] == day]
    claim = rules.claim(reservation.id, request.token, slot.start_date, slot.end_date, reservation.expires_at, held,
                        replaced={d["id"] for d in same_day}, existing_meeting_id=request.existing_meeting_id,
                        caps=caps, buffers=buffers)
    offered, read_too = check({*claim.releases, *claim.ignores})
    resources = set(held).union(*(held_by(d) for d in same_day), read_too)
    # Buffers reaching across midnight: the next day's calendars too, before this day's batch; the
    # spill expires with the reservation, so nothing has to remove it.
    spill = await spills.hold(ctx, claim, zone, (rescheduled, *map(spills.spill_of, same_day)))
    stored_doc = {**document(day, reservation, ttl.total_seconds()), **(keep.mark if keep else {}),
                  **({spills.FIELD: spill.to_json()} if spill else {})}
    ops = [Op("create", reservation.id, stored_doc)]
    ops += [Op("delete", d["id"], etag=d["_etag"]) for d in same_day]
    if keep:
        ops.append(keep.answer_op(day, reservation.public().to_json()))

    def decide(calendars, at):
        if offered is not None:
            offered(calendars, at)
        return plan(claim, calendars, at)

    try:
        written = await write_day(ctx, day, resources, decide, ops)
    except BookMeError:
        await after_commit("removing the spill of a refused reservation", spills.release_spill(ctx, spill))
        raise
    for other_day, documents in by_day(d for d in earlier if d["pk"] != day).items():
        await after_commit("removing the token's earlier reservation", remove(ctx, other_day, documents))
    return Versioned(reservation.public(), written[reservation.id]["_etag"])


async def _none() -> None:
    return None
