"""Service Bus trigger: each message is one webhook event on its way to one subscription."""

import json
from datetime import UTC, datetime

import azure.functions as func

from shared import telemetry
from shared.bootstrap import get_context, webhook_sender
from shared.models.common import parse_utc

bp = func.Blueprint()


@bp.service_bus_queue_trigger(arg_name="msg", queue_name="%WEBHOOKS_QUEUE%", connection="SERVICEBUS_CONNECTION")
async def webhook_delivery_post(msg: func.ServiceBusMessage) -> None:
    from shared.services import webhook_delivery  # imported by the first message, not at cold start

    # The booking's request id and trace context travel in the message, as for e-mails.
    properties = msg.application_properties or {}
    with telemetry.message_scope("webhooks.deliver", properties, **{"messaging.message.id": msg.message_id or ""}):
        # A failed POST schedules its own retry and returns; what raises (the queue or Cosmos down,
        # or an abandoned delivery) is delivered again by Service Bus and dead-lettered in the end.
        outcome = await webhook_delivery.deliver(await get_context(), webhook_sender(), msg.get_body())
    if outcome is webhook_delivery.Outcome.DELIVERED and (age := _event_age(msg.get_body())) is not None:
        telemetry.measure("bookme.webhook_lag", age)


def _event_age(body: bytes) -> float | None:
    """Seconds since the meeting change the delivered event reports (its payload's timestamp)."""
    try:
        return (datetime.now(UTC) - parse_utc(json.loads(body)["payload"]["timestamp"])).total_seconds()
    except (ValueError, KeyError, TypeError):
        return None
