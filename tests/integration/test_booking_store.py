"""The booking store and services against the real Cosmos API server: batches, calendars,
expiry, cleanup, the outbox and interrupted moves."""

import asyncio
import itertools
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.demo import bank
from shared.errors import Conflict
from shared.models.common import format_utc as iso
from shared.models.meetings import MeetingCreate
from shared.models.reservations import ReserveRequest
from shared.ports import BatchRejected, Op
from shared.rules.booking import MEETING_ENTRY, Claim, Entry, employee_calendar, plan
from shared.rules.calendar_documents import calendar_document
from shared.services import meetings, personal_data, reservations
from shared.services.booking import day_batch, meeting_store, moves, outbox
from shared.services.booking.meeting_store import MeetingWrite
from tests.utils.fakes import RecordingPublisher

_days = itertools.count()
EMPLOYEE = bank.employee_named("Henrik Olsen").id
CALENDAR = employee_calendar(EMPLOYEE)


def new_day() -> datetime:
    return datetime(2046, 1, 5, tzinfo=UTC) + timedelta(days=next(_days))


def day_of(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Europe/Copenhagen")).date().isoformat()



def meeting_request(start: datetime, **fields) -> MeetingCreate:
    return MeetingCreate.model_validate({"bookedBy": "Employee", "salesforceId": "sf", "employeeId": EMPLOYEE,
                                         "customerId": "c", "type": "Online", "startDate": iso(start),
                                         "endDate": iso(start + timedelta(hours=1)), **fields})


def reserve_request(start: datetime, token: str | None = None) -> ReserveRequest:
    slot = {"startDate": iso(start), "endDate": iso(start + timedelta(hours=1)), "status": "Reserved",
            "employeeId": EMPLOYEE}
    return ReserveRequest.model_validate({"timeSlot": slot, "token": token or str(uuid.uuid4()),
                                          "isCustomerInitiated": False})


def recording(failing: bool = False) -> RecordingPublisher:
    publisher = RecordingPublisher()
    publisher.failing = failing
    return publisher


@pytest.fixture
def recorded(ctx):
    ctx.publisher = recording()
    return ctx.publisher


async def test_a_booking_writes_the_calendar_format_availability_reads(ctx, recorded):
    start = new_day() + timedelta(hours=9)
    meeting = (await meetings.create_meeting(ctx, meeting_request(start))).item
    found = await ctx.bookings.day(day_of(start), [CALENDAR, meeting.id])
    calendar = found[CALENDAR]
    assert {k for k in calendar if not k.startswith("_")} == {"id", "pk", "type", "resource", "day", "entries"}
    assert (calendar["type"], calendar["resource"], calendar["day"]) == ("calendar", CALENDAR, day_of(start))
    assert calendar["entries"] == [{"ref": meeting.id, "kind": "meeting", "start": iso(start),
                                    "end": iso(start + timedelta(hours=1)), "expiresAt": None, "token": None,
                                    "countsTowardCap": True, "bufferBefore": 0, "bufferAfter": 0}]
    assert found[meeting.id]["type"] == "meeting" and found[meeting.id]["meetingType"] == "Online"


async def test_a_batch_with_a_stale_calendar_writes_nothing(ctx):
    store = ctx.bookings
    day = day_of(new_day())
    await store.commit(day, [Op("create", CALENDAR, calendar_document(day, CALENDAR, []))])
    calendars = await store.calendars(day, [CALENDAR])
    await store.commit(day, [Op("replace", CALENDAR, calendar_document(day, CALENDAR, []), calendars[CALENDAR].etag)])
    stale = [Op("replace", CALENDAR, calendar_document(day, CALENDAR, []), calendars[CALENDAR].etag),
             Op("create", "m-1", {"id": "m-1", "pk": day, "type": "meeting"})]
    with pytest.raises(BatchRejected) as rejected:
        await store.commit(day, stale)
    assert rejected.value.status == 412 and rejected.value.op.id == CALENDAR
    assert "m-1" not in await store.day(day, ["m-1"])


async def test_a_concurrent_calendar_create_makes_the_loser_decide_again(ctx):
    start = new_day() + timedelta(hours=9)
    key = day_of(start)
    store = ctx.bookings
    stale = await store.calendars(key, [CALENDAR])
    rival = Entry("rival", MEETING_ENTRY, start, start + timedelta(hours=1))
    await store.commit(key, [Op("create", CALENDAR, calendar_document(key, CALENDAR, [rival]))])
    seen = []

    def decide(calendars, now):
        seen.append(calendars[CALENDAR].etag)
        return plan(Claim("mine", MEETING_ENTRY, start, start + timedelta(hours=1), (CALENDAR,)), calendars, now)

    with pytest.raises(Conflict):
        await day_batch.write_day(ctx, key, [CALENDAR], decide, [], known=stale)
    assert seen[0] is None and seen[1] is not None, "the stale create lost (409), the fresh read saw the rival"


async def test_parallel_bookings_of_one_time_give_exactly_one_meeting(ctx, recorded):
    start = new_day() + timedelta(hours=10)
    results = await asyncio.gather(*(meetings.create_meeting(ctx, meeting_request(start)) for _ in range(10)),
                                   return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))


