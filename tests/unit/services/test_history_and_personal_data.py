"""Meeting history, personal-data erasure and retention, and mails of erased meetings, over the fakes."""

import json
from datetime import timedelta

import pytest

from shared import kinds
from shared.errors import NotFound
from shared.models.portals import Portal
from shared.rules.personal_data import RETENTION_ACTOR
from shared.services import meeting_history, meetings, notifications, personal_data
from shared.services.queue_messages import Outcome
from tests.utils.booking_builders import add_employee, meeting_request, tomorrow_at
from tests.utils.messages import notice_of


async def add_portal(ctx, ical_enabled: bool = True) -> str:
    portal = Portal.model_validate({"id": "5b0f7c1e-2d3a-4f6b-8c9d-0e1f2a3b4c5d", "name": "Pension",
                                    "icalEnabled": ical_enabled, "fields": [{"name": "Email", "type": "Email"}]})
    await ctx.store(kinds.PORTAL).create(portal)
    return portal.id


async def portal_booking(ctx, employee_id, start, customer="cust-1", **fields):
    portal_id = await add_portal(ctx) if not await ctx.store(kinds.PORTAL).list() else \
        (await ctx.store(kinds.PORTAL).list())[0].item.id
    return (await meetings.create_meeting(ctx, meeting_request(
        employee_id, start, bookedBy="PortalPartner", portalId=portal_id, customerId=customer, cpr="311299-9876",
        customFields=[{"key": "Email", "value": "kunde@example.com"}], description="Loan",
        externalAttendees=[{"email": "guest@example.com"}], **fields), actor="oid-1")).item


async def test_create_patch_and_cancel_are_recorded_by_their_actors_and_survive_the_cancellation(ctx):
    mette = await add_employee(ctx)
    booked = (await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)), actor="a")).item
    await meetings.patch_meeting(ctx, booked.id, [{"op": "replace", "path": "/title", "value": "T"}], None, actor="b")
    await meetings.patch_meeting(ctx, booked.id, [
        {"op": "replace", "path": "/startDate", "value": (tomorrow_at(ctx, 9) + timedelta(days=1)).isoformat()},
        {"op": "replace", "path": "/endDate", "value": (tomorrow_at(ctx, 10) + timedelta(days=1)).isoformat()}],
        None, actor="c")
    await meetings.cancel_meeting(ctx, booked.id, None, actor="d")
    with pytest.raises(NotFound):
        await meetings.get_meeting(ctx, booked.id)
    records = await meeting_history.history(ctx, booked.id)
    assert [(r.action.value, r.actor) for r in records] == [
        ("Created", "a"), ("Updated", "b"), ("Rescheduled", "c"), ("Cancelled", "d")]
    (tombstone,) = ctx.bookings.all("cancelledMeeting")
    assert tombstone["pk"] == (tomorrow_at(ctx, 9) + timedelta(days=1)).date().isoformat()
    assert ctx.bookings.all("meeting") == []


async def test_history_of_an_unknown_meeting_is_not_found(ctx):
    with pytest.raises(NotFound):
        await meeting_history.history(ctx, "0b7c2e4a-1111-4222-8333-944455556666")


async def test_erasure_covers_every_day_and_cancelled_meetings_and_only_that_customer(ctx):
    mette = await add_employee(ctx)
    first = await portal_booking(ctx, mette, tomorrow_at(ctx, 9))
    second = await portal_booking(ctx, mette, tomorrow_at(ctx, 9) + timedelta(days=3))
    cancelled = await portal_booking(ctx, mette, tomorrow_at(ctx, 11))
    other = await portal_booking(ctx, mette, tomorrow_at(ctx, 13), customer="cust-2")
    await meetings.cancel_meeting(ctx, cancelled.id, None)

    assert (await personal_data.erase_customer(ctx, "cust-1", "oid-9")).meetings_erased == 3
    for id in (first.id, second.id):
        erased = (await meetings.get_meeting(ctx, id)).item
        assert (erased.cpr, erased.custom_fields, erased.external_attendees, erased.description) == (None, [], [], "")
        assert (await meeting_history.history(ctx, id))[-1].actor == "oid-9"
    assert "Loan" not in json.dumps(ctx.bookings.all("cancelledMeeting"))
    assert (await meetings.get_meeting(ctx, other.id)).item.cpr == "311299-9876"
    held = {e["ref"] for c in ctx.bookings.all("calendar") for e in c["entries"]}
    assert held == {first.id, second.id, other.id}, "the meetings stay booked"
    assert (await personal_data.erase_customer(ctx, "cust-1", "oid-9")).meetings_erased == 0


