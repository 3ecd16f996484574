"""Publishing notification messages: Service Bus in Azure, the local host's queue locally."""

import json
import uuid
from typing import Any

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
    """Sends with the managed identity (SERVICEBUS_CONNECTION__fullyQualifiedNamespace)."""

    def __init__(self, namespace: str, queue_name: str):
        self._namespace = namespace
        self._queue_name = queue_name
        self._client = None

    async def publish(self, messages: list[dict[str, Any]]) -> None:
        from azure.servicebus import ServiceBusMessage
        from azure.servicebus.aio import ServiceBusClient
        from azure.servicebus.exceptions import ServiceBusError

        if self._client is None:
            from azure.identity.aio import DefaultAzureCredential

            self._client = ServiceBusClient(self._namespace, DefaultAzureCredential())
        try:
            async with self._client.get_queue_sender(self._queue_name) as sender:
                await sender.send_messages([
                    ServiceBusMessage(json.dumps(m), message_id=m.get("id"), content_type="application/json")
                    for m in messages
                ])
        except ServiceBusError as error:
            raise ServiceUnavailable(f"Service Bus is unavailable: {error}") from None


def build_publisher(settings: Settings) -> Publisher:
    if settings.SERVICEBUS_CONNECTION__fullyQualifiedNamespace:
        return ServiceBusPublisher(settings.SERVICEBUS_CONNECTION__fullyQualifiedNamespace,
                                   settings.NOTIFICATIONS_QUEUE)
    return LocalQueuePublisher(settings.NOTIFICATIONS_QUEUE)
