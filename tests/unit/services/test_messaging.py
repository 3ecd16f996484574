"""Messaging over the fakes: queue messages carry references only; an outbox is published at
most ten times in all, then set aside with its reason; a queue message is set aside on its
tenth delivery; every publication of an outbox sends the same message ids; erasure reaches the
outbox documents; a message whose document is gone is dropped; and what a change writes beside
the meeting does not grow with the number of subscribers."""

import json
import logging
from datetime import timedelta

import pytest

from shared.errors import ServiceUnavailable
from shared.models.webhooks import WebhookCreate
from shared.rules.messaging import MAX_ATTEMPTS, SET_ASIDE_LIFE
from shared.rules.personal_data import erased_copy
from shared.services import meetings, notifications, personal_data, webhook_delivery, webhooks
from shared.services.booking.outbox import republish_outbox
from shared.services.queue_messages import Outcome
from tests.utils.booking_builders import add_employee, add_portal, meeting_request, tomorrow_at
from tests.utils.fakes import fake_context
from tests.utils.messages import everything_published, notice_of, values_found
from tests.utils.webhook_fakes import FakeResolver, ScriptedSender

EVENTS = ["meeting.created", "meeting.updated", "meeting.rescheduled", "meeting.cancelled"]
CPR, CUSTOMER_MAIL, GUEST_MAIL, GUEST_NAME = "311299-9876", "kunde@example.com", "guest@example.com", "Gæst Gæstesen"
DESCRIPTION, VIDEO, PHONE = "Pension for Jens", "https://meet.example/jens", "+4512345678"
PERSONAL = [CPR, CUSTOMER_MAIL, GUEST_MAIL, GUEST_NAME, DESCRIPTION, VIDEO, PHONE, "second@example.com"]


@pytest.fixture
def ctx():
    return fake_context(WEBHOOKS_ALLOW_PRIVATE_TARGETS=True, WEBHOOK_RETRY_SCHEDULE="00:00:05,00:01:00")


async def subscribe(ctx, events=EVENTS) -> str:
    body = WebhookCreate.model_validate({"url": "https://crm.bank.example/hook", "events": events})
    return (await webhooks.create_webhook(ctx, FakeResolver(), body)).item.id


async def book(ctx, customer: str = "cust-1", hour: int = 9, **fields):
    """A portal booking holding every kind of personal data a meeting can hold."""
    employee = await add_employee(ctx)
    portal = await add_portal(ctx)
    body = {"bookedBy": "PortalPartner", "portalId": portal, "customerId": customer, "cpr": CPR,
            "description": DESCRIPTION, "videoLink": VIDEO,
            "customFields": [{"key": "Email", "value": CUSTOMER_MAIL}, {"key": "Phone", "value": PHONE}],
            "externalAttendees": [{"name": GUEST_NAME, "email": GUEST_MAIL}], **fields}
    return (await meetings.create_meeting(ctx, meeting_request(employee, tomorrow_at(ctx, hour), **body))).item


def mail_text(mail) -> str:
    """Headers and every part decoded (the .ics travels in base64)."""
    parts = [p.get_payload(decode=True).decode() for p in mail.walk() if not p.is_multipart()]
    return "\n".join([str(mail.items()), *parts])


def set_aside(ctx) -> list[dict]:
    return ctx.publisher.queues.get(ctx.settings.SET_ASIDE_QUEUE, [])