async def test_a_reservation_stops_blocking_at_expires_at_even_before_cleanup(ctx, recorded):
    now = datetime.now(UTC).replace(microsecond=0)
    ctx.clock = lambda: now
    start = new_day() + timedelta(hours=9)
    held = (await reservations.reserve(ctx, reserve_request(start))).item
    assert held.expires_at == now + ctx.settings.RESERVATION_TTL
    ctx.clock = lambda: held.expires_at - timedelta(microseconds=1)
    with pytest.raises(Conflict):
        await meetings.create_meeting(ctx, meeting_request(start))
    ctx.clock = lambda: held.expires_at
    booked = await meetings.create_meeting(ctx, meeting_request(start))
    assert booked.item.start_date == start
    store = ctx.bookings
    assert await store.find(held.id, ["reservation"]), "the expired reservation was not cleaned up yet"
    calendar = (await store.calendars(day_of(start), [CALENDAR]))[CALENDAR]
    assert [e.ref for e in calendar.entries] == [booked.item.id], "the booking pruned the expired entry"


async def test_two_cleanups_at_once_remove_expired_reservations_once(ctx, recorded):
    past = datetime.now(UTC) - timedelta(minutes=30)
    ctx.clock = lambda: past
    day = new_day()
    held = [(await reservations.reserve(ctx, reserve_request(day + timedelta(hours=h)))).item for h in (8, 10, 12)]
    # Twenty minutes ago these had expired, and no other test's had: the host's timer removes those within seconds.
    ctx.clock = lambda: datetime.now(UTC) - timedelta(minutes=20)
    removed = await asyncio.gather(reservations.cleanup_expired(ctx), reservations.cleanup_expired(ctx))
    assert sum(removed) <= len(held), "no reservation is removed twice"
    store = ctx.bookings
    for reservation in held:
        assert await store.find(reservation.id, ["reservation"]) == []
    calendar = (await store.calendars(day_of(day + timedelta(hours=8)), [CALENDAR]))[CALENDAR]
    assert not {e.ref for e in calendar.entries} & {r.id for r in held}


