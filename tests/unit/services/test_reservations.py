"""Reservations with tokens over the fakes of the ports."""

from datetime import timedelta

import pytest

from shared.errors import Conflict
from shared.services import meetings, reservations
from tests.utils.booking_builders import add_employee, add_schedule, meeting_request, reserve_request, tomorrow_at


async def test_the_same_token_replaces_its_earlier_reservation_on_the_same_day(ctx):
    mette = await add_employee(ctx)
    first = await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 9), token=TOKEN))
    second = await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 11), token=TOKEN))
    assert [d["id"] for d in ctx.bookings.all("reservation")] == [second.item.id]
    (calendar,) = ctx.bookings.all("calendar")
    assert [e["ref"] for e in calendar["entries"]] == [second.item.id]
    assert first.item.id != second.item.id


async def test_the_same_token_on_another_day_removes_the_earlier_one_after_the_new_one_holds(ctx):
    mette = await add_employee(ctx)
    await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 9), token=TOKEN))
    second = await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 9) + timedelta(days=1),
                                                             token=TOKEN))
    assert [d["id"] for d in ctx.bookings.all("reservation")] == [second.item.id]


async def test_different_tokens_cannot_hold_the_same_time(ctx):
    mette = await add_employee(ctx)
    await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 9)))
    with pytest.raises(Conflict):
        await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 9)))


async def test_a_reservation_stops_blocking_at_expiry_and_the_cleanup_removes_it(ctx):
    mette = await add_employee(ctx)
    held = await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 9)))
    assert held.item.expires_at == ctx.clock() + ctx.settings.RESERVATION_TTL
    ctx.clock.advance(ctx.settings.RESERVATION_TTL)
    assert await reservations.cleanup_expired(ctx) == 1
    assert ctx.bookings.all("reservation") == []
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))


async def test_a_customer_reservation_is_held_to_the_daily_cap(ctx):
    from shared import kinds

    mette = await add_employee(ctx)
    await add_schedule(ctx, mette, "06:00:00", "20:00:00")
    settings = await ctx.store(kinds.ORGANIZATION_SETTING).list()
    assert settings == [], "the defaults are created on first use: an 8-hour cap"
    for hour in range(8, 16):
        await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, hour)))
    with pytest.raises(Conflict) as refused:
        await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 7), isCustomerInitiated=True))
    assert refused.value.extensions["reasons"] == ["DailyCapReached"]


TOKEN = "3f2b8a3c-1b9e-4f51-9d2a-6a7c0e1d2f34"
