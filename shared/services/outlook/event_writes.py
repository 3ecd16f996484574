"""BookMe to Outlook (contract section 23, TwoWay): bring a meeting's events in its employees'
calendars in line with the meeting as it is now. Every change of a meeting queues a reference
to it through the booking's outbox (never on the booking's critical path); this runs per message,
one worker per meeting at a time (leases.py), so a retried or late message only finds less to do.

Each event is written once: its transactionId is saved before the POST, and a retry after an
unanswered POST sends the same one, which Graph answers with the event it made the first time.
The primary employee's event of an Online meeting is a Teams meeting; its join URL becomes the
meeting's videoLink (when the meeting has none) through an ordinary change of the meeting, so the
invitations carry it.
"""

import logging
from dataclasses import dataclass
from enum import Enum

from shared import kinds
from shared.context import Context
from shared.errors import BookMeError, Conflict, NotFound
from shared.models.meetings import Meeting
from shared.models.outlook import MeetingEvents, OutlookEvent
from shared.ports import Documents, Graph, Versioned
from shared.rules import outlook_events as rules
from shared.services import meetings
from shared.services.booking import lookups, meeting_store
from shared.services.booking.invitations import invitation
from shared.services.booking.meeting_documents import StoredMeeting
from shared.services.outlook import leases

log = logging.getLogger(__name__)
ACTOR = "system:outlook"


class Written(Enum):
    DONE = "done"
    BUSY = "busy"  # another worker holds the meeting's events and runs again
    PENDING = "pending"  # another worker holds them and was already asked to run again


@dataclass
class _Run:
    """One worker's run over a meeting's events, holding their lease."""

    ctx: Context
    graph: Graph
    store: Documents[MeetingEvents]
    held: Versioned[MeetingEvents]

    async def save(self, change) -> MeetingEvents:
        self.held = await leases.save(self.store, self.held, change, self.ctx.clock)
        return self.held.item

    async def keep(self, event: OutlookEvent) -> None:
        """Record one event (replacing the employee's earlier one)."""
        await self.save(lambda d: d.model_copy(update={"events": [
            *(e for e in d.events if e.employee_id != event.employee_id), event]}))

    async def drop(self, employee_id: str) -> None:
        await self.save(lambda d: d.model_copy(update={"events": [e for e in d.events
                                                                  if e.employee_id != employee_id]}))


async def current_meeting(ctx: Context, meeting_id: str) -> StoredMeeting | None:
    """The meeting as it is now; None once it is cancelled or gone."""
    try:
        return await meeting_store.read(ctx, meeting_id)
    except NotFound:
        return None


async def bring_in_line(ctx: Context, graph: Graph, meeting_id: str) -> Written:
    """Create, move or delete the meeting's events so that Outlook shows it as it is now."""
    store = ctx.store(kinds.OUTLOOK_EVENTS)
    stored = await current_meeting(ctx, meeting_id)
    try:
        held = await leases.acquire(store, meeting_id, leases.new_owner(), ctx.clock,
                                    new=(lambda: MeetingEvents(id=meeting_id)) if stored else None)
    except NotFound:
        return Written.DONE  # cancelled, and no event was ever written
    if isinstance(held, leases.Taken):
        return Written.BUSY if held.first else Written.PENDING
    run = _Run(ctx, graph, store, held)
    try:
        while True:
            await _once(run, stored)
            if stored is None and not run.held.item.events:
                await store.delete(run.held)
                return Written.DONE
            again = await leases.release(store, run.held, lambda d: d, ctx.clock)
            if again is None:
                return Written.DONE
            run.held = again
            stored = await current_meeting(ctx, meeting_id)
    except BookMeError:
        await leases.let_go(store, run.held)
        raise


