"""Service Bus trigger: each message is one meeting invitation (or cancellation) e-mail."""


import azure.functions as func

from shared.bootstrap import get_context
from shared.services import notifications

bp = func.Blueprint()


@bp.service_bus_queue_trigger(arg_name="msg", queue_name="%NOTIFICATIONS_QUEUE%", connection="SERVICEBUS_CONNECTION")
async def notifications_mail(msg: func.ServiceBusMessage) -> None:
    # A mail server failure or an unreadable message raises: Service Bus delivers it again and
    # dead-letters it after maxDeliveryCount (10; infra/app/servicebus.bicep).
    await notifications.deliver(await get_context(), msg.get_body())
