"""Storing meetings in their day partitions: create, change, move across days, cancel.

A change within a day is one batch: the meeting replaced at its ETag, its calendars, its history
record, its outbox. A move to another day marks the old copy first, writes the new day in one
batch, then removes the old copy (shared/services/booking/moves.py, docs/data-model.md).
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shared.context import Context
from shared.errors import BookMeError, InvalidRequest
from shared.models.common import new_id
from shared.models.meetings import BookedBy, Meeting
from shared.ports import BatchRejected, Op
from shared.rules import moves as move_rules
from shared.rules.booking import MEETING_ENTRY, Calendar, Claim, plan, release
from shared.rules.history import SYSTEM_ACTOR, history_op, record, tombstone
from shared.rules.notifications import Notice
from shared.rules.personal_data import holds_personal_data
from shared.rules.reminders import reminder_at
from shared.rules.sizes import check_fits
from shared.rules.webhooks import event as webhook_event
from shared.services.booking import moves, spills
from shared.services.booking.day_batch import after_commit, keep_calendars, write_day
from shared.services.booking.meeting_documents import (
    NO_BUFFERS,
    StoredMeeting,
    document,
    from_document,
    holds_same_time,
    resources,
)
from shared.services.booking.moves import ChangedMeanwhile
from shared.services.booking.offer_check import Check, RoomChoice, with_room
from shared.services.booking.outbox import new_outbox_id, outbox_document, outbox_ops, publish_outbox
from shared.services.booking.reservation_store import held_by
from shared.services.booking.spills import FIELD as SPILL_FIELD
from shared.services.booking.spills import Spill, spill_of
from shared.services.idempotency import Keep

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeetingWrite:
    """One change to store: `after` on `day` (a create when `before` is None).

    `consumed`: the reservation document the booking takes its time from; `caps`: the daily
    cap per employee calendar (customer bookings); `known`: calendars just read with the
    consumed reservation, used for the first attempt when they are all the booking checks.
    `actor`: who makes the change (the token's oid, else sub), for the history record.
    `buffers` are stored with the meeting's entries; `check` (a customer booking, section 20)
    may refuse the time, reading `check_resources` too; `room` chooses the room (section 13);
    `keep` adds the kept answer of an Idempotency-Key (section 11) to the batch; `zone` is the
    organization's, whose local midnight a late booking's buffers may reach across."""

    before: StoredMeeting | None
    after: Meeting
    day: str
    sequence: int
    zone: str
    notices: list[Notice] = field(default_factory=list)
    consumed: dict[str, Any] | None = None
    caps: dict[str, timedelta] = field(default_factory=dict)
    known: dict[str, Calendar] | None = None
    actor: str = SYSTEM_ACTOR
    buffers: tuple[timedelta, timedelta] = NO_BUFFERS
    check: Check | None = None
    check_resources: frozenset[str] = frozenset()
    room: RoomChoice | None = None
    keep: Keep | None = None
    subscriptions: tuple[tuple[str, list[str]], ...] | None = None  # active webhooks, when the booking read them
    reminders: tuple[timedelta, ...] = ()  # the organization's reminder offsets (section 24)
    outlook: bool = False  # the change goes to the employees' Outlook calendars (outlookSync TwoWay)

    @property
    def moving(self) -> bool:
        return self.before is not None and self.before.day != self.day


async def read(ctx: Context, id: str) -> StoredMeeting:
    """The meeting as it stands (404 when there is none)."""
    return await moves.for_read(ctx, id)


async def read_for_write(ctx: Context, id: str) -> StoredMeeting:
    """The meeting as it stands, with no move in progress: what a change or cancellation starts from."""
    return await moves.for_write(ctx, id)


def _checked_resources(write: MeetingWrite) -> set[str]:
    """The calendars to read and decide on: none when the time and participants stay."""
    before, after, consumed = write.before, write.after, write.consumed
    decides = write.check is not None or write.room is not None  # decided on the calendars, like a booking
    if before is not None and not write.moving and not consumed and not decides \
            and holds_same_time(before.meeting, after):
        return set()
    return {*resources(after), *(held_by(consumed) if consumed else ()),
            *(resources(before.meeting) if before and not write.moving else ()),
            *write.check_resources, *(write.room.resources if write.room else ())}


def _room_assigned(write: MeetingWrite, meeting: Meeting) -> bool:
    if write.room is not None:
        return meeting.room_id is not None
    return write.before is not None and write.before.room_assigned and meeting.room_id == write.before.meeting.room_id


def _reminder_at(write: MeetingWrite, meeting: Meeting, now: datetime) -> str | None:
    before = write.before
    retimed = before is None or before.meeting.start_date != meeting.start_date
    return reminder_at(meeting.booked_by is BookedBy.PORTAL_CUSTOMER, meeting.start_date, write.reminders, now,
                       retimed, before.reminder_at if before else None)


def _meeting_ops(write: MeetingWrite, meeting: Meeting, history_length: int, personal: bool,
                 move_id: str | None, spill: Spill | None, now: datetime) -> list[Op]:
    """The meeting's own write: a create, a replace at the ETag it was read at, or (a move) the
    create of the copy on the new day with the move record that commits the move."""
    before = write.before
    extra = {**(write.keep.mark if write.keep else {}), "roomAssigned": _room_assigned(write, meeting)}
    if move_id is not None:
        extra["moveId"] = move_id
    if spill is not None:
        extra[SPILL_FIELD] = spill.to_json()
    if reminder := _reminder_at(write, meeting, now):
        extra["reminderAt"] = reminder  # in the same batch as the booking or move it belongs to
    stored = document(meeting, write.day, write.sequence, history_length, personal,
                      before.erased_at if before else None, write.buffers, extra,
                      before.legacy_history if before else ())
    if before is None:
        return [Op("create", meeting.id, stored)]
    if move_id is None:
        return [Op("replace", meeting.id, stored, before.etag)]
    record = move_rules.move_record(move_id, meeting.id, write.day, move_rules.COMMITTED, meeting.date_modified)
    return [Op("create", meeting.id, stored), Op("create", record["id"], record)]


async def save(ctx: Context, write: MeetingWrite) -> StoredMeeting:
    """Create or change a meeting, checked for conflicts when its time or resources change,
    consuming a reservation if given. Raises Conflict (time taken), InvalidRequest
    (reservation gone) or ChangedMeanwhile (another writer changed the meeting first)."""
    consumed = write.consumed
    consumed_ids = {consumed["id"]} if consumed else set()
    checked = _checked_resources(write)
    now = ctx.clock()
    event_id, outbox_id = new_id(), new_outbox_id()
    before = write.before.meeting if write.before else None
    position = write.before.history_length if write.before else 0
    move_id = new_id() if write.moving else None
    decided = {"meeting": write.after}
    built: dict[tuple, tuple[list[Op], dict | None]] = {}  # batch and outbox of each decision, built once

    def claim(meeting: Meeting) -> Claim:
        return Claim(meeting.id, MEETING_ENTRY, meeting.start_date, meeting.end_date, resources(meeting),
                     releases=frozenset(consumed_ids), caps=write.caps, buffer_before=write.buffers[0],
                     buffer_after=write.buffers[1])

    def decide(calendars: Mapping[str, Calendar], at: datetime) -> dict:
        # The room (section 13) and the customer check (section 20) are decided on the same
        # calendars the batch is conditioned on, so they are as race-safe as the conflict check.
        meeting = decided["meeting"] = with_room(write.after, write.room, calendars, at)
        if write.check is not None:
            write.check(calendars, at)
        return plan(claim(meeting), calendars, at)

    def ops() -> list[Op]:
        meeting, spill = decided["meeting"], decided["spill"]
        key = (meeting.room_id, spill.ref if spill else None)
        if key not in built:
            built[key] = batch(meeting, spill)
        made, decided["outbox"] = built[key]
        return made

    def batch(meeting: Meeting, spill: Spill | None) -> tuple[list[Op], dict | None]:
        # The webhook event carries the meeting as decided (with the room chosen), same id on every attempt.
        # One outbox id on every attempt: a lost answer is read back by its ids.
        outbox = outbox_document(write.day, write.notices, now, [webhook_event(before, meeting, now, event_id)],
                                 write.subscriptions, outbox_id, write.outlook)
        as_json = meeting.to_json()
        kept = [write.keep.answer_op(write.day, as_json, meeting)] if write.keep else []
        entry = record(meeting.date_modified, write.actor, before.to_json() if before else None, as_json)
        # Personal data stays flagged once written, in the meeting or in any record, until erased.
        personal = holds_personal_data(as_json, [entry]) or bool(write.before and write.before.personal)
        return [*_meeting_ops(write, meeting, position + 1, personal, move_id, spill, now),
                history_op(meeting.id, meeting.customer_id, write.day, position, entry),
                *(Op("delete", c, etag=consumed["_etag"]) for c in consumed_ids), *outbox_ops(outbox), *kept], outbox

    known = {r: write.known[r] for r in checked} if write.known is not None and checked <= set(write.known) else None
    old_spill = spill_of(write.before.document) if write.before else None
    decided["spill"] = old_spill
    # Refused before anything is written (section 22): what this change writes must fit one batch.
    check_fits((op.document for op in ops() if op.document), write.after.to_json())
    # A new time or new employees claim the next day's calendars too when buffers reach across midnight.
    claims = bool(checked) or write.moving
    spill = await spills.hold(ctx, claim(write.after), write.zone, (old_spill, spill_of(consumed))) \
        if claims else old_spill
    decided["spill"] = spill
    marked = None
    try:
        marked = await moves.mark(ctx, write.before, write.day, move_id) if move_id else None
        written = await write_day(ctx, write.day, checked, decide if checked else keep_calendars, ops, known)
    except BookMeError as failure:
        if marked is not None:  # the move did not happen: take the mark away (the repair timer does, should this fail)
            await after_commit("undoing the mark of a failed move", moves.settle(ctx, marked.document))
        if spill is not old_spill:
            await after_commit("removing the spill of a failed booking", spills.release_spill(ctx, spill))
        raise _refusal(failure, write.after.id, consumed_ids) from None
    if marked is not None:  # removes the old copy's spill too
        await after_commit("removing the old copy of a moved meeting", moves.drop_copy(ctx, marked))
    elif spill is not old_spill:
        await after_commit("removing the spill of the meeting's old time", spills.release_spill(ctx, old_spill))
    await after_commit("publishing the outbox", publish_outbox(ctx, decided["outbox"], write.subscriptions))
    after = decided["meeting"]
    return from_document(written[after.id])


def _refusal(failure: BookMeError, meeting_id: str, consumed_ids: set[str]) -> BookMeError:
    """What a refused batch means to the caller: the reservation it consumes is gone (400), or the
    meeting changed meanwhile (its replace, or a move's creates, were refused)."""
    if not isinstance(failure, BatchRejected):
        return failure
    if failure.op.id in consumed_ids:
        return InvalidRequest(f"No active reservation with id '{failure.op.id}'.",
                              {"timeSlotId": ["The reservation does not exist or has expired."]})
    if failure.op.id == meeting_id or failure.op.id.startswith("move:"):
        return ChangedMeanwhile("The meeting was changed by someone else.")
    return failure.error


def cancelled_document(before: StoredMeeting, at: datetime) -> dict[str, Any]:
    """The tombstone that replaces a cancelled meeting (its history records stay, as documents)."""
    stored = document(before.meeting, before.day, before.sequence, before.history_length + 1, before.personal,
                      before.erased_at, legacy_history=before.legacy_history)
    return tombstone(stored, at)


async def cancel(ctx: Context, before: StoredMeeting, notices: list[Notice], actor: str = SYSTEM_ACTOR,
                 subscriptions: tuple[tuple[str, list[str]], ...] | None = None, outlook: bool = False) -> None:
    """Replace the meeting with its tombstone and free its time, in one batch with the Cancelled
    record, its cancellation notices and webhook event (and, `outlook`, its Outlook events' reference).
    ChangedMeanwhile when it changed."""
    now = ctx.clock()
    meeting = before.meeting
    outbox = outbox_document(before.day, notices, now, [webhook_event(meeting, None, now, new_id())], subscriptions,
                             outlook=outlook)
    ids = {meeting.id}
    ops = [Op("replace", meeting.id, cancelled_document(before, now), before.etag),
           history_op(meeting.id, meeting.customer_id, before.day, before.history_length,
                      record(now, actor, meeting.to_json(), None)), *outbox_ops(outbox)]
    try:
        await write_day(ctx, before.day, resources(meeting), lambda c, at: release(c, ids, at), ops)
    except BatchRejected as rejected:
        raise _refusal(rejected, meeting.id, set()) from None
    await after_commit("removing the spill of a cancelled meeting",
                       spills.release_spill(ctx, spill_of(before.document)))
    await after_commit("publishing the outbox", publish_outbox(ctx, outbox, subscriptions))
