"""Publishing notification messages: Service Bus in Azure, the local host's queue locally."""

import asyncio
import json
import uuid
from typing import Any

from azure.core.exceptions import AzureError

from shared.adapters import local_queue
from shared.errors import ServiceUnavailable
from shared.ports import Publisher
from shared.settings import Settings


class LocalQueuePublisher(Publisher):
    def __init__(self, queue_name: str):
        self._queue_name = queue_name

    async def publish(self, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            await local_queue.queue(self._queue_name).put(
                {"body": json.dumps(message).encode(), "message_id": message.get("id") or str(uuid.uuid4())}
            )


class ServiceBusPublisher(Publisher):
    """Sends with the managed identity (SERVICEBUS_CONNECTION__fullyQualifiedNamespace).

    The client, its credential and the queue sender live as long as the process: opening an
    AMQP link per message would cost a round trip and a token each time."""

    def __init__(self, namespace: str, queue_name: str):
        self._namespace = namespace
        self._queue_name = queue_name
        self._client = None
        self._sender = None
        self._lock = asyncio.Lock()

    async def _open_sender(self):
        async with self._lock:
            if self._sender is None:
                from azure.identity.aio import DefaultAzureCredential
                from azure.servicebus.aio import ServiceBusClient

                if self._client is None:
                    self._client = ServiceBusClient(self._namespace, DefaultAzureCredential())
                self._sender = self._client.get_queue_sender(self._queue_name)
            return self._sender

    async def publish(self, messages: list[dict[str, Any]]) -> None:
        from azure.servicebus import ServiceBusMessage
        from azure.servicebus.exceptions import ServiceBusError

        try:
            sender = await self._open_sender()
            await sender.send_messages([
                ServiceBusMessage(json.dumps(m), message_id=m.get("id"), content_type="application/json")
                for m in messages
            ])
        except (ServiceBusError, AzureError, OSError) as error:
            await self._drop_sender()  # a broken link is reopened by the next publish
            raise ServiceUnavailable(f"Service Bus is unavailable: {type(error).__name__}") from None

    async def _drop_sender(self) -> None:
        sender, self._sender = self._sender, None
        if sender is not None:
            try:
                await sender.close()
            except Exception:  # noqa: BLE001 - closing a broken link may fail too; it is dropped anyway
                pass

    async def close(self) -> None:
        await self._drop_sender()
        if self._client is not None:
            await self._client.close()


def build_publisher(settings: Settings) -> Publisher:
    if settings.SERVICEBUS_CONNECTION__fullyQualifiedNamespace:
        return ServiceBusPublisher(settings.SERVICEBUS_CONNECTION__fullyQualifiedNamespace,
                                   settings.NOTIFICATIONS_QUEUE)
    return LocalQueuePublisher(settings.NOTIFICATIONS_QUEUE)
