"""BookMe to Outlook (contract section 23, TwoWay): the Outlook events queue's function. Each
message names a meeting whose events in its employees' calendars are brought in line; the
Graph client is built by the first message, never at cold start."""

import azure.functions as func

from shared import telemetry
from shared.bootstrap import get_context, graph

bp = func.Blueprint()


@bp.service_bus_queue_trigger(arg_name="msg", queue_name="%OUTLOOK_EVENTS_QUEUE%", connection="SERVICEBUS_CONNECTION")
async def outlook_events(msg: func.ServiceBusMessage) -> None:
    from shared.services.outlook import outbound

    properties = msg.application_properties or {}
    with telemetry.message_scope("outlook.events", properties, **{"messaging.message.id": msg.message_id or ""}):
        # Graph outages and throttling schedule their own retry; what raises is delivered again by
        # Service Bus, and set aside with the reason on its 10th delivery.
        await outbound.handle_delivery(await get_context(), graph(), msg.message_id or "", msg.get_body(),
                                       msg.delivery_count or 1)
