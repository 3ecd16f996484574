"""Customer bookings only on offered slots (section 20), buffers (12), rooms added to meetings (13)
and Idempotency-Key (11), over the fakes of the ports."""

import json
from datetime import timedelta

import pytest

from shared import kinds
from shared.errors import Conflict, InvalidRequest, Unprocessable
from shared.models.locations import Location
from shared.models.organization import OrganizationSetting
from shared.services import idempotency, meetings, organization, reservations
from tests.utils.booking_builders import (
    add_employee,
    add_room,
    add_schedule,
    meeting_request,
    reserve_request,
    tomorrow_at,
)


async def customer_booking(ctx, employee_id, start, **fields):
    return await meetings.create_meeting(ctx, meeting_request(employee_id, start, bookedBy="Customer", **fields))


async def set_org(ctx, **fields) -> OrganizationSetting:
    current = await organization.current_settings(ctx)
    changed = current.item.model_copy(update=fields)
    return (await ctx.store(kinds.ORGANIZATION_SETTING).replace(changed, current)).item


async def add_location(ctx, **flags) -> None:
    import uuid

    await ctx.store(kinds.LOCATION).create(Location(id=str(uuid.uuid4()), location="CPH-HQ", **flags))


async def test_a_customer_books_an_offered_slot_and_not_one_off_the_grid_or_after_hours(ctx):
    mette = await add_employee(ctx)
    await add_schedule(ctx, mette)  # 08-16 local, Copenhagen is UTC+1 in March
    await customer_booking(ctx, mette, tomorrow_at(ctx, 9))
    with pytest.raises(Conflict) as off_grid:
        await customer_booking(ctx, mette, tomorrow_at(ctx, 11) + timedelta(minutes=15))
    assert off_grid.value.extensions["reasons"] == ["OffGrid"]
    with pytest.raises(Conflict) as late:
        await customer_booking(ctx, mette, tomorrow_at(ctx, 15))
    assert late.value.extensions["reasons"] == ["NotAWorkday"]


async def test_an_employee_booking_may_fall_outside_the_schedule(ctx):
    mette = await add_employee(ctx)
    await add_schedule(ctx, mette)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 18) + timedelta(minutes=15)))
    assert booked.item.employee_id == mette


async def test_buffers_are_stored_with_the_entry_and_keep_the_next_booking_away(ctx):
    mette = await add_employee(ctx)
    await set_org(ctx, buffer_before=timedelta(minutes=15), buffer_after=timedelta(minutes=30))
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    (calendar,) = ctx.bookings.all("calendar")
    assert (calendar["entries"][0]["bufferBefore"], calendar["entries"][0]["bufferAfter"]) == (900, 1800)
    with pytest.raises(Conflict):
        await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 10)))
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 10) + timedelta(minutes=45)))


async def test_a_physical_meeting_gets_the_smallest_free_room_that_seats_everyone(ctx):
    mette = await add_employee(ctx)
    await add_location(ctx, add_rooms_to_booked_meetings=True)
    small, large = await add_room(ctx, "Small", 1), await add_room(ctx, "Large", 6)
    first = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), type="Physical"))
    assert first.item.room_id == small
    anna = await add_employee(ctx, "Anna Berg")
    second = await meetings.create_meeting(ctx, meeting_request(anna, tomorrow_at(ctx, 9), type="Physical"))
    assert second.item.room_id == large
    online = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 11)))
    assert online.item.room_id is None


async def test_no_free_room_is_a_409_only_where_the_location_requires_one(ctx):
    mette, anna = await add_employee(ctx), await add_employee(ctx, "Anna Berg")
    await add_location(ctx, add_rooms_to_booked_meetings=True, require_available_room=True)
    await add_room(ctx, "Only", 2)
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), type="Physical"))
    with pytest.raises(Conflict) as refused:
        await meetings.create_meeting(ctx, meeting_request(anna, tomorrow_at(ctx, 9), type="Physical"))
    assert refused.value.extensions["reasons"] == ["NoRoomAvailable"]


async def test_a_keyed_booking_costs_one_request_more_and_a_replay_two_without_booking_again(ctx):
    mette = await add_employee(ctx)
    body = meeting_request(mette, tomorrow_at(ctx, 9))
    raw = json.dumps(body.model_dump(mode="json", by_alias=True)).encode()

    def book(keep):
        return meetings.create_meeting(ctx, body, keep=keep)

    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 13)))  # settings exist
    before = ctx.bookings.requests + ctx.config.requests
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 15)))
    unkeyed = ctx.bookings.requests + ctx.config.requests - before
    before = ctx.bookings.requests + ctx.config.requests
    first = await idempotency.run(ctx, "oid-1", "POST /meetings", "key-1", raw, 201, book)
    assert ctx.bookings.requests + ctx.config.requests - before == unkeyed + 1
    before, sent = ctx.bookings.requests + ctx.config.requests, len(ctx.publisher.sent)
    again = await idempotency.run(ctx, "oid-1", "POST /meetings", "key-1", raw, 201, book)
    assert len(ctx.publisher.sent) == sent, "a replay sends nothing again"
    assert ctx.bookings.requests + ctx.config.requests - before == 2
    assert (again.replayed, again.status, again.etag) == (True, 201, first.etag)
    assert again.body == json.loads(json.dumps(first.body.item.to_json()))
    assert len(ctx.bookings.all("meeting")) == 3


