"""The local host feeds Service Bus-triggered functions from the in-process queue, with
peek-lock retries and dead-lettering as Service Bus does."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import azure.functions as func
import pytest

from shared.adapters import local_queue
from tools.devhost import host as devhost


def _queue_app(received: list, failures: int) -> func.FunctionApp:
    app = func.FunctionApp()

    @app.service_bus_queue_trigger(arg_name="msg", queue_name="%TEST_QUEUE%", connection="SERVICEBUS_CONNECTION")
    async def consume(msg: func.ServiceBusMessage) -> None:
        received.append((msg.message_id, msg.delivery_count, json.loads(msg.get_body())))
        if len([r for r in received if r[0] == msg.message_id]) <= failures:
            raise RuntimeError("transient failure")

    return app


async def _deliver(monkeypatch, name: str, failures: int, done, messages: int = 1) -> tuple[list, devhost.Host]:
    monkeypatch.setenv("TEST_QUEUE", name)
    monkeypatch.setattr(devhost, "MAX_DELIVERY_COUNT", 3)
    received: list = []
    functions_host = devhost.Host(_queue_app(received, failures))
    functions_host.start_background()
    for number in range(messages):
        local_queue.send(name, {"body": json.dumps({"n": number}).encode(), "message_id": f"m{number}"})
    for _ in range(100):
        if done(received, functions_host):
            break
        await asyncio.sleep(0.05)
    await functions_host.stop()
    return received, functions_host


async def test_messages_reach_the_triggered_function_as_service_bus_messages(monkeypatch):
    received, functions_host = await _deliver(monkeypatch, "queue-ok", 0, lambda r, h: len(r) == 2, messages=2)
    assert sorted(received) == [("m0", 1, {"n": 0}), ("m1", 1, {"n": 1})]
    assert functions_host.dead_letters == []


async def test_a_failed_delivery_is_retried_with_a_higher_delivery_count(monkeypatch):
    received, functions_host = await _deliver(monkeypatch, "queue-retry", 1, lambda r, h: len(r) == 2)
    assert [r[1] for r in received] == [1, 2]
    assert functions_host.dead_letters == []


async def test_a_message_failing_every_delivery_is_dead_lettered_with_the_reason(monkeypatch):
    received, functions_host = await _deliver(monkeypatch, "queue-dead", 99, lambda r, h: h.dead_letters)
    assert [r[1] for r in received] == [1, 2, 3]
    [dead] = functions_host.dead_letters
    assert dead["message_id"] == "m0" and dead["queue"] == "queue-dead"
    assert dead["DeadLetterReason"] == "MaxDeliveryCountExceeded"
    assert dead["DeadLetterErrorDescription"] == "Message could not be consumed after 3 delivery attempts."
    assert dead["last_error"] == "RuntimeError: transient failure"


async def test_an_unreadable_notification_is_refused():
    from shared.errors import UnreadableMessage
    from shared.services.notifications import deliver

    for body in (b"not json", b"\xff\xfe", b'{"method": "REQUEST"}', b"[]"):
        with pytest.raises(UnreadableMessage):
            await deliver(None, body)


async def test_a_notification_failing_every_delivery_is_set_aside_on_its_tenth_and_never_dead_lettered(monkeypatch):
    import dataclasses

    from shared.adapters.queues import LocalQueuePublisher
    from shared.services import meetings, notifications
    from tests.utils.booking_builders import add_employee, meeting_request, tomorrow_at
    from tests.utils.fakes import fake_context

    monkeypatch.setenv("NOTIFICATIONS_QUEUE", "mail-failing")
    monkeypatch.setattr(devhost, "redelivery_wait", lambda count: 0.01)
    ctx = fake_context(NOTIFICATIONS_QUEUE="mail-failing", SET_ASIDE_QUEUE="mail-failing-aside")
    ctx = dataclasses.replace(ctx, publisher=LocalQueuePublisher("mail-failing"))
    ctx.mailer.failing = True
    app = func.FunctionApp()

    @app.service_bus_queue_trigger(arg_name="msg", queue_name="%NOTIFICATIONS_QUEUE%",
                                   connection="SERVICEBUS_CONNECTION")
    async def mail(msg: func.ServiceBusMessage) -> None:
        await notifications.handle(ctx, msg.message_id, msg.get_body(), msg.delivery_count)

    functions_host = devhost.Host(app)
    functions_host.start_background()
    await meetings.create_meeting(ctx, meeting_request(await add_employee(ctx), tomorrow_at(ctx, 9)))
    for _ in range(200):
        if local_queue.waiting("mail-failing-aside"):
            break
        await asyncio.sleep(0.02)
    await functions_host.stop()
    (aside,) = local_queue.waiting("mail-failing-aside")
    body = json.loads(aside["body"])
    assert (body["queue"], body["attempts"], body["reason"]) == ("mail-failing", 10, "The mail server is down.")
    assert ctx.mailer.refused == 10 and functions_host.dead_letters == []


async def test_a_scheduled_message_reaches_the_function_at_its_time_not_before(monkeypatch):
    monkeypatch.setenv("TEST_QUEUE", "queue-scheduled")
    received: list = []
    functions_host = devhost.Host(_queue_app(received, 0))
    functions_host.start_background()
    due = datetime.now(UTC) + timedelta(seconds=0.3)
    local_queue.send("queue-scheduled", {"body": b'{"n": 1}', "message_id": "later"}, due)
    local_queue.send("queue-scheduled", {"body": b'{"n": 0}', "message_id": "past"}, due - timedelta(hours=1))
    for _ in range(100):
        if len(received) == 2:
            break
        await asyncio.sleep(0.02)
    arrived = datetime.now(UTC)
    await functions_host.stop()
    assert [r[0] for r in received] == ["past", "later"]
    assert arrived >= due
    assert local_queue.scheduled_count() == 0


async def test_a_slow_message_does_not_hold_up_the_next_ones(monkeypatch):
    monkeypatch.setenv("TEST_QUEUE", "queue-concurrent")
    finished: list[str] = []
    app = func.FunctionApp()

    @app.service_bus_queue_trigger(arg_name="msg", queue_name="%TEST_QUEUE%", connection="SERVICEBUS_CONNECTION")
    async def consume(msg: func.ServiceBusMessage) -> None:
        if msg.message_id == "slow":
            await asyncio.sleep(1)
        finished.append(msg.message_id)

    functions_host = devhost.Host(app)
    functions_host.start_background()
    for message_id in ("slow", "fast"):
        local_queue.send("queue-concurrent", {"body": b"{}", "message_id": message_id})
    for _ in range(100):
        if len(finished) == 2:
            break
        await asyncio.sleep(0.02)
    await functions_host.stop()
    assert finished == ["fast", "slow"]
