"""Storing meetings in their day partitions: create, change, move across days, cancel.

A move to another day is two batches: first the new day (claims the new time, creates the
meeting there), then the old day (deletes the old copy, frees the old time). Between the
two, the old time stays held and both copies exist; readers take the copy with the higher
sequence and finish an interrupted move themselves (see docs/data-model.md).
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shared.adapters.cosmos_bookings import MEETING, BatchRejected, Op
from shared.bootstrap import App
from shared.errors import InvalidRequest, NotFound
from shared.models.meetings import Meeting
from shared.rules.booking import MEETING as MEETING_ENTRY
from shared.rules.booking import Calendar, Claim, employee_calendar, plan, release, room_calendar
from shared.rules.notifications import Notice
from shared.services.bookings import outbox_document, outbox_ops, publish_outbox, store, write_day
from shared.services.reservations import held_by

log = logging.getLogger(__name__)
REPAIR_ATTEMPTS = 3


@dataclass(frozen=True)
class StoredMeeting:
    meeting: Meeting
    day: str
    sequence: int
    etag: str


def document(meeting: Meeting, day: str, sequence: int) -> dict[str, Any]:
    # `type` tells the documents of the container apart, so the meeting's type is kept as meetingType.
    fields = meeting.to_json()
    return {**fields, "meetingType": fields.pop("type"), "pk": day, "type": MEETING, "sequence": sequence}


def from_document(document: dict[str, Any]) -> StoredMeeting:
    meeting = Meeting.model_validate({**document, "type": document["meetingType"]})
    return StoredMeeting(meeting, document["pk"], document.get("sequence", 0), document["_etag"])


def resources(meeting: Meeting) -> tuple[str, ...]:
    """The calendars a meeting holds: its employees and its room."""
    held = [employee_calendar(meeting.employee_id), *(employee_calendar(e) for e in meeting.additional_employees)]
    if meeting.room_id:
        held.append(room_calendar(meeting.room_id))
    return tuple(dict.fromkeys(held))


def holds_same_time(before: Meeting, after: Meeting) -> bool:
    return (before.start_date, before.end_date) == (after.start_date, after.end_date) and \
        set(resources(before)) == set(resources(after))


async def read(app: App, id: str) -> StoredMeeting:
    """The current meeting (404 when there is none), finishing an interrupted move first."""
    found = sorted((from_document(d) for d in await store(app).find(id, [MEETING])),
                   key=lambda s: (s.sequence, s.meeting.date_modified), reverse=True)
    if not found:
        raise NotFound(f"No meeting with id '{id}'.")
    for stale in found[1:]:
        log.warning("Meeting %s has a stale copy on %s; removing it", id, stale.day)
        await drop_copy(app, stale)
    return found[0]


async def drop_copy(app: App, stale: StoredMeeting) -> None:
    """Delete one day's copy of a meeting and free its time there; already gone is fine."""
    ids = {stale.meeting.id}
    for _ in range(REPAIR_ATTEMPTS):
        try:
            await write_day(app, stale.day, resources(stale.meeting), lambda c, at: release(c, ids, at),
                            [Op("delete", stale.meeting.id, etag=stale.etag)])
            return
        except BatchRejected:
            current = (await store(app).day(stale.day, ids)).get(stale.meeting.id)
            if current is None:
                return
            stale = from_document(current)


async def save(app: App, before: StoredMeeting | None, after: Meeting, day: str, sequence: int,
               notices: list[Notice], consumed: dict[str, Any] | None = None,
               caps: dict[str, timedelta] | None = None,
               known: dict[str, Calendar] | None = None) -> StoredMeeting:
    """Create or change a meeting in `day`, checked for conflicts when its time or resources
    change, consuming a reservation if given. Raises Conflict (time taken), InvalidRequest
    (reservation gone) or BatchRejected (the meeting changed meanwhile).

    `known`: calendars just read with the consumed reservation; used for the first attempt
    when they are every calendar the booking checks, which saves a request."""
    moving = before is not None and before.day != day
    consumed_ids = {consumed["id"]} if consumed else set()
    claim = Claim(after.id, MEETING_ENTRY, after.start_date, after.end_date, resources(after),
                  releases=frozenset(consumed_ids), caps=caps or {})
    checked: Iterable[str] = ()
    if before is None or moving or consumed or not holds_same_time(before.meeting, after):
        checked = {*claim.resources, *(held_by(consumed) if consumed else ()),
                   *(resources(before.meeting) if before and not moving else ())}
    outbox = outbox_document(day, notices, app.clock())
    meeting_doc = document(after, day, sequence)
    if before is None:
        ops = [Op("create", after.id, meeting_doc)]
    elif moving:
        ops = [Op("upsert", after.id, meeting_doc)]  # a stale copy from an interrupted move may be there
    else:
        ops = [Op("replace", after.id, meeting_doc, before.etag)]
    ops += [Op("delete", c, etag=consumed["_etag"]) for c in consumed_ids] + outbox_ops(outbox)
    decide = (lambda calendars, at: plan(claim, calendars, at)) if checked else (lambda calendars, at: {})
    try:
        covered = known is not None and set(checked) <= set(known)
        written = await write_day(app, day, checked, decide, ops,
                                  {r: known[r] for r in checked} if covered else None)
    except BatchRejected as rejected:
        if rejected.op.id in consumed_ids:
            raise InvalidRequest(f"No active reservation with id '{rejected.op.id}'.",
                                 {"timeSlotId": ["The reservation does not exist or has expired."]}) from None
        raise
    if moving:
        await drop_copy(app, before)
    await publish_outbox(app, outbox)
    return StoredMeeting(after, day, sequence, written[after.id]["_etag"])


async def cancel(app: App, before: StoredMeeting, notices: list[Notice]) -> None:
    """Delete the meeting and free its time, in one batch with its cancellation notices."""
    outbox = outbox_document(before.day, notices, app.clock())
    ids = {before.meeting.id}
    await write_day(app, before.day, resources(before.meeting), lambda c, at: release(c, ids, at),
                    [Op("delete", before.meeting.id, etag=before.etag), *outbox_ops(outbox)])
    await publish_outbox(app, outbox)