async def test_no_queue_message_carries_personal_data_whatever_becomes_of_the_meeting(ctx):
    await subscribe(ctx)
    await subscribe(ctx, ["meeting.created"])
    meeting = await book(ctx)
    later = tomorrow_at(ctx, 13)
    await meetings.patch_meeting(ctx, meeting.id, [
        {"op": "replace", "path": "/startDate", "value": later.isoformat()},
        {"op": "replace", "path": "/endDate", "value": (later + timedelta(hours=1)).isoformat()},
        {"op": "add", "path": "/externalAttendees/-", "value": {"email": "second@example.com"}}], None)
    ctx.mailer.failing = True  # the mail server fails every delivery: set aside on the tenth
    message = ctx.publisher.sent[0]
    for count in range(1, MAX_ATTEMPTS + 1):
        try:
            await notifications.handle(ctx, message["id"], json.dumps(message), count)
        except ServiceUnavailable:
            pass
    delivery = ctx.publisher.queues[ctx.settings.WEBHOOKS_QUEUE][0]
    sender = ScriptedSender(default=503)  # the receiver refuses every attempt: set aside when the retries run out
    while await webhook_delivery.deliver(ctx, sender, json.dumps(delivery)) is Outcome.RETRY_SCHEDULED:
        delivery = ctx.publisher.scheduled[-1][2]
    await meetings.cancel_meeting(ctx, meeting.id, None)
    await personal_data.erase_customer(ctx, "cust-1", "admin")

    published = everything_published(ctx)
    assert len(set_aside(ctx)) == 2 and len(published) > 10
    assert values_found(published, PERSONAL) == []
    assert max(len(json.dumps(m)) for m in published) < 1024, "a reference, however large the meeting"


async def test_an_outbox_the_queue_refuses_is_tried_ten_times_in_all_then_set_aside_with_its_reason(ctx):
    ctx.publisher.failing = True
    meeting = await book(ctx)
    assert ctx.publisher.refused == 1, "the booking's own attempt"
    for _ in range(6 * 60):  # the timer every minute for six hours
        ctx.clock.advance(timedelta(minutes=1))
        await republish_outbox(ctx)
    assert ctx.publisher.refused == MAX_ATTEMPTS
    assert ctx.bookings.all("outboxPending") == []
    (entry,) = ctx.bookings.all("outboxSetAside")
    assert entry["attempts"] == MAX_ATTEMPTS and entry["meetingId"] == meeting.id
    assert entry["reason"] == "attempt 10 failed: The queue is down."
    assert entry["ttl"] <= SET_ASIDE_LIFE.total_seconds()
    ctx.publisher.failing = False
    ctx.clock.advance(timedelta(days=1))
    assert await republish_outbox(ctx) == 0 and ctx.publisher.sent == [], "never retried without end"


async def test_an_outbox_whose_tenth_attempt_was_cut_short_is_set_aside_without_an_eleventh(ctx):
    ctx.publisher.failing = True
    await book(ctx)
    (entry,) = ctx.bookings.all("outboxPending")
    ctx.bookings.documents[(entry["pk"], entry["id"])]["attempts"] = MAX_ATTEMPTS  # a crash after claiming the 10th
    ctx.publisher.failing = False
    ctx.clock.advance(timedelta(days=1))
    assert await republish_outbox(ctx) == 0
    assert ctx.publisher.sent == [] and ctx.bookings.all("outboxSetAside")[0]["reason"] == "attempt 10 did not finish"


async def test_two_timers_at_once_make_each_attempt_once(ctx):
    ctx.publisher.failing = True
    await book(ctx)
    ctx.clock.advance(timedelta(minutes=1))
    ctx.bookings.before_next_commit(lambda: republish_outbox(ctx))  # a rival timer claims the entry first
    await republish_outbox(ctx)
    assert ctx.publisher.refused == 2, "the booking's attempt and the rival's; the loser skipped"
    assert ctx.bookings.all("outboxPending")[0]["attempts"] == 2


async def test_a_notification_the_mail_server_refuses_is_set_aside_on_its_tenth_delivery(ctx):
    await book(ctx)
    message = ctx.publisher.sent[0]
    ctx.mailer.failing = True
    for count in range(1, MAX_ATTEMPTS):
        with pytest.raises(ServiceUnavailable):
            await notifications.handle(ctx, message["id"], json.dumps(message), count)
    assert set_aside(ctx) == []
    assert await notifications.handle(ctx, message["id"], json.dumps(message), MAX_ATTEMPTS) is Outcome.SET_ASIDE
    assert ctx.mailer.refused == MAX_ATTEMPTS
    (aside,) = set_aside(ctx)
    assert (aside["queue"], aside["messageId"], aside["attempts"], aside["message"]) == (
        "notifications", message["id"], MAX_ATTEMPTS, message)
    assert aside["reason"] == "The mail server is down." and aside["id"] == f"{message['id']}.setAside"
    ctx.mailer.failing = False
    # Delivered again (setting it aside failed on the tenth): only set aside, never mailed an eleventh time.
    assert await notifications.handle(ctx, message["id"], json.dumps(message), MAX_ATTEMPTS + 1) is Outcome.SET_ASIDE
    assert ctx.mailer.sent == []


