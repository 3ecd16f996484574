"""Webhook delivery through the local host's queue to a real HTTP receiver on loopback: the
delivery function, the aiohttp sender, scheduled retries and setting aside, end to end in
one process (subscriptions and the outbox in the fakes)."""

import asyncio
import dataclasses
import json
import time

import azure.functions as func
import pytest

from shared.adapters import local_queue
from shared.adapters.queues import LocalQueuePublisher
from shared.adapters.webhook_http import AiohttpWebhookSender
from shared.models.common import utc_now
from shared.models.meetings import Meeting
from shared.models.webhooks import WebhookCreate
from shared.ports import Op
from shared.rules import webhook_signing
from shared.rules.messaging import Reference
from shared.rules.outbox import outbox_document
from shared.rules.webhooks import delivery_messages, event, from_message
from shared.services import webhook_delivery, webhooks
from tests.utils.fakes import fake_context
from tests.utils.webhook_fakes import FakeResolver
from tools.devhost import host as devhost
from tools.devhost.host import resolve

MEETING = Meeting.model_validate({
    "id": "6f1c2b8e-1d7a-4a4e-9a53-0c2f1e8b9d10", "bookedBy": "Employee", "salesforceId": "sf-1",
    "employeeId": "0c3b8f6e-2a44-4b7e-8d8e-1f9e2d3c4b5a", "customerId": "c-1", "type": "Online",
    "startDate": "2030-03-05T09:00:00Z", "endDate": "2030-03-05T10:00:00Z",
    "dateCreated": "2030-03-04T10:00:00Z", "dateModified": "2030-03-04T10:00:00Z"})


def delivery_app(ctx, sender) -> func.FunctionApp:
    app = func.FunctionApp()

    @app.service_bus_queue_trigger(arg_name="msg", queue_name="%WEBHOOKS_QUEUE%", connection="SERVICEBUS_CONNECTION")
    async def deliver(msg: func.ServiceBusMessage) -> None:
        await webhook_delivery.handle(ctx, sender, msg.message_id, msg.get_body(), msg.delivery_count)

    return app


@pytest.fixture
async def delivering(monkeypatch, request):
    """A running local host delivering from a fresh queue, and a way to enqueue one event."""
    queue = f"webhooks-{request.node.name}"
    monkeypatch.setenv("WEBHOOKS_QUEUE", queue)
    monkeypatch.setattr(devhost, "MAX_DELIVERY_COUNT", 2)
    ctx = fake_context(WEBHOOKS_ALLOW_PRIVATE_TARGETS=True, WEBHOOKS_QUEUE=queue, WEBHOOK_TIMEOUT="00:00:01",
                       WEBHOOK_RETRY_SCHEDULE="00:00:00.2,00:00:00.2,00:00:00.2", SET_ASIDE_QUEUE=f"aside-{queue}")
    ctx = dataclasses.replace(ctx, publisher=LocalQueuePublisher("notifications"), clock=utc_now)
    sender = AiohttpWebhookSender(ctx.settings.WEBHOOK_TIMEOUT, allow_private=True)
    functions_host = devhost.Host(delivery_app(ctx, sender))
    functions_host.start_background()

    async def send(url: str) -> tuple[str, str]:
        body = WebhookCreate.model_validate({"url": url, "events": ["meeting.created"]})
        subscription = (await webhooks.create_webhook(ctx, FakeResolver(), body)).item
        entry = event(None, MEETING, utc_now(), "event-1")
        outbox = outbox_document("outbox:1", "2030-03-05", utc_now(), [], [entry], [entry["payload"]["data"]])
        await ctx.bookings.commit(outbox["pk"], [Op("create", outbox["id"], outbox)])
        (message,) = delivery_messages(Reference(outbox["pk"], outbox["id"]), [entry],
                                       [(subscription.id, ["meeting.created"])])
        await ctx.publisher.publish([message], queue=queue)
        return subscription.secret, from_message(message).webhook_id

    yield send, functions_host
    await functions_host.stop()
    await sender.close()


async def until(done, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


async def test_an_event_arrives_once_signed_with_the_subscription_secret(receiver, delivering):
    send, _ = delivering
    secret, webhook_id = await send(receiver.url)
    await until(lambda: receiver.received)
    (got,) = receiver.received
    webhook_signing.verify(secret, got.headers, got.body, now=int(time.time()))
    assert got.headers["webhook-id"] == webhook_id
    assert got.payload["type"] == "meeting.created" and got.payload["data"]["id"] == MEETING.id


async def test_a_receiver_answering_503_gets_the_same_event_again_until_it_takes_it(receiver, delivering):
    receiver.failures = 2
    send, _ = delivering
    _, webhook_id = await send(receiver.url)
    await until(lambda: receiver.received)
    assert receiver.attempts == 3
    assert [r.headers["webhook-id"] for r in receiver.received] == [webhook_id]


async def test_a_receiver_that_does_not_answer_in_time_gets_the_event_again(receiver, delivering):
    receiver.failures, receiver.stall = 1, 2.0
    send, _ = delivering
    _, webhook_id = await send(receiver.url)
    await until(lambda: receiver.received)
    assert receiver.attempts == 2
    assert receiver.received[0].headers["webhook-id"] == webhook_id


async def test_a_delivery_failing_every_retry_is_set_aside_with_the_reason(receiver, delivering):
    receiver.failures = 99
    send, functions_host = delivering
    _, webhook_id = await send(receiver.url)
    queue = functions_host.triggers[0].binding["queueName"]
    await until(lambda: local_queue.waiting(f"aside-{resolve(queue)}"))
    (aside,) = local_queue.waiting(f"aside-{resolve(queue)}")
    body = json.loads(aside["body"])
    assert from_message(body["message"]).webhook_id == webhook_id
    assert "4 attempt(s)" in body["reason"] and "503" in body["reason"]
    assert receiver.attempts == 4, "one attempt and three retries; a set-aside delivery is never POSTed"
    assert receiver.received == [] and functions_host.dead_letters == []
