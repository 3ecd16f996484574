"""Booking, moving and cancelling meetings over the fakes of the ports."""

from datetime import timedelta

import pytest

from shared.errors import Conflict, InvalidRequest
from shared.services import meetings, reservations
from tests.utils.booking_builders import add_employee, meeting_request, reserve_request, tomorrow_at
from tests.utils.messages import event_of, notice_of


async def test_a_booking_stores_the_meeting_holds_the_time_and_publishes_an_invitation(ctx):
    mette = await add_employee(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    assert (await meetings.get_meeting(ctx, booked.item.id)).item == booked.item
    (calendar,) = ctx.bookings.all("calendar")
    assert [e["ref"] for e in calendar["entries"]] == [booked.item.id]
    (message,) = ctx.publisher.sent
    notice = notice_of(ctx, message)
    assert notice.method == "REQUEST" and notice.recipients[0].email == "mette@bank.example"
    assert ctx.bookings.all("outboxPending") == [], "published: nothing is left for the timer"
    assert len(ctx.bookings.all("outbox")) == 1, "what the message refers to stays until it expires"


async def test_an_overlapping_booking_of_the_same_employee_is_a_conflict(ctx):
    mette = await add_employee(ctx)
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    with pytest.raises(Conflict):
        await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9) + timedelta(minutes=30)))
    assert len(ctx.bookings.all("meeting")) == 1


async def test_a_writer_that_loses_the_race_decides_again_and_gets_a_conflict(ctx):
    mette = await add_employee(ctx)
    start = tomorrow_at(ctx, 9)

    async def rival() -> None:
        await meetings.create_meeting(ctx, meeting_request(mette, start))

    ctx.bookings.before_next_commit(rival)
    with pytest.raises(Conflict):
        await meetings.create_meeting(ctx, meeting_request(mette, start))
    assert len(ctx.bookings.all("meeting")) == 1


async def test_a_move_to_another_day_leaves_one_copy_and_frees_the_old_time(ctx):
    mette = await add_employee(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    later = tomorrow_at(ctx, 9) + timedelta(days=1)
    moved = await meetings.patch_meeting(ctx, booked.item.id, [
        {"op": "replace", "path": "/startDate", "value": later.isoformat()},
        {"op": "replace", "path": "/endDate", "value": (later + timedelta(hours=1)).isoformat()}], None)
    assert moved.item.start_date == later
    assert [d["pk"] for d in ctx.bookings.all("meeting")] == [later.date().isoformat()]
    old_day = [c for c in ctx.bookings.all("calendar") if c["pk"] == tomorrow_at(ctx, 9).date().isoformat()]
    assert old_day[0]["entries"] == []
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))


async def test_cancelling_frees_the_time_and_sends_a_cancel(ctx):
    mette = await add_employee(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    await meetings.cancel_meeting(ctx, booked.item.id, None)
    assert ctx.bookings.all("meeting") == []
    assert notice_of(ctx, ctx.publisher.sent[-1]).method == "CANCEL"
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))


async def test_a_meeting_from_a_reservation_consumes_it_and_a_second_use_is_refused(ctx):
    mette = await add_employee(ctx)
    held = await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 10)))
    body = {"timeSlotId": held.item.id, "startDate": None, "endDate": None}
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 10), **body))
    assert booked.item.start_date == tomorrow_at(ctx, 10)
    assert ctx.bookings.all("reservation") == []
    with pytest.raises(InvalidRequest):
        await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 10), **body))


async def test_notifications_stay_in_the_outbox_while_the_queue_is_down_and_the_timer_sends_them(ctx):
    from shared.services import notifications

    mette = await add_employee(ctx)
    ctx.publisher.failing = True
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    assert len(ctx.bookings.all("outboxPending")) == 1, "the booking succeeded; its notices wait"
    ctx.publisher.failing = False
    assert await notifications.republish(ctx) == 0, "younger than 30 s"
    ctx.clock.advance(timedelta(seconds=31))
    assert await notifications.republish(ctx) == 1
    assert notice_of(ctx, ctx.publisher.sent[0]).invitation.uid == f"{booked.item.id}@bookme"
    assert ctx.bookings.all("outboxPending") == []


async def test_a_booking_with_explicit_times_costs_four_requests_with_or_without_webhooks(ctx):
    from shared import kinds
    from shared.models.webhooks import StoredWebhook

    mette = await add_employee(ctx)
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 8)))  # creates the settings
    config, bookings = ctx.config.requests, ctx.bookings.requests
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    # config: the booking's one query, which also finds the webhook subscriptions its outbox goes to
    assert (ctx.config.requests - config, ctx.bookings.requests - bookings) == (1, 3)
    await ctx.store(kinds.WEBHOOK).create(StoredWebhook.model_validate({
        "id": "7c1f0d3e-2b4a-4f6e-8d9c-0a1b2c3d4e5f", "url": "https://crm.bank.example/hooks",
        "events": ["meeting.created"], "secret": "whsec_" + "A" * 32}))
    config, bookings = ctx.config.requests, ctx.bookings.requests
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 11)))
    assert (ctx.config.requests - config, ctx.bookings.requests - bookings) == (1, 3)
    assert [event_of(ctx, m)["type"] for m in ctx.publisher.queues[ctx.settings.WEBHOOKS_QUEUE]] == ["meeting.created"]