@pytest.mark.parametrize("body", [b"not json", b"\xff", b"[]", json.dumps({"kind": "meetingInvitation"}),
                                  json.dumps({"method": "REQUEST", "recipients": [{"email": GUEST_MAIL}]})])
async def test_an_unreadable_notification_is_set_aside_at_once_without_its_body(ctx, body):
    assert await notifications.handle(ctx, "m-1", body, 1) is Outcome.SET_ASIDE
    (aside,) = set_aside(ctx)
    assert aside["message"] is None and aside["attempts"] == 1 and "Not a notification message" in aside["reason"]
    assert GUEST_MAIL not in json.dumps(aside)


async def test_every_publication_of_an_outbox_sends_the_same_message_ids(ctx):
    await subscribe(ctx)
    ctx.publisher.losing_answers = True  # every send goes through, and every answer is lost
    await book(ctx)
    first = [m["id"] for m in everything_published(ctx)]
    for _ in range(3):
        ctx.clock.advance(timedelta(minutes=10))
        await republish_outbox(ctx)
    assert len(first) == 2, "one REQUEST to the advisor, the customer and the guest; one webhook delivery"
    assert sorted(m["id"] for m in everything_published(ctx)) == sorted(first * 4), \
        "a de-duplicating queue takes each once"
    ctx.publisher.losing_answers = False
    ctx.clock.advance(timedelta(hours=1))
    assert await republish_outbox(ctx) == 1 and ctx.bookings.all("outboxPending") == []
    assert sorted(m["id"] for m in everything_published(ctx)) == sorted(first * 5)


async def test_erasure_scrubs_the_outbox_so_queued_mails_and_webhooks_send_nothing_erased(ctx):
    await subscribe(ctx)
    ctx.publisher.failing = True  # the mails and webhooks of both bookings wait in their outbox
    await book(ctx)
    other = await book(ctx, customer="cust-2", hour=11)
    await personal_data.erase_customer(ctx, "cust-1", "admin")
    erased, kept = [[o for o in ctx.bookings.all("outbox") if o["customerId"] == c] for c in ("cust-1", "cust-2")]
    assert len(erased) == 2, "the booking's, and the erasure's own"
    assert [erased_copy(o) for o in erased] == [None, None], "nothing left to erase"
    assert erased_copy(kept[0]) is not None
    assert values_found(erased, PERSONAL) == []
    assert other.id in json.dumps(kept)

    ctx.publisher.failing = False
    ctx.clock.advance(timedelta(minutes=1))
    assert await republish_outbox(ctx) == 3  # both bookings' outboxes and the erasure's own
    for message in ctx.publisher.sent:
        await notifications.deliver(ctx, json.dumps(message))
    sender = ScriptedSender()
    for message in ctx.publisher.queues[ctx.settings.WEBHOOKS_QUEUE]:
        await webhook_delivery.deliver(ctx, sender, json.dumps(message))
    texts = [mail_text(m) for m in ctx.mailer.sent]
    mine = [text for text in texts if other.id not in text]
    assert len(mine) == 1, "the advisor's invitation; the customer and the guest are gone from it"
    assert values_found([{"mail": mine[0]}], PERSONAL) == []
    assert DESCRIPTION in next(t for t in texts if other.id in t), "the other customer's invitation is whole"
    bodies = [json.loads(body) for _, _, body in sender.posts if json.loads(body)["data"]["id"] != other.id]
    assert [b["type"] for b in bodies] == ["meeting.created", "meeting.updated"]
    assert values_found(bodies, PERSONAL) == []