async def test_a_key_reused_with_another_body_is_a_422_and_a_refused_request_is_not_kept(ctx):
    mette = await add_employee(ctx)
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    clash = meeting_request(mette, tomorrow_at(ctx, 9))
    with pytest.raises(Conflict):
        await idempotency.run(ctx, "oid-1", "POST /meetings", "k", b'{"a": 1}', 201,
                              lambda keep: meetings.create_meeting(ctx, clash, keep=keep))
    free = meeting_request(mette, tomorrow_at(ctx, 11))
    kept = await idempotency.run(ctx, "oid-1", "POST /meetings", "k", b'{"a": 1}', 201,
                                 lambda keep: meetings.create_meeting(ctx, free, keep=keep))
    assert kept.replayed is False
    with pytest.raises(Unprocessable):
        await idempotency.run(ctx, "oid-1", "POST /meetings", "k", b'{"a": 2}', 201,
                              lambda keep: meetings.create_meeting(ctx, free, keep=keep))
    with pytest.raises(InvalidRequest):
        await idempotency.run(ctx, "oid-1", "POST /meetings", "", b"{}", 201, lambda keep: None)


async def test_a_repeat_while_the_first_is_in_flight_is_a_409(ctx):
    mette = await add_employee(ctx)
    body = meeting_request(mette, tomorrow_at(ctx, 9))

    async def slow(keep):
        with pytest.raises(Conflict, match="still being processed"):
            await idempotency.run(ctx, "oid-1", "POST /meetings", "k", b"{}", 201,
                                  lambda again: meetings.create_meeting(ctx, body, keep=again))
        return await meetings.create_meeting(ctx, body, keep=keep)

    await idempotency.run(ctx, "oid-1", "POST /meetings", "k", b"{}", 201, slow)
    assert len(ctx.bookings.all("meeting")) == 1


async def test_a_keyed_customer_reservation_is_checked_and_replayed(ctx):
    from tests.utils.booking_builders import reserve_request

    mette = await add_employee(ctx)
    await add_schedule(ctx, mette)
    request = reserve_request(mette, tomorrow_at(ctx, 9), isCustomerInitiated=True)
    first = await idempotency.run(ctx, "s", "POST /time-slots/reserve", "r", b"{}", 201,
                                  lambda keep: reservations.reserve(ctx, request, keep))
    again = await idempotency.run(ctx, "s", "POST /time-slots/reserve", "r", b"{}", 201,
                                  lambda keep: reservations.reserve(ctx, request, keep))
    assert again.replayed and again.body["id"] == first.body.item.id and again.etag == first.etag
    with pytest.raises(Conflict) as saturday:
        await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 9) + timedelta(days=4),
                                                        isCustomerInitiated=True))
    assert saturday.value.extensions["reasons"] == ["NotAWorkday"]


async def test_the_cleanup_forgets_keys_after_24_hours(ctx):
    mette = await add_employee(ctx)
    body = meeting_request(mette, tomorrow_at(ctx, 9))
    await idempotency.run(ctx, "s", "POST /meetings", "k", b"{}", 201,
                          lambda keep: meetings.create_meeting(ctx, body, keep=keep))
    assert await idempotency.cleanup_expired(ctx) == 0
    ctx.clock.advance(timedelta(hours=24))
    assert await idempotency.cleanup_expired(ctx) == 2


# -- Section 22: no back door around the customer rule -------------------------------------------

async def test_a_customer_meeting_from_an_advisors_reservation_is_checked_when_it_is_booked(ctx):
    mette = await add_employee(ctx)
    await add_schedule(ctx, mette)
    sunday_night = tomorrow_at(ctx, 1) + timedelta(days=(6 - tomorrow_at(ctx, 1).weekday()) % 7)
    held = await reservations.reserve(ctx, reserve_request(mette, sunday_night))  # isCustomerInitiated false
    with pytest.raises(Conflict) as refused:
        await customer_booking(ctx, mette, sunday_night, timeSlotId=held.item.id, startDate=None, endDate=None)
    assert "NotAWorkday" in refused.value.extensions["reasons"]
    advisor = await meetings.create_meeting(ctx, meeting_request(mette, sunday_night, timeSlotId=held.item.id,
                                                                 startDate=None, endDate=None))
    assert advisor.item.start_date == sunday_night, "an advisor may still book it"


async def test_a_customer_meeting_from_a_customer_reservation_is_not_checked_again(ctx):
    mette = await add_employee(ctx)
    await add_schedule(ctx, mette)
    held = await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 9), isCustomerInitiated=True))
    booked = await customer_booking(ctx, mette, tomorrow_at(ctx, 9), timeSlotId=held.item.id, startDate=None,
                                    endDate=None)
    assert booked.item.start_date == tomorrow_at(ctx, 9)


