"""Webhook events over the fakes: written once in the booking's batch, fanned out per
subscription as references, POSTed signed, retried on the schedule with the same webhook-id,
then set aside."""

import json
import logging
import uuid
from datetime import timedelta

import pytest

from shared import kinds
from shared.errors import Conflict, UnreadableMessage
from shared.models.portals import Portal
from shared.models.webhooks import WebhookCreate
from shared.rules import webhook_signing
from shared.rules.messaging import Reference
from shared.rules.webhooks import delivery_messages, from_message
from shared.services import meetings, notifications, personal_data, webhook_delivery, webhooks
from shared.services.webhook_delivery import Outcome
from tests.utils.booking_builders import add_employee, meeting_request
from tests.utils.fakes import fake_context
from tests.utils.messages import event_of
from tests.utils.webhook_fakes import FakeResolver, ScriptedSender, unreachable

SCHEDULE = "00:00:05,00:01:00,00:10:00"
QUEUE = "webhooks"


@pytest.fixture
def ctx():
    return fake_context(WEBHOOKS_ALLOW_PRIVATE_TARGETS=True, WEBHOOK_RETRY_SCHEDULE=SCHEDULE)


async def subscribe(ctx, *events: str, active: bool = True, url: str = "https://crm.bank.example/hook"):
    body = WebhookCreate.model_validate({"url": url, "events": list(events), "isActive": active})
    return (await webhooks.create_webhook(ctx, FakeResolver(), body)).item


def queued(ctx) -> list[dict]:
    return ctx.publisher.queues.get(QUEUE, [])


def tomorrow_at(ctx, hour: int):
    return ctx.clock().replace(hour=hour, minute=0) + timedelta(days=1)


async def book(ctx, hour: int = 9, **fields):
    mette = await add_employee(ctx)
    return (await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, hour), **fields))).item


async def test_each_meeting_change_fans_out_to_exactly_the_active_subscriptions_of_its_event(ctx):
    everything = await subscribe(ctx, "meeting.created", "meeting.updated", "meeting.rescheduled",
                                 "meeting.cancelled")
    cancellations = await subscribe(ctx, "meeting.cancelled")
    await subscribe(ctx, "meeting.created", "meeting.cancelled", active=False)
    meeting = await book(ctx)
    await meetings.patch_meeting(ctx, meeting.id, [{"op": "replace", "path": "/title", "value": "Pension"}], None)
    moved = tomorrow_at(ctx, 13)
    await meetings.patch_meeting(ctx, meeting.id, [
        {"op": "replace", "path": "/startDate", "value": moved.isoformat()},
        {"op": "replace", "path": "/endDate", "value": (moved + timedelta(hours=1)).isoformat()}], None)
    await meetings.cancel_meeting(ctx, meeting.id, None)
    sent = [(m["subscriptionId"], event_of(ctx, m)["type"]) for m in queued(ctx)]
    assert sent == [(everything.id, "meeting.created"), (everything.id, "meeting.updated"),
                    (everything.id, "meeting.rescheduled"), (everything.id, "meeting.cancelled"),
                    (cancellations.id, "meeting.cancelled")]
    assert all(event_of(ctx, m)["data"]["id"] == meeting.id and "cpr" not in event_of(ctx, m)["data"]
               for m in queued(ctx))
    assert len({from_message(m).webhook_id for m in queued(ctx)}) == 5
    assert ctx.bookings.all("outboxPending") == [], "all published"
    (cancelled,) = [o for o in ctx.bookings.all("outbox") if event_of(ctx, queued(ctx)[-1]) in
                    [e["payload"] for e in o["webhookEvents"]]]
    assert len(cancelled["webhookEvents"]) == 1, "the event is stored once for its two subscribers"


async def test_the_event_carries_the_meeting_as_committed_without_its_cpr(ctx):
    await subscribe(ctx, "meeting.created")
    portal = Portal(id=str(uuid.uuid4()), name="Bolig")
    await ctx.store(kinds.PORTAL).create(portal)
    # PortalPartner: a portal booking with a CPR number that the customer-only rule (section 20) leaves alone.
    meeting = await book(ctx, bookedBy="PortalPartner", cpr="010203-1234", portalId=portal.id)
    assert meeting.cpr == "010203-1234"
    (message,) = queued(ctx)
    assert event_of(ctx, message)["timestamp"] == "2030-03-04T07:00:00.000Z"
    assert event_of(ctx, message)["data"] == meeting.listed().to_json()