async def test_erasure_that_loses_a_race_with_a_patch_erases_the_patched_meeting(ctx):
    mette = await add_employee(ctx)
    meeting = await portal_booking(ctx, mette, tomorrow_at(ctx, 9))

    async def rival() -> None:
        await meetings.patch_meeting(ctx, meeting.id, [{"op": "replace", "path": "/description",
                                                        "value": "New plans"}], None, actor="rival")

    ctx.bookings.before_next_commit(rival)
    assert (await personal_data.erase_customer(ctx, "cust-1", "oid-9")).meetings_erased == 1
    records = await meeting_history.history(ctx, meeting.id)
    assert [r.actor for r in records] == ["oid-1", "rival", "oid-9"]
    assert (await meetings.get_meeting(ctx, meeting.id)).item.description == ""
    assert "New plans" not in json.dumps(ctx.bookings.all("meeting"))


async def test_retention_erases_meetings_that_ended_longer_ago_than_the_setting(ctx):
    mette = await add_employee(ctx)
    old = await portal_booking(ctx, mette, tomorrow_at(ctx, 9))
    recent = await portal_booking(ctx, mette, tomorrow_at(ctx, 9) + timedelta(days=20))
    ctx.clock.advance(timedelta(days=367))
    assert await personal_data.erase_expired(ctx) == 1
    assert (await meetings.get_meeting(ctx, old.id)).item.cpr is None
    assert (await meeting_history.history(ctx, old.id))[-1].actor == RETENTION_ACTOR
    assert (await meetings.get_meeting(ctx, recent.id)).item.cpr == "311299-9876"
    assert await personal_data.erase_expired(ctx) == 0


async def test_a_queued_mail_made_before_the_erasure_leaves_out_the_erased_data(ctx):
    mette = await add_employee(ctx)
    await portal_booking(ctx, mette, tomorrow_at(ctx, 9), videoLink="https://v.example/1")
    (message,) = ctx.publisher.sent
    assert {r.email for r in notice_of(ctx, message).recipients} == {"mette@bank.example", "kunde@example.com",
                                                                     "guest@example.com"}
    ctx.clock.advance(timedelta(minutes=1))
    await personal_data.erase_customer(ctx, "cust-1", "oid-9")

    assert await notifications.deliver(ctx, json.dumps(message)) is Outcome.DELIVERED
    (mail,) = ctx.mailer.sent
    text = mail.as_string()
    assert mail["To"] == "Mette Nielsen <mette@bank.example>"
    for erased in ("kunde@example.com", "guest@example.com", "Loan", "v.example"):
        assert erased not in text


async def test_a_mail_made_after_the_erasure_is_sent_as_it_is(ctx):
    mette = await add_employee(ctx)
    meeting = await portal_booking(ctx, mette, tomorrow_at(ctx, 9))
    await personal_data.erase_customer(ctx, "cust-1", "oid-9")
    ctx.clock.advance(timedelta(minutes=1))
    await meetings.patch_meeting(ctx, meeting.id, [
        {"op": "add", "path": "/externalAttendees/-", "value": {"email": "new@example.com"}}], None)
    message = ctx.publisher.sent[-1]
    assert await notifications.deliver(ctx, json.dumps(message)) is Outcome.DELIVERED
    assert "new@example.com" in ctx.mailer.sent[-1]["To"]


async def test_a_portal_without_ical_invites_no_customer(ctx):
    mette = await add_employee(ctx)
    portal_id = await add_portal(ctx, ical_enabled=False)
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), bookedBy="PortalPartner",
                                                       portalId=portal_id,
                                                       customFields=[{"key": "email", "value": "kunde@example.com"}]))
    (message,) = ctx.publisher.sent
    assert [r.email for r in notice_of(ctx, message).recipients] == ["mette@bank.example"]


async def test_a_replay_after_the_erasure_answers_the_erased_meeting_with_its_current_etag(ctx):
    import json

    from shared.services import idempotency

    mette = await add_employee(ctx)
    body = meeting_request(mette, tomorrow_at(ctx, 9), description="Loan for the summer house",
                           customerId="cust-replay")
    raw = json.dumps(body.model_dump(mode="json", by_alias=True)).encode()

    def book(keep):
        return meetings.create_meeting(ctx, body, keep=keep)

    first = await idempotency.run(ctx, "oid-1", "POST /meetings", "key-1", raw, 201, book)
    assert (await personal_data.erase_customer(ctx, "cust-replay", "admin")).meetings_erased == 1
    replay = await idempotency.run(ctx, "oid-1", "POST /meetings", "key-1", raw, 201, book)
    assert replay.replayed and replay.body["description"] == "" and replay.body["id"] == first.body.item.id
    current = await meetings.get_meeting(ctx, first.body.item.id)
    assert replay.etag == current.etag != first.etag
    assert "summer house" not in str(ctx.bookings.all())