async def test_a_meeting_from_a_reservation_keeps_its_employee_and_room(ctx):
    mette, lars = await add_employee(ctx), await add_employee(ctx, "Lars Jensen")
    nyhavn, other = await add_room(ctx), await add_room(ctx, "Amalienborg")
    slot = {"timeSlotId": None, "startDate": None, "endDate": None}
    held = await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 9), roomId=None))
    slot["timeSlotId"] = held.item.id
    with pytest.raises(Conflict) as employee:
        await meetings.create_meeting(ctx, meeting_request(lars, tomorrow_at(ctx, 9), **slot))
    assert mette in employee.value.detail and "keeps that employee" in employee.value.detail
    roomed = await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 11)).model_copy(
        update={"time_slot": reserve_request(mette, tomorrow_at(ctx, 11)).time_slot.model_copy(
            update={"room_id": nyhavn})}))
    with pytest.raises(Conflict) as room:
        await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 11), timeSlotId=roomed.item.id,
                                                           startDate=None, endDate=None, roomId=other))
    assert "keeps that room" in room.value.detail
    kept = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 11), timeSlotId=roomed.item.id,
                                                              startDate=None, endDate=None, roomId=nyhavn))
    assert (kept.item.employee_id, kept.item.room_id) == (mette, nyhavn)
    assert len(ctx.bookings.all("meeting")) == 1, "nothing was booked by the refused ones"


async def test_a_customers_change_of_meeting_type_is_checked_like_a_new_customer_booking(ctx):
    mette = await add_employee(ctx)
    await add_schedule(ctx, mette, types=("Online",))
    booked = await customer_booking(ctx, mette, tomorrow_at(ctx, 9))
    with pytest.raises(Conflict) as refused:
        await meetings.patch_meeting(ctx, booked.item.id, [{"op": "replace", "path": "/type", "value": "Physical"}],
                                     None)
    assert refused.value.extensions["reasons"] == ["MeetingTypeNotOffered"]
    assert (await meetings.get_meeting(ctx, booked.item.id)).item.type.value == "Online"


async def test_a_customers_change_of_time_is_checked_with_the_meetings_own_buffers(ctx):
    mette = await add_employee(ctx)
    await add_schedule(ctx, mette)
    await set_org(ctx, buffer_after=timedelta(minutes=30))
    booked = await customer_booking(ctx, mette, tomorrow_at(ctx, 9))
    await set_org(ctx, buffer_after=timedelta(0))  # the meeting keeps the buffers it was booked with
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 12)))
    moved = [{"op": "replace", "path": "/startDate", "value": tomorrow_at(ctx, 11).isoformat()},
             {"op": "replace", "path": "/endDate", "value": tomorrow_at(ctx, 12).isoformat()}]
    with pytest.raises(Conflict) as refused:
        await meetings.patch_meeting(ctx, booked.item.id, moved, None)
    assert refused.value.extensions["reasons"] == ["Booked"]
    off_grid = [{"op": "replace", "path": "/startDate", "value": (tomorrow_at(ctx, 10) + timedelta(minutes=10))
                 .isoformat()}, {"op": "replace", "path": "/endDate",
                                 "value": (tomorrow_at(ctx, 11) + timedelta(minutes=10)).isoformat()}]
    with pytest.raises(Conflict) as grid:
        await meetings.patch_meeting(ctx, booked.item.id, off_grid, None)
    assert grid.value.extensions["reasons"] == ["OffGrid"]


async def test_a_customers_change_of_employee_is_checked_against_the_new_employees_schedule(ctx):
    mette, lars = await add_employee(ctx), await add_employee(ctx, "Lars Jensen")
    await add_schedule(ctx, mette)
    booked = await customer_booking(ctx, mette, tomorrow_at(ctx, 9))
    with pytest.raises(Conflict) as refused:
        await meetings.patch_meeting(ctx, booked.item.id, [{"op": "replace", "path": "/employeeId", "value": lars}],
                                     None)
    assert refused.value.extensions["reasons"] == ["NoSchedule"]


async def test_a_customers_removal_of_the_room_at_a_location_that_adds_rooms_gives_it_a_room_again(ctx):
    mette = await add_employee(ctx)
    await add_schedule(ctx, mette)
    await add_location(ctx, add_rooms_to_booked_meetings=True, require_available_room=True)
    nyhavn = await add_room(ctx)
    booked = await customer_booking(ctx, mette, tomorrow_at(ctx, 9), type="Physical")
    assert booked.item.room_id == nyhavn
    patched = await meetings.patch_meeting(ctx, booked.item.id, [{"op": "remove", "path": "/roomId"}], None)
    assert patched.item.room_id == nyhavn, "the location requires a room: it is chosen again"


async def test_an_employees_change_of_type_is_not_held_to_the_customer_rule(ctx):
    mette = await add_employee(ctx)
    await add_schedule(ctx, mette, types=("Online",))
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    patched = await meetings.patch_meeting(ctx, booked.item.id, [{"op": "replace", "path": "/type",
                                                                  "value": "Physical"}], None)
    assert patched.item.type.value == "Physical"