async def test_retention_scrubs_the_outbox_documents_of_meetings_it_erases(ctx):
    ctx.publisher.failing = True
    await book(ctx)
    ctx.clock.advance(timedelta(days=367))
    assert await personal_data.erase_expired(ctx) == 1
    outboxes = ctx.bookings.all("outbox")
    assert len(outboxes) == 2, "the booking's, and the erasure's own"
    assert values_found(outboxes, PERSONAL) == []


async def test_a_notification_whose_outbox_is_gone_is_dropped_and_the_log_names_no_personal_data(ctx, caplog):
    caplog.set_level(logging.INFO)
    await book(ctx)
    message = ctx.publisher.sent[0]
    del ctx.bookings.documents[(message["day"], message["outbox"])]
    assert await notifications.deliver(ctx, json.dumps(message)) is Outcome.DROPPED
    assert ctx.mailer.sent == []
    assert message["outbox"] in caplog.text and values_found([{"log": caplog.text}], PERSONAL) == []


async def test_a_notice_whose_recipients_were_all_erased_is_dropped(ctx):
    await book(ctx)
    guest_only = await meetings.patch_meeting(ctx, (ctx.bookings.all("meeting")[0])["id"], [
        {"op": "add", "path": "/externalAttendees/-", "value": {"email": "second@example.com"}}], None)
    message = ctx.publisher.sent[-1]
    assert [p.email for p in notice_of(ctx, message).recipients] == ["second@example.com"]
    await personal_data.erase_customer(ctx, guest_only.item.customer_id, "admin")
    assert await notifications.deliver(ctx, json.dumps(message)) is Outcome.DROPPED
    assert ctx.mailer.sent == []


async def test_expired_outbox_documents_and_set_aside_entries_are_removed_and_nothing_else(ctx):
    ctx.publisher.failing = True
    await book(ctx)
    ctx.publisher.failing = False
    await book(ctx, hour=11)
    ctx.bookings.documents[next(k for k, d in ctx.bookings.documents.items() if d["type"] == "outboxPending")][
        "attempts"] = MAX_ATTEMPTS
    ctx.clock.advance(timedelta(minutes=1))
    await republish_outbox(ctx)  # sets the first one aside
    assert await notifications.remove_expired(ctx) == 0
    ctx.clock.advance(timedelta(days=14))
    assert await notifications.remove_expired(ctx) == 1, "the set-aside entry"
    ctx.clock.advance(timedelta(days=3))
    assert await notifications.remove_expired(ctx) == 2, "both outbox documents"
    assert {d["type"] for d in ctx.bookings.all()} >= {"meeting", "calendar"}
    assert ctx.bookings.all("outbox") == ctx.bookings.all("outboxSetAside") == []


async def outbox_size(ctx, subscribers: int, hour: int) -> int:
    for _ in range(subscribers):
        await subscribe(ctx)
    await book(ctx, hour=hour)
    (outbox,) = ctx.bookings.all("outbox")
    pending = ctx.bookings.all("outboxPending")
    return len(json.dumps(outbox, ensure_ascii=False).encode()) + sum(len(json.dumps(p).encode()) for p in pending)


async def test_what_a_change_writes_beside_the_meeting_does_not_grow_with_its_subscribers():
    sizes = {}
    for subscribers in (1, 50):
        ctx = fake_context(WEBHOOKS_ALLOW_PRIVATE_TARGETS=True)
        ctx.publisher.failing = True  # keep the pending entry to count it too
        sizes[subscribers] = await outbox_size(ctx, subscribers, 9)
    assert sizes[1] == sizes[50]


async def test_the_outbox_of_a_large_portal_booking_is_within_three_times_the_meeting(ctx):
    await subscribe(ctx)
    fields = [{"key": f"Field {n}", "value": "æ" * 200} for n in range(100)]  # near the most a meeting may take
    meeting = await book(ctx, customFields=fields, description="æ" * 4000)
    size = len(json.dumps(ctx.bookings.all("outbox")[0], ensure_ascii=False).encode())
    meeting_size = len(json.dumps(meeting.to_json(), ensure_ascii=False).encode())
    assert meeting_size < size < 3 * meeting_size
