"""Publishing queue messages: Service Bus in Azure, the local host's queue locally.

A publisher has a default queue (notifications); webhook deliveries and set-aside messages
name theirs. Every message goes out with its own `id` as the MessageId, which the queues'
duplicate detection keys on."""

import asyncio
import json
import uuid
from datetime import datetime
from typing import Any

from azure.core.exceptions import AzureError

from shared import telemetry
from shared.adapters import local_queue
from shared.errors import ServiceUnavailable
from shared.ports import Publisher
from shared.settings import Settings


def _entry(message: dict[str, Any]) -> dict[str, Any]:
    return {"body": json.dumps(message).encode(), "message_id": message.get("id") or str(uuid.uuid4()),
            "application_properties": telemetry.message_properties()}


class LocalQueuePublisher(Publisher):
    def __init__(self, queue_name: str):
        self._queue_name = queue_name

    async def publish(self, messages: list[dict[str, Any]], queue: str | None = None) -> None:
        for message in messages:
            local_queue.send(queue or self._queue_name, _entry(message))

    async def schedule(self, messages: list[dict[str, Any]], at: datetime, queue: str | None = None) -> None:
        for message in messages:
            local_queue.send(queue or self._queue_name, _entry(message), at)


class ServiceBusPublisher(Publisher):
    """Sends with the managed identity (SERVICEBUS_CONNECTION__fullyQualifiedNamespace).

    The client, its credential and one sender per queue live as long as the process: opening
    an AMQP link per message would cost a round trip and a token each time."""

    def __init__(self, namespace: str, queue_name: str):
        self._namespace = namespace
        self._queue_name = queue_name
        self._client = None
        self._senders: dict[str, Any] = {}
        self._lock = asyncio.Lock()

    async def _open_sender(self, queue: str):
        async with self._lock:
            if queue not in self._senders:
                from azure.identity.aio import DefaultAzureCredential
                from azure.servicebus.aio import ServiceBusClient

                if self._client is None:
                    self._client = ServiceBusClient(self._namespace, DefaultAzureCredential())
                self._senders[queue] = self._client.get_queue_sender(queue)
            return self._senders[queue]

    async def publish(self, messages: list[dict[str, Any]], queue: str | None = None) -> None:
        await self._send(messages, queue or self._queue_name, None)

    async def schedule(self, messages: list[dict[str, Any]], at: datetime, queue: str | None = None) -> None:
        await self._send(messages, queue or self._queue_name, at)

    async def _send(self, messages: list[dict[str, Any]], queue: str, at: datetime | None) -> None:
        from azure.servicebus import ServiceBusMessage
        from azure.servicebus.exceptions import MessageSizeExceededError, ServiceBusError

        try:
            sender = await self._open_sender(queue)
            batch = await sender.create_message_batch()
            for m in messages:
                message = ServiceBusMessage(json.dumps(m), message_id=m.get("id"), content_type="application/json",
                                            scheduled_enqueue_time_utc=at,
                                            application_properties=telemetry.message_properties())
                try:
                    batch.add_message(message)
                except MessageSizeExceededError:  # the batch is full (256 KiB on Standard): send it, start another
                    await sender.send_messages(batch)
                    batch = await sender.create_message_batch()
                    batch.add_message(message)
            if len(batch):
                await sender.send_messages(batch)
        except (ServiceBusError, AzureError, OSError) as error:
            await self._drop_sender(queue)  # a broken link is reopened by the next publish
            raise ServiceUnavailable(f"Service Bus is unavailable: {type(error).__name__}") from None

    async def _drop_sender(self, queue: str) -> None:
        sender = self._senders.pop(queue, None)
        if sender is not None:
            try:
                await sender.close()
            except Exception:  # noqa: BLE001 - closing a broken link may fail too; it is dropped anyway
                pass

    async def close(self) -> None:
        for queue in list(self._senders):
            await self._drop_sender(queue)
        if self._client is not None:
            await self._client.close()


def build_publisher(settings: Settings) -> Publisher:
    if settings.SERVICEBUS_CONNECTION__fullyQualifiedNamespace:
        return ServiceBusPublisher(settings.SERVICEBUS_CONNECTION__fullyQualifiedNamespace,
                                   settings.NOTIFICATIONS_QUEUE)
    return LocalQueuePublisher(settings.NOTIFICATIONS_QUEUE)