async def _once(run: _Run, stored: StoredMeeting | None) -> None:
    meeting = stored.meeting if stored else None
    kept = {e.employee_id: e for e in run.held.item.events}
    found = await lookups.load(run.ctx, lookups.Wanted(
        other_employees=tuple(dict.fromkeys([*([meeting.employee_id, *meeting.additional_employees] if meeting else
                                                []), *kept])),
        other_rooms=(meeting.room_id,) if meeting and meeting.room_id else ()))
    wanted = rules.calendars(meeting, found.settings.outlook_sync, found.employees)
    if meeting is None or found.settings.outlook_sync.writes_outlook:
        for employee_id, event in kept.items():
            if wanted.get(employee_id) != event.mailbox:
                await _delete(run, event)
    if meeting is None or not wanted:
        return
    teams = rules.is_teams(meeting, run.held.item.given_video_link)
    subject = invitation(meeting, stored.sequence, found, found.settings, run.ctx.settings.MAIL_SENDER).summary
    room = found.rooms.get(meeting.room_id) if meeting.room_id else None
    place = f"{room.name}, {room.location}" if room else None
    join_url = None
    for index, (employee_id, mailbox) in enumerate(wanted.items()):
        primary_teams = teams and index == 0
        event = await _in_line(run, meeting, employee_id, mailbox,
                               rules.fields(meeting, subject, place, primary_teams, join_url), primary_teams)
        if primary_teams:
            join_url = event.join_url
    # An erased meeting (contract section 16) is not given a link again.
    if teams and join_url and not stored.erased_at:
        await _give_video_link(run, meeting, join_url)


async def _in_line(run: _Run, meeting: Meeting, employee_id: str, mailbox: str, wanted: rules.EventFields,
                   teams: bool) -> OutlookEvent:
    """One employee's event as it should be: created (once), or changed where it differs."""
    kept = next((e for e in run.held.item.events if e.employee_id == employee_id), None)
    if kept is not None and kept.teams and kept.event_id is not None and not kept.join_url:
        # Graph may add the Teams meeting after it answered the POST: ask for it once more.
        kept = await _with_join_url(run, kept)
    if kept is not None and kept.event_id is not None:
        patch = rules.changes(kept, wanted)
        if not patch:
            return kept
        try:
            answer = await run.graph.update_event(mailbox, kept.event_id, patch)
        except NotFound:
            log.info("Outlook: the event of meeting %s was deleted in Outlook; writing it again", meeting.id)
            await run.drop(employee_id)
            kept = None
        else:
            event = rules.written(kept, wanted, answer if kept.teams else None)
            await run.keep(event)
            return event
    if kept is None:
        kept = OutlookEvent(employee_id=employee_id, mailbox=mailbox, transaction_id=rules.new_transaction_id(),
                            teams=teams)
        await run.keep(kept)  # the transactionId is saved before the POST: a retry sends the same one
    answer = await run.graph.create_event(mailbox, rules.create_body(meeting.id, wanted, kept.transaction_id,
                                                                     kept.teams))
    event = rules.written(kept, wanted, answer)
    await run.keep(event)
    return event


async def _with_join_url(run: _Run, kept: OutlookEvent) -> OutlookEvent:
    try:
        found = await run.graph.get_event(kept.mailbox, kept.event_id)
    except NotFound:
        return kept  # deleted in Outlook: written again below
    join_url = (found.get("onlineMeeting") or {}).get("joinUrl")
    if join_url:
        kept = kept.model_copy(update={"join_url": join_url})
        await run.keep(kept)
    return kept


async def _delete(run: _Run, event: OutlookEvent) -> None:
    if event.event_id is None:
        # Its creation was never answered: the same transactionId gives back the event made then (or
        # makes a stand-in for it, deleted at once).
        now = run.ctx.clock()
        answer = await run.graph.create_event(event.mailbox, rules.create_body(
            "", rules.EventFields("", now, now, ""), event.transaction_id, False))
        event = event.model_copy(update={"event_id": answer["id"]})
    await run.graph.delete_event(event.mailbox, event.event_id)
    await run.drop(event.employee_id)


async def _give_video_link(run: _Run, meeting: Meeting, join_url: str) -> None:
    """The Teams join URL becomes the meeting's videoLink, when it has none (or only the one BookMe gave it)."""
    if meeting.video_link == join_url:
        return
    operations = [{"op": "test", "path": "/videoLink", "value": meeting.video_link},
                  {"op": "add", "path": "/videoLink", "value": join_url}]
    await run.save(lambda d: d.model_copy(update={"given_video_link": join_url}))
    try:
        await meetings.patch_meeting(run.ctx, meeting.id, operations, None, actor=ACTOR)
    except (Conflict, NotFound) as error:
        log.info("Outlook: meeting %s changed meanwhile; its videoLink stays: %s", meeting.id, error.detail)
