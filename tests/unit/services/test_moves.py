"""Moving a meeting to another day, over the fakes: every interleaving of the three steps of a move
(mark, write the new day, remove the old copy) with a crash, a cancellation, an erasure, another
change or another move, and the repair that follows. After each, the meeting has one deciding copy
(or none, once cancelled), its time is held where that copy is and nowhere else, and nothing erased
comes back."""

from datetime import timedelta
from typing import Any

import pytest

from shared.errors import Conflict, NotFound, PreconditionFailed
from shared.models.common import format_utc
from shared.rules import moves as move_rules
from shared.rules.local_days import day_key
from shared.services import meeting_history, meetings, personal_data
from shared.services.booking import moves
from tests.utils.booking_builders import add_employee, meeting_request, tomorrow_at
from tests.utils.fakes import ProcessDied


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    """Writers settle a fresh mark at once: the fakes run every step in this one task anyway."""
    monkeypatch.setattr(move_rules, "WAIT_FOR_MOVER", timedelta(0))


def to_day_after(start, days: int = 1) -> list[dict[str, Any]]:
    later = start + timedelta(days=days)
    return [{"op": "replace", "path": "/startDate", "value": format_utc(later)},
            {"op": "replace", "path": "/endDate", "value": format_utc(later + timedelta(hours=1))}]


def is_mark(day: str, ops) -> bool:
    """Step 1: the meeting's own copy replaced with a mark."""
    return any(op.kind == "replace" and op.document and "moving" in op.document for op in ops)


def is_new_day(day: str, ops) -> bool:
    """Step 2: the batch that creates the move record `committed`."""
    return any(op.id.startswith("move:") and op.document and op.document["outcome"] == "committed" for op in ops)


def is_old_copy_removed(day: str, ops) -> bool:
    """Step 3: the marked copy deleted."""
    return any(op.kind == "delete" for op in ops) and not any(op.kind == "create" for op in ops)


async def move_dies_before(step, ctx, meeting, start) -> None:
    """Start moving the meeting a day later; the process dies before the given step."""
    ctx.bookings.crash_before = step
    with pytest.raises(ProcessDied):
        await meetings.patch_meeting(ctx, meeting.id, to_day_after(start), None)
    ctx.bookings.crash_before = None


async def book(ctx, **fields):
    mette = await add_employee(ctx)
    start = tomorrow_at(ctx, 9)
    meeting = (await meetings.create_meeting(ctx, meeting_request(mette, start, **fields))).item
    return meeting, start


def day_of(moment) -> str:
    return day_key(moment.date())  # the fakes' clock runs in UTC hours that stay on one Copenhagen day


async def settled(ctx) -> None:
    """Let the lease run out and the repair timer settle whatever is left."""
    ctx.clock.advance(move_rules.MOVE_LEASE + timedelta(seconds=1))
    await moves.repair(ctx)


def held_on(ctx, meeting_id: str) -> set[str]:
    """The days whose calendars hold the meeting's time."""
    return {c["pk"] for c in ctx.bookings.all("calendar") if any(e["ref"] == meeting_id for e in c["entries"])}


def copies(ctx, meeting_id: str) -> list[dict[str, Any]]:
    return [d for d in ctx.bookings.all("meeting") if d["id"] == meeting_id]


def assert_one_meeting_on(ctx, meeting_id: str, day: str) -> None:
    (copy,) = copies(ctx, meeting_id)
    assert copy["pk"] == day and "moving" not in copy
    assert held_on(ctx, meeting_id) == {day}


def assert_cancelled(ctx, meeting_id: str) -> None:
    assert copies(ctx, meeting_id) == []
    assert held_on(ctx, meeting_id) == set()
    assert [d["id"] for d in ctx.bookings.all("cancelledMeeting")] == [meeting_id]