async def test_the_queries_of_the_outbox_find_what_the_timer_erasure_and_cleanup_need(ctx):
    # A clock ten years ahead: the host's own timers (on real time) never take these documents.
    now = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3650)
    ctx.clock, ctx.publisher = (lambda: now), recording(failing=True)
    start = new_day() + timedelta(hours=9)
    customer = f"c-{uuid.uuid4().hex[:8]}"
    meeting = (await meetings.create_meeting(ctx, meeting_request(start, customerId=customer,
                                                                  description="Loan for Jens"))).item
    store, first_wait = ctx.bookings, ctx.settings.OUTBOX_REPUBLISH_AFTER

    def mine(found):
        return [d for d in found if d.get("meetingId") == meeting.id]

    assert mine(await store.pending_outbox(now + first_wait - timedelta(milliseconds=1), first_wait)) == []
    (entry,) = mine(await store.pending_outbox(now + first_wait, first_wait))
    assert (entry["type"], entry["attempts"], entry["nextAttemptAt"]) == ("outboxPending", 1, None)
    ctx.clock = lambda: now + first_wait
    await outbox.republish_outbox(ctx)  # attempt 2 fails; the next is due after twice the first wait
    later = now + first_wait + 2 * first_wait
    assert mine(await store.pending_outbox(later - timedelta(milliseconds=1), first_wait)) == []
    (entry,) = mine(await store.pending_outbox(later, first_wait))
    assert entry["attempts"] == 2

    # Erasure finds the outbox document by the customer's id and by the meeting's, and scrubs it.
    (document,) = [d for d in await store.customer_documents(customer) if d["type"] == "outbox"]
    assert document["id"] == entry["outbox"] and "Loan for Jens" in str(document)
    assert document["id"] in {d["id"] for d in await store.meeting_documents([meeting.id])}
    await personal_data.erase_customer(ctx, customer, "oid-1")
    assert "Loan" not in str(await store.day(document["pk"], [document["id"]]))

    expired = [d for d in await store.expired_outbox(now + timedelta(days=18)) if d.get("customerId") == customer]
    assert {d["type"] for d in expired} == {"outbox"} and len(expired) == 2, "the booking's and the erasure's"
    assert [d for d in await store.expired_outbox(now + timedelta(days=16)) if d.get("customerId") == customer] == []


async def test_a_move_interrupted_after_its_new_day_committed_is_read_as_moved_and_repaired(ctx, recorded):
    start, later = new_day() + timedelta(hours=9), new_day() + timedelta(hours=9)
    created = await meetings.create_meeting(ctx, meeting_request(start))
    before = await meeting_store.read(ctx, created.item.id)
    moved = before.meeting.model_copy(update={"start_date": later, "end_date": later + timedelta(hours=1)})
    # Steps 1 and 2 of a move, as if the process died before step 3 (removing the old copy).
    original_drop = moves.drop_copy
    moves.drop_copy = _no_drop
    try:
        await meeting_store.save(ctx, MeetingWrite(before, moved, day_of(later), before.sequence + 1,
                                                   "Europe/Copenhagen"))
    finally:
        moves.drop_copy = original_drop
    copies = await ctx.bookings.find(created.item.id, ["meeting"])
    assert sorted(("moving" in c, c["pk"]) for c in copies) == [(False, day_of(later)), (True, day_of(start))]
    current = await meeting_store.read(ctx, created.item.id)
    assert current.meeting.start_date == later and current.sequence == 1
    await moves.repair(ctx)
    assert len(await ctx.bookings.find(created.item.id, ["meeting"])) == 2, "a fresh mark: its mover is at work"
    ctx.clock = lambda: datetime.now(UTC) + timedelta(minutes=1)
    await moves.repair(ctx)  # past the lease the repair timer settles it
    assert [c["pk"] for c in await ctx.bookings.find(created.item.id, ["meeting"])] == [day_of(later)]
    old_calendar = (await ctx.bookings.calendars(day_of(start), [CALENDAR]))[CALENDAR]
    assert created.item.id not in {e.ref for e in old_calendar.entries}


async def test_the_hosts_cleanup_timer_deletes_expired_reservations(stack, ctx, recorded):
    ctx.clock = lambda: datetime.now(UTC) - timedelta(minutes=10)  # so it expired five minutes ago
    held = (await reservations.reserve(ctx, reserve_request(new_day() + timedelta(hours=9)))).item
    store = ctx.bookings
    for _ in range(100):  # the test stack runs the timer every 2 seconds
        if not await store.find(held.id, ["reservation"]):
            break
        await asyncio.sleep(0.1)
    assert await store.find(held.id, ["reservation"]) == []


async def _no_drop(ctx, stale):
    return None
