"""The Service Bus and ACS adapters: created once per process, addresses parsed, errors translated."""

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest

from shared.adapters import mail, queues
from shared.errors import ServiceUnavailable


def test_acs_recipients_are_parsed_as_addresses_so_a_comma_in_a_name_is_one_recipient():
    message = EmailMessage()
    message["To"] = '"Jensen, Mette" <mette@bank.dk>, lars@bank.dk'
    assert mail.recipients(message) == [{"address": "mette@bank.dk", "displayName": "Jensen, Mette"},
                                        {"address": "lars@bank.dk"}]


class FakeBatch(list):
    def add_message(self, message):
        self.append(message)


class FakeSender:
    def __init__(self, fail: Exception | None = None):
        self.batches, self.fail, self.closed = [], fail, False

    async def create_message_batch(self):
        if self.fail:
            raise self.fail
        return FakeBatch()

    async def send_messages(self, messages):
        if self.fail:
            raise self.fail
        self.batches.append(messages)

    async def close(self):
        self.closed = True


class FakeServiceBusClient:
    made: list["FakeServiceBusClient"] = []

    def __init__(self, namespace, credential):
        self.senders: list[FakeSender] = []
        self.queues: list[str] = []
        self.next_failure: Exception | None = None
        FakeServiceBusClient.made.append(self)

    def get_queue_sender(self, queue_name):
        self.queues.append(queue_name)
        sender = FakeSender(self.next_failure)
        self.next_failure = None
        self.senders.append(sender)
        return sender

    async def close(self):
        pass


@pytest.fixture
def fake_service_bus(monkeypatch):
    import azure.identity.aio
    import azure.servicebus.aio

    FakeServiceBusClient.made = []
    monkeypatch.setattr(azure.servicebus.aio, "ServiceBusClient", FakeServiceBusClient)
    monkeypatch.setattr(azure.identity.aio, "DefaultAzureCredential", lambda: object())
    return FakeServiceBusClient.made


async def test_the_service_bus_client_and_sender_are_made_once_for_many_publishes(fake_service_bus):
    publisher = queues.ServiceBusPublisher("bookme.servicebus.windows.net", "notifications")
    for n in range(3):
        await publisher.publish([{"id": f"m{n}"}])
    (client,) = fake_service_bus
    (sender,) = client.senders
    assert len(sender.batches) == 3


async def test_a_service_bus_failure_is_a_service_unavailable_and_the_link_is_reopened(fake_service_bus):
    from azure.servicebus.exceptions import ServiceBusConnectionError

    publisher = queues.ServiceBusPublisher("bookme.servicebus.windows.net", "notifications")
    await publisher.publish([{"id": "first"}])
    (client,) = fake_service_bus
    client.senders[0].fail = ServiceBusConnectionError(message="link detached")
    with pytest.raises(ServiceUnavailable):
        await publisher.publish([{"id": "second"}])
    assert client.senders[0].closed
    await publisher.publish([{"id": "third"}])
    assert len(client.senders) == 2 and len(client.senders[1].batches) == 1


async def test_scheduled_messages_go_to_their_queue_with_their_enqueue_time(fake_service_bus):
    publisher = queues.ServiceBusPublisher("bookme.servicebus.windows.net", "notifications")
    at = datetime(2030, 3, 4, 7, 0, 5, tzinfo=UTC)
    await publisher.schedule([{"id": "retry-2"}], at, queue="webhooks")
    await publisher.publish([{"id": "mail"}])
    (client,) = fake_service_bus
    scheduled, mail = client.senders
    ((message,),) = scheduled.batches
    assert (message.message_id, message.scheduled_enqueue_time_utc) == ("retry-2", at)
    assert [m.message_id for batch in mail.batches for m in batch] == ["mail"]
    assert client.queues == ["webhooks", "notifications"]


def _bodies(name: str) -> list[dict]:
    from shared.adapters import local_queue

    return [json.loads(entry["body"]) for entry in local_queue.waiting(name)]


async def test_the_local_queue_drops_a_message_whose_id_it_took_within_the_window_as_service_bus_does(monkeypatch):
    from shared.adapters import local_queue

    name = f"dedup-{uuid.uuid4().hex}"
    publisher = queues.LocalQueuePublisher(name)
    await publisher.publish([{"id": "a", "n": 1}, {"id": "b", "n": 2}])
    await publisher.publish([{"id": "a", "n": 3}])
    await publisher.schedule([{"id": "b", "n": 4}], datetime.now(UTC))
    assert _bodies(name) == [{"id": "a", "n": 1}, {"id": "b", "n": 2}]
    monkeypatch.setattr(local_queue, "DUPLICATE_DETECTION_WINDOW", timedelta(milliseconds=20))
    await asyncio.sleep(0.05)
    await publisher.publish([{"id": "a", "n": 5}])
    assert _bodies(name)[-1] == {"id": "a", "n": 5}, "past the window the same id is a new message"


def test_the_local_queues_window_and_time_to_live_are_those_of_the_bicep():
    import re
    from pathlib import Path

    from shared.adapters import local_queue
    from tools.devhost import host

    bicep = (Path(__file__).resolve().parents[3] / "infra" / "app" / "servicebus.bicep").read_text()
    assert "requiresDuplicateDetection: true" in bicep and "deadLetteringOnMessageExpiration: false" in bicep
    assert re.search(r"duplicateDetectionHistoryTimeWindow: 'P1D'", bicep) and \
        local_queue.DUPLICATE_DETECTION_WINDOW == timedelta(days=1)
    assert re.search(r"defaultMessageTimeToLive: 'P14D'", bicep) and local_queue.TIME_TO_LIVE == timedelta(days=14)
    assert f"maxDeliveryCount: {host.MAX_DELIVERY_COUNT}" in bicep
    assert bicep.count("properties: queueProperties") == 3, "every queue, the set-aside queue too"


async def test_an_expired_local_message_is_not_kept():
    from shared.adapters import local_queue

    name = f"ttl-{uuid.uuid4().hex}"
    local_queue.send(name, {"body": b"{}", "message_id": "old"})
    local_queue.send(name, {"body": b"{}", "message_id": "new"})
    local_queue.queue(name)._queue[0]["expires_at"] = datetime.now(UTC)  # its 14 days are over
    assert [e["message_id"] for e in local_queue.waiting(name)] == ["new"]


@pytest.mark.parametrize("fault, kept", [("refuse", 0), ("lose-answers", 1), ("", 1)])
async def test_injected_faults_refuse_or_lose_the_answer_of_a_local_send(tmp_path, fault, kept):
    from shared.adapters import local_queue

    name = f"faults-{uuid.uuid4().hex}"
    faults = tmp_path / "faults"
    faults.write_text(fault)
    local_queue.inject_faults_from(faults)
    try:
        if fault:
            with pytest.raises(ServiceUnavailable):
                await queues.LocalQueuePublisher(name).publish([{"id": "m"}])
        else:
            await queues.LocalQueuePublisher(name).publish([{"id": "m"}])
    finally:
        local_queue.inject_faults_from(None)
    assert len(local_queue.waiting(name)) == kept