async def test_a_move_marks_writes_the_new_day_and_removes_the_old_copy(ctx):
    meeting, start = await book(ctx)
    moved = await meetings.patch_meeting(ctx, meeting.id, to_day_after(start), None)
    assert moved.item.start_date == start + timedelta(days=1)
    assert_one_meeting_on(ctx, meeting.id, day_of(start + timedelta(days=1)))
    (record,) = ctx.bookings.all("moveRecord")
    assert record["outcome"] == "committed" and record["pk"] == day_of(start + timedelta(days=1))
    assert [r.action.value for r in await meeting_history.history(ctx, meeting.id)] == ["Created", "Rescheduled"]


async def test_a_crash_after_the_mark_leaves_the_meeting_where_it_was_and_the_repair_takes_the_mark_away(ctx):
    meeting, start = await book(ctx)
    await move_dies_before(is_new_day, ctx, meeting, start)
    assert (await meetings.get_meeting(ctx, meeting.id)).item.start_date == start, "the move did not happen"
    await settled(ctx)
    assert_one_meeting_on(ctx, meeting.id, day_of(start))
    assert [d["outcome"] for d in ctx.bookings.all("moveRecord")] == ["aborted"]


async def test_a_crash_after_the_new_day_is_written_is_read_as_moved_and_the_repair_removes_the_old_copy(ctx):
    meeting, start = await book(ctx)
    await move_dies_before(is_old_copy_removed, ctx, meeting, start)
    assert (await meetings.get_meeting(ctx, meeting.id)).item.start_date == start + timedelta(days=1)
    assert held_on(ctx, meeting.id) == {day_of(start), day_of(start + timedelta(days=1))}, "both held: safe"
    await settled(ctx)
    assert_one_meeting_on(ctx, meeting.id, day_of(start + timedelta(days=1)))


async def test_a_crash_after_the_mark_is_settled_by_the_next_writer_without_waiting_for_the_timer(ctx):
    meeting, start = await book(ctx)
    await move_dies_before(is_new_day, ctx, meeting, start)
    retried = await meetings.patch_meeting(ctx, meeting.id, to_day_after(start, 2), None)
    assert retried.item.start_date == start + timedelta(days=2)
    assert_one_meeting_on(ctx, meeting.id, day_of(start + timedelta(days=2)))


async def test_a_cancellation_between_the_mark_and_the_new_day_wins_and_the_move_finds_nothing(ctx):
    meeting, start = await book(ctx)
    ctx.bookings.before_commit_of(is_new_day, lambda: meetings.cancel_meeting(ctx, meeting.id, None))
    with pytest.raises(NotFound):
        await meetings.patch_meeting(ctx, meeting.id, to_day_after(start), None)
    await settled(ctx)
    assert_cancelled(ctx, meeting.id)


async def test_a_cancellation_between_the_new_day_and_the_removal_cancels_the_moved_meeting(ctx):
    meeting, start = await book(ctx)
    ctx.bookings.before_commit_of(is_old_copy_removed, lambda: meetings.cancel_meeting(ctx, meeting.id, None))
    moved = await meetings.patch_meeting(ctx, meeting.id, to_day_after(start), None)
    assert moved.item.start_date == start + timedelta(days=1), "the move committed before the cancellation"
    await settled(ctx)
    assert_cancelled(ctx, meeting.id)
    with pytest.raises(NotFound):
        await meetings.get_meeting(ctx, meeting.id)


async def test_a_cancellation_before_the_mark_makes_the_move_a_404(ctx):
    meeting, start = await book(ctx)
    ctx.bookings.before_commit_of(is_mark, lambda: meetings.cancel_meeting(ctx, meeting.id, None))
    with pytest.raises(NotFound):
        await meetings.patch_meeting(ctx, meeting.id, to_day_after(start), None)
    assert_cancelled(ctx, meeting.id)