async def test_a_refused_booking_sends_no_event(ctx):
    await subscribe(ctx, "meeting.created")
    meeting = await book(ctx)
    with pytest.raises(Conflict):
        await meetings.create_meeting(ctx, meeting_request(meeting.employee_id, tomorrow_at(ctx, 9)))
    assert len(queued(ctx)) == 1


async def test_an_event_kept_while_the_queue_was_down_is_sent_later_as_the_same_message(ctx):
    await subscribe(ctx, "meeting.created")
    ctx.publisher.failing = True
    await book(ctx)
    assert len(ctx.bookings.all("outboxPending")) == 1
    ctx.publisher.failing = False
    ctx.clock.advance(timedelta(minutes=1))
    assert await notifications.republish(ctx) == 1
    (message,) = queued(ctx)
    assert event_of(ctx, message)["type"] == "meeting.created"
    (outbox,) = ctx.bookings.all("outbox")
    again = delivery_messages(Reference(outbox["pk"], outbox["id"]), outbox["webhookEvents"],
                                               await webhook_delivery.active(ctx))
    assert again == [message], "every publication of the outbox sends the same message, id included"


async def test_a_delivery_is_posted_with_valid_standard_webhooks_headers(ctx):
    await book(ctx)  # no subscription yet: nothing queued
    assert queued(ctx) == []
    subscription = await subscribe(ctx, "meeting.created")
    secret = (await ctx.store(kinds.WEBHOOK).get(subscription.id)).item.secret
    await book(ctx, hour=11)
    sender = ScriptedSender(204)
    assert await webhook_delivery.deliver(ctx, sender, json.dumps(queued(ctx)[0])) is Outcome.DELIVERED
    ((url, headers, body),) = sender.posts
    assert url == subscription.url
    webhook_signing.verify(secret, headers, body, now=int(ctx.clock().timestamp()))
    assert headers["webhook-id"] == from_message(queued(ctx)[0]).webhook_id
    assert json.loads(body)["type"] == "meeting.created"
    assert ctx.publisher.scheduled == []


async def test_failures_are_retried_on_the_schedule_with_the_same_id_and_body_then_set_aside(ctx):
    await subscribe(ctx, "meeting.created")
    await book(ctx)
    sender = ScriptedSender(default=503)
    message, waits = queued(ctx)[0], []
    outcome = await webhook_delivery.deliver(ctx, sender, json.dumps(message))
    while outcome is Outcome.RETRY_SCHEDULED:
        at, queue, message = ctx.publisher.scheduled.pop()
        waits.append(at - ctx.clock())
        assert queue == QUEUE
        ctx.clock.now = at
        outcome = await webhook_delivery.deliver(ctx, sender, json.dumps(message))
    assert outcome is Outcome.SET_ASIDE
    assert waits == [timedelta(seconds=5), timedelta(minutes=1), timedelta(minutes=10)]
    assert len(sender.posts) == 4
    assert len({headers["webhook-id"] for _, headers, _ in sender.posts}) == 1
    assert len({body for _, _, body in sender.posts}) == 1
    assert len({headers["webhook-timestamp"] for _, headers, _ in sender.posts}) == 4, "each attempt signed anew"
    (aside,) = ctx.publisher.queues[ctx.settings.SET_ASIDE_QUEUE]
    assert "503" in aside["reason"] and "4 attempt(s)" in aside["reason"]
    assert (aside["queue"], aside["attempts"], aside["message"]) == (QUEUE, 4, message)
    assert queued(ctx) == [queued(ctx)[0]], "nothing is queued again: the set-aside message is never POSTed"


async def test_a_timeout_and_a_redirect_are_failures_and_a_later_success_ends_the_retries(ctx):
    await subscribe(ctx, "meeting.created")
    await book(ctx)
    sender = ScriptedSender(unreachable(), 302, 200)
    message = queued(ctx)[0]
    assert await webhook_delivery.deliver(ctx, sender, json.dumps(message)) is Outcome.RETRY_SCHEDULED
    assert await webhook_delivery.deliver(ctx, sender, json.dumps(ctx.publisher.scheduled[-1][2])) \
        is Outcome.RETRY_SCHEDULED
    assert await webhook_delivery.deliver(ctx, sender, json.dumps(ctx.publisher.scheduled[-1][2])) \
        is Outcome.DELIVERED
    assert len(ctx.publisher.scheduled) == 2


