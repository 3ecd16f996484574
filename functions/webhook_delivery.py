"""Service Bus trigger: each message is one webhook event on its way to one subscription."""

import azure.functions as func

from shared import telemetry
from shared.bootstrap import get_context, webhook_sender

bp = func.Blueprint()


@bp.service_bus_queue_trigger(arg_name="msg", queue_name="%WEBHOOKS_QUEUE%", connection="SERVICEBUS_CONNECTION")
async def webhook_delivery_post(msg: func.ServiceBusMessage) -> None:
    from shared.services import webhook_delivery  # imported by the first message, not at cold start

    # The booking's request id and trace context travel in the message, as for e-mails.
    properties = msg.application_properties or {}
    with telemetry.message_scope("webhooks.deliver", properties, **{"messaging.message.id": msg.message_id or ""}):
        # A failed POST schedules its own retry and returns; what raises (the queue or Cosmos down) is
        # delivered again by Service Bus, and set aside with the reason on its 10th delivery.
        await webhook_delivery.handle(await get_context(), webhook_sender(), msg.message_id or "", msg.get_body(),
                                      msg.delivery_count or 1)