@pytest.mark.parametrize("step", [is_mark, is_new_day, is_old_copy_removed])
async def test_an_erasure_racing_a_move_at_any_step_is_never_undone(ctx, step):
    meeting, start = await book(ctx, description="Loan for the summer house", videoLink="https://meet/x")
    erased = []

    async def erase() -> None:
        erased.append(await personal_data.erase_customer(ctx, meeting.customer_id, "admin"))

    ctx.bookings.before_commit_of(step, erase)
    await meetings.patch_meeting(ctx, meeting.id, to_day_after(start), None)
    await settled(ctx)
    assert erased[0].meetings_erased == 1
    current = (await meetings.get_meeting(ctx, meeting.id)).item
    assert current.start_date == start + timedelta(days=1) and current.description in ("", None)
    everything = str(ctx.bookings.all())
    assert "summer house" not in everything and "https://meet/x" not in everything
    assert_one_meeting_on(ctx, meeting.id, day_of(start + timedelta(days=1)))


async def test_two_moves_with_one_if_match_have_exactly_one_winner(ctx):
    meeting, start = await book(ctx)
    etag = (await meetings.get_meeting(ctx, meeting.id)).etag
    outcomes = []

    async def rival() -> None:
        try:
            await meetings.patch_meeting(ctx, meeting.id, to_day_after(start, 2), etag)
            outcomes.append("rival moved")
        except PreconditionFailed:
            outcomes.append("rival 412")

    ctx.bookings.before_commit_of(is_new_day, rival)
    try:
        await meetings.patch_meeting(ctx, meeting.id, to_day_after(start, 1), etag)
        outcomes.append("first moved")
    except PreconditionFailed:
        outcomes.append("first 412")
    assert sorted(outcomes) in (["first 412", "rival moved"], ["first moved", "rival 412"])
    await settled(ctx)
    winner = 2 if "rival moved" in outcomes else 1
    assert_one_meeting_on(ctx, meeting.id, day_of(start + timedelta(days=winner)))


async def test_a_same_day_change_between_the_mark_and_the_new_day_is_kept_by_the_retried_move(ctx):
    meeting, start = await book(ctx)
    title = [{"op": "replace", "path": "/title", "value": "Renamed meanwhile"}]
    ctx.bookings.before_commit_of(is_new_day, lambda: meetings.patch_meeting(ctx, meeting.id, title, None))
    moved = await meetings.patch_meeting(ctx, meeting.id, to_day_after(start), None)
    assert moved.item.title == "Renamed meanwhile" and moved.item.start_date == start + timedelta(days=1)
    await settled(ctx)
    assert_one_meeting_on(ctx, meeting.id, day_of(start + timedelta(days=1)))


async def test_a_move_to_a_taken_time_is_a_409_and_takes_its_mark_away(ctx):
    meeting, start = await book(ctx)
    later = start + timedelta(days=1)
    await meetings.create_meeting(ctx, meeting_request(meeting.employee_id, later))
    with pytest.raises(Conflict):
        await meetings.patch_meeting(ctx, meeting.id, to_day_after(start), None)
    assert_one_meeting_on(ctx, meeting.id, day_of(start))
    assert (await meetings.get_meeting(ctx, meeting.id)).item.start_date == start


async def test_a_mark_left_by_a_crash_is_waited_for_then_settled_by_a_cancellation(ctx):
    meeting, start = await book(ctx)
    await move_dies_before(is_new_day, ctx, meeting, start)
    await meetings.cancel_meeting(ctx, meeting.id, None)
    assert_cancelled(ctx, meeting.id)
    await settled(ctx)
    assert_cancelled(ctx, meeting.id)


async def test_a_list_shows_a_meeting_caught_between_steps_once_where_its_deciding_copy_is(ctx):
    from shared.ports import MeetingFilters

    meeting, start = await book(ctx)
    await move_dies_before(is_old_copy_removed, ctx, meeting, start)
    page = await meetings.list_meetings(ctx, MeetingFilters(employee_id=meeting.employee_id))
    assert [(m.id, m.start_date) for m in page.items] == [(meeting.id, start + timedelta(days=1))]
