"""Commits whose answer is lost, and failures after a commit, over the fakes of the ports:
a booking that was saved is answered as saved, one that was not is a 503, and what is left
after the commit never turns a saved booking into an error."""

import dataclasses
from datetime import timedelta

import pytest

from shared.errors import ServiceUnavailable
from shared.ports import Op
from shared.services import meetings, reservations
from shared.services.booking.day_batch import applied
from shared.services.booking.outbox import republish_outbox
from tests.utils.booking_builders import add_employee, meeting_request, reserve_request
from tests.utils.fakes import FakeBookingStore, fake_context


class FlakyBookingStore(FakeBookingStore):
    """Commits meet the scripted fates in turn: `lost` (applied, then no answer), `echo` (applied,
    then sent again by a retrying client, which is refused), `refused` (not applied, no answer)."""

    def __init__(self) -> None:
        super().__init__()
        self.fates: list[str] = []
        self.failing_deletes = 0

    async def commit(self, day, ops):
        fate = self.fates.pop(0) if self.fates else None
        if fate == "refused":
            raise ServiceUnavailable("Injected: no answer.")
        written = await super().commit(day, ops)
        if fate == "lost":
            raise ServiceUnavailable("Injected: applied, answer lost.")
        if fate == "echo":
            return await super().commit(day, ops)
        return written

    async def delete(self, day, id, etag=None):
        if self.failing_deletes:
            self.failing_deletes -= 1
            raise ServiceUnavailable("Injected: delete failed.")
        return await super().delete(day, id, etag)


@pytest.fixture
async def ctx():
    return dataclasses.replace(fake_context(), bookings=FlakyBookingStore())


def tomorrow_at(ctx, hour: int):
    return ctx.clock().replace(hour=hour, minute=0) + timedelta(days=1)


@pytest.mark.parametrize("fate", ["lost", "echo"])
async def test_a_booking_applied_without_an_answer_is_answered_as_booked_once(ctx, fate):
    mette = await add_employee(ctx)
    ctx.bookings.fates = [fate]
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    [stored] = ctx.bookings.all("meeting")
    assert stored["id"] == booked.item.id and booked.etag == stored["version"]
    [calendar] = ctx.bookings.all("calendar")
    assert [e["ref"] for e in calendar["entries"]] == [booked.item.id]
    assert len(ctx.publisher.sent) == 1


async def test_a_booking_not_applied_is_decided_again_and_saved(ctx):
    mette = await add_employee(ctx)
    ctx.bookings.fates = ["refused"]
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    assert [m["id"] for m in ctx.bookings.all("meeting")] == [booked.item.id]


async def test_a_booking_the_database_never_answers_is_a_503_that_saved_nothing(ctx):
    mette = await add_employee(ctx)
    ctx.bookings.fates = ["refused"] * 5
    with pytest.raises(ServiceUnavailable) as raised:
        await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    assert raised.value.retry_after >= 1
    assert ctx.bookings.all() == [] and ctx.publisher.sent == []


async def test_a_booking_from_a_reservation_applied_without_an_answer_consumed_it(ctx):
    mette = await add_employee(ctx)
    held = await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 10)))
    ctx.bookings.fates = ["lost"]
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 10),
                                                                time_slot_id=held.item.id))
    assert ctx.bookings.all("reservation") == []
    assert [m["id"] for m in ctx.bookings.all("meeting")] == [booked.item.id]


async def test_a_reschedule_applied_without_an_answer_is_applied_once(ctx):
    mette = await add_employee(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    ctx.bookings.fates = ["echo"]
    later = tomorrow_at(ctx, 13)
    moved = await meetings.patch_meeting(ctx, booked.item.id, [
        {"op": "replace", "path": "/startDate", "value": later.isoformat()},
        {"op": "replace", "path": "/endDate", "value": (later + timedelta(hours=1)).isoformat()},
        {"op": "add", "path": "/additionalEmployees/-", "value": await add_employee(ctx, "Lars Jensen")}], None)
    assert moved.item.start_date == later and len(moved.item.additional_employees) == 1
    [stored] = ctx.bookings.all("meeting")
    assert stored["version"] == moved.etag


async def test_a_failure_after_the_commit_leaves_the_outbox_to_the_timer(ctx):
    mette = await add_employee(ctx)
    ctx.publisher.failing = True
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    assert booked.item.id and len(ctx.bookings.all("outboxPending")) == 1
    ctx.publisher.failing = False
    ctx.clock.advance(timedelta(minutes=1))
    assert await republish_outbox(ctx) == 1
    assert len(ctx.publisher.sent) == 1 and ctx.bookings.all("outboxPending") == []


async def test_an_outbox_that_cannot_be_marked_published_does_not_fail_the_booking(ctx):
    mette = await add_employee(ctx)
    ctx.bookings.failing_deletes = 1
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    assert [m["id"] for m in ctx.bookings.all("meeting")] == [booked.item.id]
    assert len(ctx.publisher.sent) == 1 and len(ctx.bookings.all("outboxPending")) == 1, "left for the timer"


def test_a_batch_is_applied_when_its_writes_are_there_as_written_and_its_deletes_gone():
    meeting = {"id": "m1", "title": "Rådgivning"}
    ops = [Op("create", "m1", meeting), Op("delete", "r1")]
    assert applied(ops, {"m1": {**meeting, "_etag": "e"}})
    assert not applied(ops, {"m1": {**meeting, "_etag": "e"}, "r1": {"id": "r1"}})
    assert not applied(ops, {"m1": {**meeting, "title": "changed"}})
    assert not applied(ops, {})
    assert not applied([Op("delete", "r1")], {}), "a batch of deletes proves nothing"
