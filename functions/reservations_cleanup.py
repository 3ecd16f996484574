"""Timer: delete expired reservations, Idempotency-Key records and outbox documents, publish
notifications the queue missed, and erase the personal data of meetings past the
organization's personalDataRetention (at most 100 per run).

Expired reservations never block (bookings compare expiresAt with the clock); deleting them
keeps the day calendars short. Safe on several instances at once: every delete is
conditioned on the ETag it read, and a 404 or 412 means another instance did it already.
"""

import logging
from collections.abc import Awaitable

import azure.functions as func

from shared import request_ids, telemetry
from shared.bootstrap import get_context
from shared.errors import BookMeError

log = logging.getLogger(__name__)

bp = func.Blueprint()


@bp.timer_trigger(schedule="%RESERVATION_CLEANUP_SCHEDULE%", arg_name="timer", run_on_startup=False)
async def reservations_cleanup(timer: func.TimerRequest) -> None:
    # Imported by the first run, not at cold start (bench/bench_cold_start.py).
    from shared.services import idempotency, notifications, personal_data, reservations

    with request_ids.scope(request_ids.accept_or_new(None)), telemetry.span("reservations.cleanup"):
        ctx = await get_context()
        removed = await _chore("removing expired reservations", reservations.cleanup_expired(ctx))
        republished = await _chore("re-publishing the outbox", notifications.republish(ctx))
        erased = await _chore("erasing personal data past retention", personal_data.erase_expired(ctx))
        # Azure's ttl removes Idempotency-Key records too; the local Cosmos server ignores ttl.
        forgotten = await _chore("removing expired Idempotency-Key records", idempotency.cleanup_expired(ctx))
        # The same for outbox documents and set-aside outbox entries.
        expired = await _chore("removing expired outbox documents", notifications.remove_expired(ctx))
    telemetry.count("bookme.reservation_expiries", removed)
    if removed or republished or erased or forgotten or expired:
        log.info("Removed %d expired reservation(s), re-published %d outbox document(s), erased the personal data "
                 "of %d meeting(s) past retention, removed %d expired Idempotency-Key record(s) and %d expired "
                 "outbox document(s)", removed, republished, erased, forgotten, expired)


async def _chore(what: str, work: Awaitable[int]) -> int:
    """The chores are independent: a busy database in one must not keep the others waiting."""
    try:
        return await work
    except BookMeError as error:
        log.warning("Timer: %s failed (%s); the next run tries again", what, error.detail)
        return 0
