"""Idempotency-Key records and room claims against the real Cosmos API server (sections 11, 13)."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shared import kinds
from shared.errors import Conflict, Unprocessable
from shared.models.locations import Location
from shared.rules.booking import room_calendar
from shared.services import idempotency, meetings
from tests.utils.booking_builders import add_employee, add_room, meeting_request


def start_at(offset: int) -> datetime:
    return datetime(2045, 2, 6, 9, tzinfo=UTC) + timedelta(days=offset)


async def test_the_kept_answer_is_written_with_the_booking_and_replayed(ctx):
    employee = await add_employee(ctx)
    body = meeting_request(employee, start_at(0))
    raw = json.dumps(body.model_dump(mode="json", by_alias=True)).encode()
    subject, key = f"oid-{uuid.uuid4()}", "retry-1"

    def book(keep):
        return meetings.create_meeting(ctx, body, keep=keep)

    first = await idempotency.run(ctx, subject, "POST /meetings", key, raw, 201, book)
    record_id = idempotency.rules.record_id(subject, "POST /meetings", key)
    found = await ctx.bookings.kept_answer(record_id)
    by_type = {d["type"]: d for d in found}
    assert set(by_type) == {"idempotencyMarker", "idempotency", "meeting"}
    assert by_type["idempotency"]["pk"] == by_type["meeting"]["pk"] == "2045-02-06"
    assert by_type["idempotencyMarker"]["pk"] == record_id
    assert by_type["idempotency"]["body"]["id"] == first.body.item.id
    again = await idempotency.run(ctx, subject, "POST /meetings", key, raw, 201, book)
    assert again.replayed and again.etag == first.etag and again.body["id"] == first.body.item.id
    with pytest.raises(Unprocessable):
        await idempotency.run(ctx, subject, "POST /meetings", key, b'{"other": true}', 201, book)


async def test_a_failed_first_request_lets_go_of_its_key(ctx):
    employee = await add_employee(ctx)
    await meetings.create_meeting(ctx, meeting_request(employee, start_at(1)))
    subject = f"oid-{uuid.uuid4()}"
    clash = meeting_request(employee, start_at(1))
    with pytest.raises(Conflict):
        await idempotency.run(ctx, subject, "POST /meetings", "k", b"{}", 201,
                              lambda keep: meetings.create_meeting(ctx, clash, keep=keep))
    assert await ctx.bookings.kept_answer(idempotency.rules.record_id(subject, "POST /meetings", "k")) == []


async def test_a_chosen_room_is_claimed_in_the_meetings_batch(ctx):
    location = f"INT-{uuid.uuid4().hex[:6]}"
    await ctx.store(kinds.LOCATION).create(Location(id=str(uuid.uuid4()), location=location,
                                                    add_rooms_to_booked_meetings=True, require_available_room=True))
    only = await add_room(ctx, "Only", 2, location=location)
    first = await _employee_at(ctx, location)
    second = await _employee_at(ctx, location)
    booked = await meetings.create_meeting(ctx, meeting_request(first, start_at(2), type="Physical"))
    assert booked.item.room_id == only
    calendars = await ctx.bookings.calendars("2045-02-08", [room_calendar(only)])
    assert [e.ref for e in calendars[room_calendar(only)].entries] == [booked.item.id]
    with pytest.raises(Conflict) as refused:
        await meetings.create_meeting(ctx, meeting_request(second, start_at(2), type="Physical"))
    assert refused.value.extensions["reasons"] == ["NoRoomAvailable"]


async def _employee_at(ctx, location: str) -> str:
    from shared.models.directory import Employee

    id = str(uuid.uuid4())
    await ctx.store(kinds.EMPLOYEE).create(Employee(id=id, name="Room Tester", email=f"r{id[:6]}@bank.example",
                                                    location=location))
    return id
