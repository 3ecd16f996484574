"""History records and personal-data erasure against the real Cosmos API server: the record is
written by the change's own batch, cancellation leaves a tombstone, erasure stays under the
batch limit, and retention is bounded per run and safe when two instances run it at once."""

import asyncio
import dataclasses
import itertools
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.demo import bank
from shared.demo.config_groups import PORTAL
from shared.errors import Conflict
from shared.models.common import format_utc as iso
from shared.models.meetings import Meeting, MeetingCreate
from shared.ports import Op
from shared.rules.booking import employee_calendar
from shared.rules.history import history_op, record
from shared.rules.personal_data import BATCH_LIMIT, RETENTION_ACTOR
from shared.services import meeting_history, meetings, personal_data
from shared.services.booking import meeting_documents

_days = itertools.count()
EMPLOYEE = bank.employee_named("Henrik Olsen").id
COLLEAGUE = bank.employee_named("Mette Nielsen").id


def new_day() -> datetime:
    return datetime(2048, 3, 2, tzinfo=UTC) + timedelta(days=next(_days))


def day_of(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Europe/Copenhagen")).date().isoformat()


def request(start: datetime, employee: str = EMPLOYEE, **fields) -> MeetingCreate:
    return MeetingCreate.model_validate({
        "bookedBy": "PortalPartner", "portalId": PORTAL.id, "salesforceId": "sf", "employeeId": employee,
        "customerId": "c", "type": "Online", "customFields": [{"key": "phone", "value": "+4512345678"}],
        "startDate": iso(start), "endDate": iso(start + timedelta(hours=1)), **fields})


class Quiet:
    async def publish(self, messages):
        pass


class CountingBatches:
    """The booking store, recording the size of every batch committed."""

    def __init__(self, inner):
        self._inner = inner
        self.sizes: list[int] = []

    def __getattr__(self, name):
        return getattr(self._inner, name)

    async def commit(self, day, ops):
        self.sizes.append(len(ops))
        return await self._inner.commit(day, ops)


@pytest.fixture
def quiet(ctx):
    return dataclasses.replace(ctx, publisher=Quiet())


@pytest.fixture
async def own_ctx(stack):
    """A Context over a database of its own, which the host's retention timer never sees."""
    from shared.adapters.cosmos import ensure_layout
    from shared.bootstrap import build_runtime
    from shared.settings import Settings

    env = {k: v for k, v in stack.env.items() if k in Settings.model_fields}
    settings = Settings(**{**env, "COSMOS_DATABASE": f"bookme-erasure-{uuid.uuid4().hex[:8]}"})
    await ensure_layout(settings)
    runtime = build_runtime(settings)
    yield dataclasses.replace(runtime.context, publisher=Quiet())
    await runtime.close()


async def stored_meetings(ctx, customer: str, ends: list[datetime]) -> list[str]:
    """Meeting documents written straight into their days (the past cannot be booked)."""
    ids = []
    for end in ends:
        start = end - timedelta(hours=1)
        meeting = Meeting.model_validate({
            "id": str(uuid.uuid4()), "bookedBy": "PortalPartner", "salesforceId": "sf", "employeeId": EMPLOYEE,
            "customerId": customer, "type": "Online", "startDate": iso(start), "endDate": iso(end),
            "dateCreated": iso(start), "dateModified": iso(start), "cpr": "311299-9876", "description": "Loan",
            "externalAttendees": [{"email": "guest@example.com"}]})
        entry = record(start, "someone", None, meeting.to_json())
        await ctx.bookings.commit(day_of(start), [
            Op("create", meeting.id, meeting_documents.document(meeting, day_of(start), 0, 1, True)),
            history_op(meeting.id, customer, day_of(start), 0, entry)])
        ids.append(meeting.id)
    return ids


async def records(ctx, id: str) -> list[dict]:
    return [r.to_json() for r in await meeting_history.history(ctx, id)]


async def documents(ctx, ids: list[str]) -> dict[str, dict]:
    found = {}
    for id in ids:
        (document,) = await ctx.bookings.find(id, ["meeting", "cancelledMeeting"])
        found[id] = document
    return found


async def test_the_record_is_written_with_the_change_and_not_without_it(quiet):
    start = new_day() + timedelta(hours=9)
    mine = (await meetings.create_meeting(quiet, request(start), actor="oid-1")).item
    await meetings.create_meeting(quiet, request(start + timedelta(hours=2), COLLEAGUE))
    stored = (await quiet.bookings.day(day_of(start), [mine.id]))[mine.id]
    assert [(r["action"], r["actor"]) for r in await records(quiet, mine.id)] == [("Created", "oid-1")]
    assert stored["personalData"] is True  # the phone number: the retention timer will find it
    assert "history" not in stored, "the records are documents of their own"

    with pytest.raises(Conflict):  # the colleague is busy then: nothing is written, no record either
        await meetings.patch_meeting(quiet, mine.id, [
            {"op": "replace", "path": "/employeeId", "value": COLLEAGUE},
            {"op": "replace", "path": "/startDate", "value": iso(start + timedelta(hours=2))},
            {"op": "replace", "path": "/endDate", "value": iso(start + timedelta(hours=3))}], None, actor="oid-2")
    assert len(await records(quiet, mine.id)) == 1


async def test_a_cancellation_leaves_a_tombstone_and_frees_the_time_in_one_batch(quiet):
    start = new_day() + timedelta(hours=9)
    meeting = (await meetings.create_meeting(quiet, request(start, cpr="311299-9876", description="Loan"))).item
    await meetings.cancel_meeting(quiet, meeting.id, None, actor="oid-3")
    day = day_of(start)
    found = await quiet.bookings.day(day, [meeting.id, employee_calendar(EMPLOYEE)])
    tombstone = found[meeting.id]
    assert tombstone["type"] == "cancelledMeeting" and tombstone["customerId"] == "c"
    assert "cpr" not in tombstone and "description" not in tombstone
    assert [r["action"] for r in await records(quiet, meeting.id)] == ["Created", "Cancelled"]
    assert meeting.id not in {e["ref"] for e in found[employee_calendar(EMPLOYEE)]["entries"]}


async def test_erasure_cuts_a_crowded_day_into_batches_under_the_limit(own_ctx):
    customer = f"crowd-{uuid.uuid4().hex[:6]}"
    end = datetime(2049, 5, 3, 10, tzinfo=UTC)
    ids = await stored_meetings(own_ctx, customer, [end + timedelta(minutes=i) for i in range(BATCH_LIMIT + 5)])
    counting = CountingBatches(own_ctx.bookings)
    erased = await personal_data.erase_customer(dataclasses.replace(own_ctx, bookings=counting), customer, "oid-4")
    assert erased.meetings_erased == BATCH_LIMIT + 5
    assert len(counting.sizes) > 2 and max(counting.sizes) <= 100, "Cosmos DB's limit of operations in a batch"
    stored = await documents(own_ctx, ids)
    assert all(d["cpr"] is None and d["externalAttendees"] == [] for d in stored.values())
    for id in ids:
        history = await records(own_ctx, id)
        assert history[-1]["actor"] == "oid-4" and "Loan" not in str(history) and "guest@" not in str(history)
    assert (await personal_data.erase_customer(own_ctx, customer, "oid-4")).meetings_erased == 0


async def test_retention_erases_what_ended_before_the_cutoff_a_bounded_number_per_run(own_ctx):
    now = datetime(2050, 6, 1, 12, tzinfo=UTC)
    clocked = dataclasses.replace(own_ctx, clock=lambda: now)
    old = await stored_meetings(own_ctx, "old", [now - timedelta(days=366, hours=i) for i in range(5)])
    recent = await stored_meetings(own_ctx, "recent", [now - timedelta(days=364)])
    assert [await personal_data.erase_expired(clocked, limit=3) for _ in range(3)] == [3, 2, 0]
    stored = await documents(own_ctx, old + recent)
    assert all(stored[id]["cpr"] is None for id in old)
    for id in old:
        assert (await records(own_ctx, id))[-1]["actor"] == RETENTION_ACTOR
    assert stored[recent[0]]["cpr"] == "311299-9876"


async def test_two_instances_running_retention_at_once_erase_each_meeting_once(own_ctx):
    now = datetime(2051, 6, 1, 12, tzinfo=UTC)
    clocked = dataclasses.replace(own_ctx, clock=lambda: now)
    ids = await stored_meetings(own_ctx, "twice", [now - timedelta(days=400, minutes=i) for i in range(8)])
    counts = await asyncio.gather(personal_data.erase_expired(clocked), personal_data.erase_expired(clocked))
    assert sum(counts) == 8
    stored = await documents(own_ctx, ids)
    assert all(d["personalData"] is False for d in stored.values())
    for id in ids:
        assert [r["action"] for r in await records(own_ctx, id)] == ["Created", "Updated"]
