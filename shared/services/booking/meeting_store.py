"""Storing meetings in their day partitions: create, change, move across days, cancel.

A move to another day is two batches: first the new day (claims the new time, creates the
meeting there), then the old day (deletes the old copy, frees the old time). Between the
two, the old time stays held and both copies exist; readers take the copy with the higher
sequence and finish an interrupted move themselves (see docs/data-model.md).
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shared.context import Context
from shared.errors import InvalidRequest, NotFound
from shared.models.common import new_id
from shared.models.meetings import Meeting
from shared.ports import BatchRejected, Op
from shared.rules.booking import MEETING_ENTRY, Calendar, Claim, plan, release
from shared.rules.calendar_documents import MEETING_DOC
from shared.rules.history import SYSTEM_ACTOR, record, tombstone
from shared.rules.notifications import Notice
from shared.rules.personal_data import holds_personal_data
from shared.rules.webhooks import event as webhook_event
from shared.services.booking.day_batch import after_commit, keep_calendars, write_day
from shared.services.booking.meeting_documents import (
    NO_BUFFERS,
    StoredMeeting,
    document,
    from_document,
    holds_same_time,
    latest,
    resources,
)
from shared.services.booking.offer_check import Check, RoomChoice, with_room
from shared.services.booking.outbox import new_outbox_id, outbox_document, outbox_ops, publish_outbox
from shared.services.booking.reservation_store import held_by
from shared.services.idempotency import Keep

log = logging.getLogger(__name__)
REPAIR_ATTEMPTS = 3


@dataclass(frozen=True)
class MeetingWrite:
    """One change to store: `after` on `day` (a create when `before` is None).

    `consumed`: the reservation document the booking takes its time from; `caps`: the daily
    cap per employee calendar (customer bookings); `known`: calendars just read with the
    consumed reservation, used for the first attempt when they are all the booking checks.
    `actor`: who makes the change (the token's oid, else sub), for the history record.
    `buffers` are stored with the meeting's entries; `check` (a customer booking, section 20)
    may refuse the time, reading `check_resources` too; `room` chooses the room (section 13);
    `keep` adds the kept answer of an Idempotency-Key (section 11) to the batch."""

    before: StoredMeeting | None
    after: Meeting
    day: str
    sequence: int
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
    outlook: bool = False  # the change goes to the employees' Outlook calendars (outlookSync TwoWay)

    @property
    def moving(self) -> bool:
        return self.before is not None and self.before.day != self.day


def history_after(write: MeetingWrite, after: Meeting) -> tuple[dict[str, Any], ...]:
    """The meeting's history with the record of this write (at the meeting's new dateModified)."""
    before = write.before.meeting.to_json() if write.before else None
    previous = write.before.history if write.before else ()
    return (*previous, record(after.date_modified, write.actor, before, after.to_json()))


async def read(ctx: Context, id: str) -> StoredMeeting:
    """The current meeting (404 when there is none), finishing an interrupted move first."""
    found = latest([from_document(d) for d in await ctx.bookings.find(id, [MEETING_DOC])])
    if not found:
        raise NotFound(f"No meeting with id '{id}'.")
    for stale in found[1:]:
        log.warning("Meeting %s has a stale copy on %s; removing it", id, stale.day)
        await drop_copy(ctx, stale)
    return found[0]


async def drop_copy(ctx: Context, stale: StoredMeeting) -> None:
    """Delete one day's copy of a meeting and free its time there; already gone is fine."""
    ids = {stale.meeting.id}
    for _ in range(REPAIR_ATTEMPTS):
        try:
            await write_day(ctx, stale.day, resources(stale.meeting), lambda c, at: release(c, ids, at),
                            [Op("delete", stale.meeting.id, etag=stale.etag)])
            return
        except BatchRejected:
            current = (await ctx.bookings.day(stale.day, ids)).get(stale.meeting.id)
            if current is None:
                return
            stale = from_document(current)


def _checked_resources(write: MeetingWrite) -> set[str]:
    """The calendars to read and decide on: none when the time and participants stay."""
    before, after, consumed = write.before, write.after, write.consumed
    if before is not None and not write.moving and not consumed and holds_same_time(before.meeting, after):
        return set()
    return {*resources(after), *(held_by(consumed) if consumed else ()),
            *(resources(before.meeting) if before and not write.moving else ()),
            *write.check_resources, *(write.room.resources if write.room else ())}


def _room_assigned(write: MeetingWrite, meeting: Meeting) -> bool:
    if write.room is not None:
        return meeting.room_id is not None
    return write.before is not None and write.before.room_assigned and meeting.room_id == write.before.meeting.room_id


