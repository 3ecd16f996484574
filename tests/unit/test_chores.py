"""functions/chores.py: one timer per chore, each on its own schedule setting, each doing its
chore (over the fakes); a failure is logged under the chore's name and left to the next run."""

import logging
from datetime import timedelta

import pytest
from azure.functions.timer import TimerRequest

import function_app
from functions import chores
from shared import bootstrap, request_ids
from shared.errors import ServiceUnavailable
from shared.services import idempotency, meetings, reservations
from shared.settings import Settings
from tests.unit.services.test_history_and_personal_data import portal_booking
from tests.utils.booking_builders import add_employee, meeting_request, reserve_request, tomorrow_at
from tests.utils.fakes import fake_context
from tests.utils.stack import chores_app
from tools.devhost.host import triggers

TICK = TimerRequest(past_due=False)


@pytest.fixture
def ctx(caplog):
    caplog.set_level(logging.INFO, logger=chores.log.name)
    context = fake_context()
    bootstrap.set_context(context)
    yield context
    bootstrap.set_context(None)


def test_each_chore_has_a_timer_named_for_it_on_a_schedule_setting_of_its_own():
    timers = {t.name: t.binding["schedule"] for t in triggers(chores_app())}
    assert timers == {
        "expire_reservations": "%RESERVATION_EXPIRY_SCHEDULE%",
        "republish_outbox": "%OUTBOX_REPUBLISH_SCHEDULE%",
        "erase_personal_data_past_retention": "%PERSONAL_DATA_RETENTION_SCHEDULE%",
        "forget_idempotency_keys": "%IDEMPOTENCY_CLEANUP_SCHEDULE%",
        "repair_interrupted_writes": "%INTERRUPTED_WRITES_REPAIR_SCHEDULE%",
        "forget_expired_outbox_documents": "%OUTBOX_CLEANUP_SCHEDULE%",
        "send_booking_reminders": "%REMINDERS_SCHEDULE%",
    }
    assert {schedule.strip("%") for schedule in timers.values()} <= set(Settings.model_fields)
    assert function_app.chores is chores, "function_app.py registers them"


async def test_expire_reservations_removes_what_has_expired(ctx, caplog):
    mette = await add_employee(ctx)
    await reservations.reserve(ctx, reserve_request(mette, tomorrow_at(ctx, 9)))
    await chores.expire_reservations(TICK)
    assert len(ctx.bookings.all("reservation")) == 1, "not expired yet"
    ctx.clock.advance(ctx.settings.RESERVATION_TTL)
    await chores.expire_reservations(TICK)
    assert ctx.bookings.all("reservation") == []
    assert "Removed 1 expired reservation(s)" in caplog.text


async def test_republish_outbox_sends_what_the_queue_missed(ctx, caplog):
    mette = await add_employee(ctx)
    ctx.publisher.failing = True
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    ctx.publisher.failing = False
    ctx.clock.advance(timedelta(minutes=1))
    await chores.republish_outbox(TICK)
    assert ctx.bookings.all("outboxPending") == [] and len(ctx.publisher.sent) == 1
    assert "Re-published 1 outbox document(s)" in caplog.text


async def test_forget_expired_outbox_documents_removes_them_after_their_life(ctx, caplog):
    mette = await add_employee(ctx)
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    assert len(ctx.bookings.all("outbox")) == 1, "kept after publishing: messages refer to it"
    await chores.forget_expired_outbox_documents(TICK)
    assert len(ctx.bookings.all("outbox")) == 1
    ctx.clock.advance(timedelta(days=18))
    await chores.forget_expired_outbox_documents(TICK)
    assert ctx.bookings.all("outbox") == []
    assert "Removed 1 expired outbox document(s)" in caplog.text


async def test_erase_personal_data_past_retention_erases_old_meetings(ctx, caplog):
    mette = await add_employee(ctx)
    old = await portal_booking(ctx, mette, tomorrow_at(ctx, 9))
    ctx.clock.advance(timedelta(days=367))
    await chores.erase_personal_data_past_retention(TICK)
    assert (await meetings.get_meeting(ctx, old.id)).item.cpr is None
    assert "Erased the personal data of 1 meeting(s) past retention" in caplog.text


async def test_forget_idempotency_keys_removes_records_past_their_lifetime(ctx, caplog):
    mette = await add_employee(ctx)
    body = meeting_request(mette, tomorrow_at(ctx, 9))
    await idempotency.run(ctx, "s", "POST /meetings", "k", b"{}", 201,
                          lambda keep: meetings.create_meeting(ctx, body, keep=keep))
    ctx.clock.advance(timedelta(hours=24))
    await chores.forget_idempotency_keys(TICK)
    assert "Removed 2 expired Idempotency-Key record(s)" in caplog.text


async def test_repair_interrupted_writes_settles_a_move_whose_process_died(ctx, caplog):
    from shared.services.booking import moves

    mette = await add_employee(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    later = tomorrow_at(ctx, 9) + timedelta(days=1)
    original = moves.drop_copy
    moves.drop_copy = _dies  # the process dies before removing the old copy
    try:
        await meetings.patch_meeting(ctx, booked.item.id, [
            {"op": "replace", "path": "/startDate", "value": later.isoformat()},
            {"op": "replace", "path": "/endDate", "value": (later + timedelta(hours=1)).isoformat()}], None)
    finally:
        moves.drop_copy = original
    assert len(ctx.bookings.all("meeting")) == 2
    ctx.clock.advance(timedelta(minutes=1))
    await chores.repair_interrupted_writes(TICK)
    assert [d["pk"] for d in ctx.bookings.all("meeting")] == [later.date().isoformat()]
    assert "Repaired 1 move(s) and spill(s) a process left half done" in caplog.text


async def _dies(ctx, stale) -> None:
    return None


async def test_a_chore_the_database_fails_is_logged_by_name_and_left_to_the_next_run(ctx, caplog):
    async def busy(context):
        raise ServiceUnavailable("Cosmos DB is busy.")

    assert await chores.run_chore("sweep_floors", busy, "Swept %d floor(s)") == 0
    assert "Timer sweep_floors failed (Cosmos DB is busy.); the next run tries again" in caplog.text


async def test_a_bug_in_a_chore_reaches_the_host_which_records_the_failure(ctx):
    async def broken(context):
        raise KeyError("meetingType")

    with pytest.raises(KeyError):
        await chores.run_chore("sweep_floors", broken, "Swept %d floor(s)")


async def test_each_run_logs_under_a_request_id_of_its_own(ctx):
    seen = []

    async def note(context):
        assert context is ctx
        seen.append(request_ids.current())
        return 0

    await chores.run_chore("note", note, "Noted %d")
    await chores.run_chore("note", note, "Noted %d")
    assert len(set(seen)) == 2 and "-" not in seen
