"""Reminders and the customer's e-mails of booking-page meetings over the fakes: sent once, moved
with the meeting, never for a cancelled one, each with a manage link minted for it."""

import json
from datetime import timedelta

import pytest

from shared.rules import manage_links
from shared.services import meetings, notifications
from shared.services.booking_page import booking, holds, offer, reminders, sign_in
from tests.utils.page_builders import GOOD_VALUES, StandInProvider, new_session, page_bank


@pytest.fixture
def ctx():
    from tests.utils.fakes import fake_context

    return fake_context(MITID_ISSUER=StandInProvider.issuer, MITID_CLIENT_ID="bookme-mitid",
                        BOOKING_PAGE_URL="https://bank.example/api/book")


async def _booked(ctx, day_index: int = 2):
    bank = await page_bank(ctx)
    page = await offer.portal_page(ctx, bank.portal_id)
    time = (await offer.offered_days(ctx, page))[day_index].times[0]
    session, provider = new_session(), StandInProvider()
    await holds.hold(ctx, session, page, time.key, "203.0.113.9")
    await sign_in.start(ctx, provider, session, page.portal, "https://bank.example/cb")
    provider.nonce = session.state.sign_in.nonce
    await sign_in.finish(ctx, provider, session, page.portal, "code", "https://bank.example/cb")
    return (await booking.confirm(ctx, session, page, GOOD_VALUES)).meeting


def _stored(ctx, meeting_id):
    return next(d for d in ctx.bookings.all("meeting") if d["id"] == meeting_id)


async def _deliver_all(ctx) -> None:
    for message in ctx.publisher.sent:
        await notifications.deliver(ctx, json.dumps(message))
    ctx.publisher.sent.clear()


async def test_a_page_booking_carries_its_first_reminder_a_day_ahead(ctx):
    meeting = await _booked(ctx)
    assert _stored(ctx, meeting.id)["reminderAt"] == (meeting.start_date - timedelta(days=1)).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")


async def test_a_due_reminder_is_queued_once_and_mailed_with_a_manage_link(ctx):
    meeting = await _booked(ctx)
    await _deliver_all(ctx)  # the invitations
    ctx.mailer.sent.clear()
    assert await reminders.send_due(ctx) == 0
    ctx.clock.now = meeting.start_date - timedelta(days=1)
    assert await reminders.send_due(ctx) == 1
    assert await reminders.send_due(ctx) == 0  # advanced in the same batch: once only
    assert "reminderAt" not in _stored(ctx, meeting.id)  # no offset left
    (message,) = ctx.publisher.sent
    assert set(message) == {"id", "kind", "meetingId", "startDate", "reminderAt", "madeAt"}
    await _deliver_all(ctx)
    (mail,) = ctx.mailer.sent
    assert mail["To"] == GOOD_VALUES["email"]
    link = mail.get_content().split("Move or cancel the meeting: ")[1].split()[0]
    token = link.rsplit("/", 1)[1]
    assert link.startswith("https://bank.example/api/book/manage/") and manage_links.is_token_shaped(token)
    assert token not in json.dumps(ctx.bookings.all())  # only its hash is stored


async def test_a_moved_meetings_reminder_moves_and_a_reminder_queued_before_the_move_is_dropped(ctx):
    meeting = await _booked(ctx)
    ctx.clock.now = meeting.start_date - timedelta(days=1)
    await reminders.send_due(ctx)
    queued = list(ctx.publisher.sent)
    later = meeting.start_date + timedelta(days=2)
    await meetings.patch_meeting(ctx, meeting.id, [
        {"op": "replace", "path": "/startDate", "value": later.isoformat()},
        {"op": "replace", "path": "/endDate", "value": (later + timedelta(hours=1)).isoformat()}], None)
    assert _stored(ctx, meeting.id)["reminderAt"].startswith((later - timedelta(days=1)).date().isoformat())
    ctx.mailer.sent.clear()
    for message in queued:
        if message.get("kind") == "meetingReminder":
            await notifications.deliver(ctx, json.dumps(message))
    assert ctx.mailer.sent == []  # it reminded of the old time


async def test_a_cancelled_meeting_is_never_reminded(ctx):
    meeting = await _booked(ctx)
    await meetings.cancel_meeting(ctx, meeting.id, None)
    ctx.clock.now = meeting.start_date - timedelta(days=1)
    assert await reminders.send_due(ctx) == 0


async def test_the_customer_gets_the_invitation_apart_with_a_link_and_the_advisor_without(ctx):
    meeting = await _booked(ctx)
    ctx.mailer.sent.clear()
    await _deliver_all(ctx)
    by_recipient = {mail["To"]: mail for mail in ctx.mailer.sent}
    customer = by_recipient.pop(GOOD_VALUES["email"])
    assert "https://bank.example/api/book/manage/" in next(customer.iter_parts()).get_content()
    (advisor,) = by_recipient.values()
    assert "/manage/" not in next(advisor.iter_parts()).get_content()
    calendars = [part.get_content() for mail in (customer, advisor) for part in mail.iter_attachments()]
    assert all(f"UID:{meeting.id}@bookme" in calendar for calendar in calendars)  # one invitation, two mails