def _meeting_op(write: MeetingWrite, meeting: Meeting, history: tuple[dict[str, Any], ...]) -> Op:
    extra = {**(write.keep.mark if write.keep else {}), "roomAssigned": _room_assigned(write, meeting)}
    meeting_doc = document(meeting, write.day, write.sequence, history,
                           write.before.erased_at if write.before else None, write.buffers, extra)
    if write.before is None:
        return Op("create", meeting.id, meeting_doc)
    if write.moving:
        return Op("upsert", meeting.id, meeting_doc)  # a stale copy from an interrupted move may be there
    return Op("replace", meeting.id, meeting_doc, write.before.etag)


async def save(ctx: Context, write: MeetingWrite) -> StoredMeeting:
    """Create or change a meeting, checked for conflicts when its time or resources change,
    consuming a reservation if given. Raises Conflict (time taken), InvalidRequest
    (reservation gone) or BatchRejected (the meeting changed meanwhile)."""
    consumed = write.consumed
    consumed_ids = {consumed["id"]} if consumed else set()
    checked = _checked_resources(write)
    now = ctx.clock()
    event_id, outbox_id = new_id(), new_outbox_id()
    before = write.before.meeting if write.before else None
    decided = {"meeting": write.after}

    def decide(calendars: Mapping[str, Calendar], at: datetime) -> dict:
        # The room (section 13) and the customer check (section 20) are decided on the same
        # calendars the batch is conditioned on, so they are as race-safe as the conflict check.
        meeting = decided["meeting"] = with_room(write.after, write.room, calendars, at)
        if write.check is not None:
            write.check(calendars, at)
        claim = Claim(meeting.id, MEETING_ENTRY, meeting.start_date, meeting.end_date, resources(meeting),
                      releases=frozenset(consumed_ids), caps=write.caps, buffer_before=write.buffers[0],
                      buffer_after=write.buffers[1])
        return plan(claim, calendars, at)

    def ops() -> list[Op]:
        meeting = decided["meeting"]
        # The webhook event carries the meeting as decided (with the room chosen), same id on every attempt.
        # One outbox id on every attempt: a lost answer is read back by its ids.
        outbox = decided["outbox"] = outbox_document(write.day, write.notices, now,
                                                     [webhook_event(before, meeting, now, event_id)],
                                                     write.subscriptions, outbox_id,
                                                     meeting.id if write.outlook else None)
        kept = [write.keep.answer_op(write.day, meeting.to_json())] if write.keep else []
        history = decided["history"] = history_after(write, meeting)
        return [_meeting_op(write, meeting, history),
                *(Op("delete", c, etag=consumed["_etag"]) for c in consumed_ids), *outbox_ops(outbox), *kept]

    known = {r: write.known[r] for r in checked} if write.known is not None and checked <= set(write.known) else None
    try:
        written = await write_day(ctx, write.day, checked, decide if checked else keep_calendars, ops, known)
    except BatchRejected as rejected:
        if rejected.op.id in consumed_ids:
            raise InvalidRequest(f"No active reservation with id '{rejected.op.id}'.",
                                 {"timeSlotId": ["The reservation does not exist or has expired."]}) from None
        raise
    if write.moving:
        await after_commit("removing the old copy of a moved meeting", drop_copy(ctx, write.before))
    await after_commit("publishing the outbox", publish_outbox(ctx, decided["outbox"]))
    after = decided["meeting"]
    return StoredMeeting(after, write.day, write.sequence, written[after.id]["_etag"], decided["history"],
                         write.before.erased_at if write.before else None, write.buffers,
                         _room_assigned(write, after))


def cancelled_document(before: StoredMeeting, at: datetime, actor: str) -> dict[str, Any]:
    """The tombstone that replaces a cancelled meeting: its history with the Cancelled record."""
    history = [*before.history, record(at, actor, before.meeting.to_json(), None)]
    stored = document(before.meeting, before.day, before.sequence, (), before.erased_at)
    return {**tombstone(stored, history, at), "personalData": holds_personal_data({}, history)}


async def cancel(ctx: Context, before: StoredMeeting, notices: list[Notice], actor: str = SYSTEM_ACTOR,
                 subscriptions: tuple[tuple[str, list[str]], ...] | None = None, outlook: bool = False) -> None:
    """Replace the meeting with its tombstone (which keeps the history) and free its time, in
    one batch with its cancellation notices, webhook event and (`outlook`) Outlook reference."""
    now = ctx.clock()
    outbox = outbox_document(before.day, notices, now, [webhook_event(before.meeting, None, now, new_id())],
                             subscriptions, outlook_meeting=before.meeting.id if outlook else None)
    ids = {before.meeting.id}
    await write_day(ctx, before.day, resources(before.meeting), lambda c, at: release(c, ids, at),
                    [Op("replace", before.meeting.id, cancelled_document(before, now, actor), before.etag),
                     *outbox_ops(outbox)])
    await after_commit("publishing the outbox", publish_outbox(ctx, outbox))
