"""Timers: one function per chore, each on its own schedule (an app setting), so on-call finds a
chore where it is named (docs/operations.md).

- `expire_reservations` (RESERVATION_EXPIRY_SCHEDULE): deletes expired reservations. They never
  block (bookings compare expiresAt with the clock); deleting them keeps day calendars short.
- `republish_outbox` (OUTBOX_REPUBLISH_SCHEDULE): publishes the notifications and webhook events
  a queue missed.
- `forget_expired_outbox_documents` (OUTBOX_CLEANUP_SCHEDULE): deletes outbox documents and
  set-aside outbox entries past their life (Azure's ttl does too; the local Cosmos server ignores ttl).
- `erase_personal_data_past_retention` (PERSONAL_DATA_RETENTION_SCHEDULE): erases the personal
  data of meetings past the organization's personalDataRetention, at most 100 a run.
- `forget_idempotency_keys` (IDEMPOTENCY_CLEANUP_SCHEDULE): deletes Idempotency-Key records past
  their 24 hours (Azure's ttl does too; the local Cosmos server ignores ttl).
- `send_booking_reminders` (REMINDERS_SCHEDULE): queues the reminder e-mails of booking-page
  meetings that are due (organization setting `reminders`, contract section 24); each reminder is
  advanced by a batch conditioned on the meeting's ETag.
- `repair_interrupted_writes` (INTERRUPTED_WRITES_REPAIR_SCHEDULE): finishes or undoes moves of
  meetings to another day, and removes spills, that a process left half done when it died.

Each only translates: one call into its service, imported by its first run rather than at cold
start (bench/bench_cold_start.py). Each is safe on several instances at once: every delete is
conditioned on the ETag it read, and a 404 or 412 means another instance did it already. A new
chore is a function of a few lines here, a schedule setting and a line above.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import azure.functions as func

from shared import request_ids, telemetry
from shared.bootstrap import get_context
from shared.errors import BookMeError

log = logging.getLogger(__name__)

bp = func.Blueprint()


async def run_chore(name: str, work: Callable[[Any], Awaitable[int]], done: str) -> int:
    """Run one chore with a request id and a span of its own, log `done` with how many things it
    did, and return that number. A failure the service expects (the database busy or down) is
    logged and left to the next run; anything else is a bug, and the host records it."""
    with request_ids.scope(request_ids.accept_or_new(None)), telemetry.span(f"timer.{name}"):
        try:
            count = await work(await get_context())
        except BookMeError as error:
            log.warning("Timer %s failed (%s); the next run tries again", name, error.detail)
            return 0
        if count:
            log.info(done, count)
    return count


@bp.timer_trigger(schedule="%RESERVATION_EXPIRY_SCHEDULE%", arg_name="timer", run_on_startup=False)
async def expire_reservations(timer: func.TimerRequest) -> None:
    from shared.services import reservations

    removed = await run_chore("expire_reservations", reservations.cleanup_expired,
                              "Removed %d expired reservation(s)")
    telemetry.count("bookme.reservation_expiries", removed)


@bp.timer_trigger(schedule="%OUTBOX_REPUBLISH_SCHEDULE%", arg_name="timer", run_on_startup=False)
async def republish_outbox(timer: func.TimerRequest) -> None:
    from shared.services import notifications

    await run_chore("republish_outbox", notifications.republish, "Re-published %d outbox document(s)")


@bp.timer_trigger(schedule="%OUTBOX_CLEANUP_SCHEDULE%", arg_name="timer", run_on_startup=False)
async def forget_expired_outbox_documents(timer: func.TimerRequest) -> None:
    from shared.services import notifications

    await run_chore("forget_expired_outbox_documents", notifications.remove_expired,
                    "Removed %d expired outbox document(s)")


@bp.timer_trigger(schedule="%PERSONAL_DATA_RETENTION_SCHEDULE%", arg_name="timer", run_on_startup=False)
async def erase_personal_data_past_retention(timer: func.TimerRequest) -> None:
    from shared.services import personal_data

    await run_chore("erase_personal_data_past_retention", personal_data.erase_expired,
                    "Erased the personal data of %d meeting(s) past retention")


@bp.timer_trigger(schedule="%IDEMPOTENCY_CLEANUP_SCHEDULE%", arg_name="timer", run_on_startup=False)
async def forget_idempotency_keys(timer: func.TimerRequest) -> None:
    from shared.services import idempotency

    await run_chore("forget_idempotency_keys", idempotency.cleanup_expired,
                    "Removed %d expired Idempotency-Key record(s)")


@bp.timer_trigger(schedule="%INTERRUPTED_WRITES_REPAIR_SCHEDULE%", arg_name="timer", run_on_startup=False)
async def repair_interrupted_writes(timer: func.TimerRequest) -> None:
    from shared.services import repairs

    await run_chore("repair_interrupted_writes", repairs.repair_interrupted_writes,
                    "Repaired %d move(s) and spill(s) a process left half done")


@bp.timer_trigger(schedule="%REMINDERS_SCHEDULE%", arg_name="timer", run_on_startup=False)
async def send_booking_reminders(timer: func.TimerRequest) -> None:
    from shared.services.booking_page import reminders

    await run_chore("send_booking_reminders", reminders.send_due, "Queued %d reminder(s)")
