"""Outlook to BookMe (contract section 23): the sync queue's function (one mailbox's delta query
per message) and its two timers, reconciliation (every followed mailbox from its stored state,
OUTLOOK_RECONCILE_SCHEDULE) and subscriptions (follow, renew, forget: OUTLOOK_SUBSCRIPTIONS_SCHEDULE).
The Graph client is built by the first run, never at cold start."""

import logging

import azure.functions as func

from shared import request_ids, telemetry
from shared.bootstrap import get_context, graph
from shared.errors import BookMeError

log = logging.getLogger(__name__)
bp = func.Blueprint()


@bp.service_bus_queue_trigger(arg_name="msg", queue_name="%OUTLOOK_SYNC_QUEUE%", connection="SERVICEBUS_CONNECTION")
async def outlook_sync(msg: func.ServiceBusMessage) -> None:
    from shared.services.outlook import inbound

    properties = msg.application_properties or {}
    with telemetry.message_scope("outlook.sync", properties, **{"messaging.message.id": msg.message_id or ""}):
        # Graph outages schedule their own retry; what raises (Cosmos DB or the queue down) is delivered
        # again by Service Bus, and set aside with the reason on its 10th delivery.
        await inbound.handle_delivery(await get_context(), graph(), msg.message_id or "", msg.get_body(),
                                      msg.delivery_count or 1)


@bp.timer_trigger(schedule="%OUTLOOK_RECONCILE_SCHEDULE%", arg_name="timer", run_on_startup=False)
async def outlook_reconcile(timer: func.TimerRequest) -> None:
    from shared.services.outlook import inbound

    with request_ids.scope(request_ids.accept_or_new(None)), telemetry.span("outlook.reconcile"):
        try:
            queued = await inbound.reconcile(await get_context())
        except BookMeError as error:
            log.warning("Outlook reconciliation failed (%s); the next run tries again", error.detail)
            return
    log.info("Outlook reconciliation: %d mailbox(es) queued", queued)


@bp.timer_trigger(schedule="%OUTLOOK_SUBSCRIPTIONS_SCHEDULE%", arg_name="timer", run_on_startup=False)
async def outlook_subscriptions(timer: func.TimerRequest) -> None:
    from shared.services.outlook import subscriptions

    with request_ids.scope(request_ids.accept_or_new(None)), telemetry.span("outlook.subscriptions"):
        try:
            done = await subscriptions.maintain(await get_context(), graph())
        except BookMeError as error:
            log.warning("Outlook subscriptions failed (%s); the next run tries again", error.detail)
            return
    if done.subscribed or done.forgotten or done.messages:
        log.info("Outlook: %d mailbox(es) followed, %d subscribed or renewed, %d forgotten, %d first round(s)",
                 done.followed, done.subscribed, done.forgotten, len(done.messages))
