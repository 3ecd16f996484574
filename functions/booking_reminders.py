"""Timer: queue the reminder e-mails of booking-page meetings that are due (organization setting
`reminders`, contract section 24). One chore with its own schedule, REMINDERS_SCHEDULE. Safe on
several instances at once: each reminder is advanced by a batch conditioned on the meeting's ETag.
"""

import logging

import azure.functions as func

from shared import request_ids, telemetry
from shared.bootstrap import get_context
from shared.errors import BookMeError

log = logging.getLogger(__name__)

bp = func.Blueprint()


@bp.timer_trigger(schedule="%REMINDERS_SCHEDULE%", arg_name="timer", run_on_startup=False)
async def booking_reminders(timer: func.TimerRequest) -> None:
    from shared.services.booking_page import reminders  # imported by the first run, not at cold start

    with request_ids.scope(request_ids.accept_or_new(None)), telemetry.span("reminders.send"):
        try:
            queued = await reminders.send_due(await get_context())
        except BookMeError as error:
            log.warning("Timer: sending reminders failed (%s); the next run tries again", error.detail)
            return
    if queued:
        log.info("Queued %d reminder(s)", queued)
