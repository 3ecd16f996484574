"""Outlook to BookMe (contract section 23): the sync queue's function (one mailbox's delta query
per message) and its two timers, reconciliation (every followed mailbox from its stored state,
OUTLOOK_RECONCILE_SCHEDULE) and subscriptions (follow, renew, forget: OUTLOOK_SUBSCRIPTIONS_SCHEDULE).
The Graph client is built by the first run, never at cold start."""

import azure.functions as func

from functions.chores import run_chore
from shared import telemetry
from shared.bootstrap import get_context, graph

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

    await run_chore("outlook_reconcile", inbound.reconcile, "Outlook reconciliation: %d mailbox(es) queued")


@bp.timer_trigger(schedule="%OUTLOOK_SUBSCRIPTIONS_SCHEDULE%", arg_name="timer", run_on_startup=False)
async def outlook_subscriptions(timer: func.TimerRequest) -> None:
    from shared.services.outlook import subscriptions

    async def maintain(ctx) -> int:
        done = await subscriptions.maintain(ctx, graph())
        return done.subscribed + done.forgotten + len(done.messages)

    await run_chore("outlook_subscriptions", maintain,
                    "Outlook: %d subscription(s) made, renewed or forgotten, or first round(s) queued")
