"""The Service Bus and ACS adapters: created once per process, addresses parsed, errors translated."""

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
    from datetime import UTC, datetime

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
