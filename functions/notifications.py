"""Service Bus trigger: each message is one meeting invitation (or cancellation) e-mail."""

from datetime import UTC, datetime

import azure.functions as func

from shared import telemetry
from shared.bootstrap import get_context

bp = func.Blueprint()


@bp.service_bus_queue_trigger(arg_name="msg", queue_name="%NOTIFICATIONS_QUEUE%", connection="SERVICEBUS_CONNECTION")
async def notifications_mail(msg: func.ServiceBusMessage) -> None:
    from shared.services import notifications  # imported by the first message, not at cold start

    # The booking's request id and trace context travel in the message, so its e-mail correlates.
    properties = msg.application_properties or {}
    with telemetry.message_scope("notifications.deliver", properties, **{
            "messaging.message.id": msg.message_id or "", "messaging.delivery_count": msg.delivery_count or 0}):
        # A mail server failure raises, so Service Bus delivers it again; on the 10th delivery, or at
        # once when it cannot be read, the message goes to the set-aside queue with the reason.
        await notifications.handle(await get_context(), msg.message_id or "", msg.get_body(), msg.delivery_count or 1)
    if msg.enqueued_time_utc is not None:
        enqueued = msg.enqueued_time_utc if msg.enqueued_time_utc.tzinfo else msg.enqueued_time_utc.replace(tzinfo=UTC)
        telemetry.measure("bookme.notification_lag", (datetime.now(UTC) - enqueued).total_seconds())