async def test_a_deactivated_deleted_or_unsubscribed_subscription_receives_nothing(ctx):
    resolver = FakeResolver()
    subscription = await subscribe(ctx, "meeting.created", "meeting.cancelled")
    await book(ctx)
    message = json.dumps(queued(ctx)[0])
    sender = ScriptedSender()
    await webhooks.patch_webhook(ctx, resolver, subscription.id,
                                 [{"op": "replace", "path": "/events", "value": ["meeting.cancelled"]}], None)
    assert await webhook_delivery.deliver(ctx, sender, message) is Outcome.DROPPED
    await webhooks.patch_webhook(ctx, resolver, subscription.id, [
        {"op": "replace", "path": "/events", "value": ["meeting.created"]},
        {"op": "replace", "path": "/isActive", "value": False}], None)
    assert await webhook_delivery.deliver(ctx, sender, message) is Outcome.DROPPED
    await webhooks.delete_webhook(ctx, subscription.id, None)
    assert await webhook_delivery.deliver(ctx, sender, message) is Outcome.DROPPED
    assert sender.posts == []


@pytest.mark.parametrize("body", [b"not json", b"{}", json.dumps({"kind": "meetingInvitation"})])
async def test_a_message_that_is_not_a_delivery_is_refused_and_set_aside_at_once(ctx, body):
    with pytest.raises(UnreadableMessage):
        await webhook_delivery.deliver(ctx, ScriptedSender(), body)
    assert await webhook_delivery.handle(ctx, ScriptedSender(), "m-1", body, 1) is Outcome.SET_ASIDE
    (aside,) = ctx.publisher.queues[ctx.settings.SET_ASIDE_QUEUE]
    assert (aside["messageId"], aside["attempts"], aside["message"]) == ("m-1", 1, None), "its body is not kept"


async def test_a_delivery_whose_outbox_is_gone_is_dropped_without_a_post(ctx, caplog):
    caplog.set_level(logging.INFO)
    await subscribe(ctx, "meeting.created")
    await book(ctx, description="Pension for Jens")
    (message,) = queued(ctx)
    del ctx.bookings.documents[(message["day"], message["outbox"])]  # expired
    sender = ScriptedSender()
    assert await webhook_delivery.deliver(ctx, sender, json.dumps(message)) is Outcome.DROPPED
    assert sender.posts == []
    assert message["outbox"] in caplog.text and "Jens" not in caplog.text


async def test_a_delivery_queued_before_the_customers_data_was_erased_sends_it_erased(ctx):
    await subscribe(ctx, "meeting.created")
    meeting = await book(ctx, description="Pension for Jens, 010203-1234",
                         videoLink="https://meet.example/jens")
    message = queued(ctx)[0]
    ctx.clock.advance(timedelta(minutes=1))
    await personal_data.erase_customer(ctx, meeting.customer_id, "admin")
    sender = ScriptedSender(503, 204)
    assert await webhook_delivery.deliver(ctx, sender, json.dumps(message)) is Outcome.RETRY_SCHEDULED
    ((_, _, retry),) = ctx.publisher.scheduled
    assert await webhook_delivery.deliver(ctx, sender, json.dumps(retry)) is Outcome.DELIVERED
    for _, headers, body in sender.posts:
        data = json.loads(body)["data"]
        assert (data["description"], data["videoLink"], data["id"]) == ("", "", meeting.id)
        assert headers["webhook-id"] == from_message(message).webhook_id


async def test_a_change_made_after_an_erasure_is_sent_as_it_is(ctx):
    await subscribe(ctx, "meeting.updated")
    meeting = await book(ctx)
    await personal_data.erase_customer(ctx, meeting.customer_id, "admin")
    ctx.clock.advance(timedelta(minutes=1))
    await meetings.patch_meeting(ctx, meeting.id, [{"op": "replace", "path": "/description", "value": "New"}], None)
    sender = ScriptedSender(204)
    assert await webhook_delivery.deliver(ctx, sender, json.dumps(queued(ctx)[-1])) is Outcome.DELIVERED
    assert json.loads(sender.posts[0][2])["data"]["description"] == "New"


async def test_an_erasure_tells_subscribers_of_each_booked_meeting_it_changed(ctx):
    await subscribe(ctx, "meeting.updated", "meeting.cancelled")
    kept = await book(ctx, description="Pension for Jens")
    cancelled = await meetings.create_meeting(ctx, meeting_request(kept.employee_id, tomorrow_at(ctx, 13),
                                                                   description="Jens again"))
    await meetings.cancel_meeting(ctx, cancelled.item.id, None)
    before = len(queued(ctx))
    ctx.clock.advance(timedelta(minutes=1))
    await personal_data.erase_customer(ctx, kept.customer_id, "admin")
    (message,) = queued(ctx)[before:]
    assert event_of(ctx, message)["type"] == "meeting.updated"
    assert event_of(ctx, message)["data"]["id"] == kept.id and event_of(ctx, message)["data"]["description"] == ""
    assert ctx.bookings.all("outboxPending") == []
