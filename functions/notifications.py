"""Service Bus trigger: each message is one meeting invitation (or cancellation) e-mail."""

import os

import azure.functions as func

from shared.bootstrap import get_app
from shared.services import notifications
from shared.settings import get_settings

# The local host resolves %NAME% from the environment; without local.settings.json the
# setting's default keeps the binding resolvable.
os.environ.setdefault("NOTIFICATIONS_QUEUE", get_settings().NOTIFICATIONS_QUEUE)

bp = func.Blueprint()


@bp.service_bus_queue_trigger(arg_name="msg", queue_name="%NOTIFICATIONS_QUEUE%", connection="SERVICEBUS_CONNECTION")
async def notifications_mail(msg: func.ServiceBusMessage) -> None:
    # A mail server failure raises: the message is delivered again, and dead-lettered in the end.
    await notifications.deliver(await get_app(), msg.get_body())
