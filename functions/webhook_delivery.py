"""Service Bus trigger: each message is one webhook event on its way to one subscription."""

import azure.functions as func

from shared.bootstrap import get_context, webhook_sender
from shared.services import webhook_delivery

bp = func.Blueprint()


@bp.service_bus_queue_trigger(arg_name="msg", queue_name="%WEBHOOKS_QUEUE%", connection="SERVICEBUS_CONNECTION")
async def webhook_delivery_post(msg: func.ServiceBusMessage) -> None:
    # A failed POST schedules its own retry and returns; what raises (the queue or Cosmos down,
    # or an abandoned delivery) is delivered again by Service Bus and dead-lettered in the end.
    await webhook_delivery.deliver(await get_context(), webhook_sender(), msg.get_body())
