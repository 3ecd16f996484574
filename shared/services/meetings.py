"""Meetings: book (from a reservation or explicit times), read, list, patch, cancel, iCal."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from shared.context import Context
from shared.errors import Conflict, InvalidRequest, PreconditionFailed
from shared.models.common import new_id
from shared.models.meetings import IcalRequest, Meeting, MeetingCreate, MeetingListItem
from shared.models.organization import OrganizationSetting
from shared.ports import MeetingFilters, Versioned
from shared.rules import ical, paging
from shared.rules import moves as move_rules
from shared.rules import reservations as reservation_rules
from shared.rules.booking import check_participants, not_in_past
from shared.rules.calendar_documents import MEETING_DOC
from shared.rules.history import SYSTEM_ACTOR
from shared.rules.local_days import booking_day, day_key
from shared.rules.notifications import notices
from shared.rules.outlook_events import writes_outlook
from shared.rules.patching import apply_patch, check_operations
from shared.services.booking import lookups, meeting_documents, meeting_store
from shared.services.booking.invitations import invitation
from shared.services.booking.lookups import Parties, Wanted
from shared.services.booking.meeting_documents import StoredMeeting
from shared.services.booking.meeting_store import MeetingWrite
from shared.services.booking.moves import ChangedMeanwhile
from shared.services.booking.offer_check import customer_check, room_choice
from shared.services.booking.reservation_store import active_reservation
from shared.services.crud import check_if_match
from shared.services.idempotency import Keep

READ_ONLY = ("/id", "/dateCreated", "/dateModified", "/bookedBy")
ATTEMPTS = 5
_PORTAL_ONLY = {"portal_id": None, "cpr": None, "custom_fields": [], "external_attendees": []}


def _versioned(stored: StoredMeeting) -> Versioned[Meeting]:
    return Versioned(stored.meeting, stored.version)


def _without_portal_fields(meeting: Meeting) -> Meeting:
    """Portal fields are kept for portal bookings only (V2 reference)."""
    return meeting if meeting.booked_by.is_portal else meeting.model_copy(update=_PORTAL_ONLY)


def _wanted(meeting: Meeting, before: Meeting | None = None, capped: bool = False, placed: bool = False) -> Wanted:
    """The lookups of a booking; on a change only what changed is validated again, and the
    participants before the change are loaded for the notifications."""
    check_participants(meeting.employee_id, meeting.additional_employees)

    def changed(name: str) -> bool:
        return before is None or getattr(before, name) != getattr(meeting, name)

    employees = {"employeeId": [meeting.employee_id]} if changed("employee_id") else {}
    added = [e for e in meeting.additional_employees if before is None or e not in before.additional_employees]
    if added:
        employees["additionalEmployees"] = added
    return Wanted(
        employees=employees,
        room=("roomId", meeting.room_id) if meeting.room_id and changed("room_id") else None,
        other_employees=(meeting.employee_id, *meeting.additional_employees,
                         *((before.employee_id, *before.additional_employees) if before else ())),
        other_rooms=tuple(r for r in (meeting.room_id, before.room_id if before else None) if r),
        topic_id=meeting.topic_id if changed("topic_id") else None,
        customer_type_id=meeting.customer_type_id if changed("customer_type_id") else None,
        portal=(meeting.portal_id, meeting.custom_fields) if meeting.booked_by.is_portal and (
            changed("portal_id") or changed("custom_fields")) else None,
        caps_for=(meeting.employee_id, *meeting.additional_employees) if capped and meeting.booked_by.is_customer
        else (),
        portal_id=meeting.portal_id if meeting.booked_by.is_portal else None,
        # Where the meeting is and which rooms are there (sections 13 and 20): same query, no extra request.
        schedules_for=(meeting.employee_id,) if placed else (),
        locations=placed,
        topic_for_buffers=meeting.topic_id if placed else None,
    )


def _placement(found: Parties, meeting: Meeting, moved: bool, customer_checked: bool,
               buffers: tuple[timedelta, timedelta], ignores: tuple[str, ...] = (), reassign: bool = False
               ) -> dict[str, Any]:
    """The MeetingWrite fields a (re)timed or (re)placed booking adds: its room when it moves
    (section 13) and, for a customer booking the search must offer, the check that it does
    (sections 20 and 22), with the buffers the meeting holds."""
    placed: dict[str, Any] = {}
    if moved:
        seats = 1 + len(meeting.additional_employees) + len(meeting.external_attendees)
        placed["room"] = room_choice(found, meeting.employee_id, meeting.start_date, meeting.type,
                                     None if reassign else meeting.room_id, seats)
    if customer_checked:
        placed["check"], placed["check_resources"] = customer_check(
            found, meeting.employee_id, meeting.start_date, meeting.end_date, meeting.type, buffers,
            meeting.room_id, ignores)
    return placed


def _to_outlook(found: Parties, *versions: Meeting) -> bool:
    """Whether the change goes to Outlook: TwoWay, and an employee of the meeting (before or after) is followed."""
    ids = {id for meeting in versions for id in (meeting.employee_id, *meeting.additional_employees)}
    return writes_outlook(found.settings.outlook_sync, (found.employees.get(id) for id in ids))


def _notices(found: Parties, org: OrganizationSetting, sender: str, before: StoredMeeting | None,
             after: Meeting | None, sequence: int):
    old = invitation(before.meeting, before.sequence, found, org, sender) if before else None
    new = invitation(after, sequence, found, org, sender) if after else None
    return notices(old, new)


async def create_meeting(ctx: Context, body: MeetingCreate, actor: str = SYSTEM_ACTOR,
                         keep: Keep | None = None) -> Versioned[Meeting]:
    """Book a meeting; 409 when its time is taken for an employee or the room, or (a customer
    booking the search was not asked about) when the search would not offer it, with the reasons."""
    now = ctx.clock()
    consumed, calendars = None, None
    fields = body.model_dump(exclude={"start_date", "end_date"})
    if body.time_slot_id:
        consumed, calendars = await active_reservation(ctx, body.time_slot_id, now)
        reservation_rules.check_kept(consumed, body.employee_id, body.room_id)
        fields["room_id"] = body.room_id or consumed.get("roomId")
        start, end = consumed["startDate"], consumed["endDate"]
    elif body.start_date and body.end_date:
        start, end = body.start_date, body.end_date
    else:
        raise InvalidRequest("Give a timeSlotId, or a startDate and an endDate.",
                             {"timeSlotId": ["Required when startDate and endDate are not given."]})
    meeting = _without_portal_fields(Meeting.model_validate(
        {**fields, "id": new_id(), "start_date": start, "end_date": end, "date_created": now, "date_modified": now}))
    found = await lookups.load(ctx, _wanted(meeting, capped=True, placed=True))
    org = found.settings
    day = day_key(booking_day(meeting.start_date, meeting.end_date, org.zone))
    not_in_past(meeting.start_date, now)
    # Section 20: a customer meeting is checked unless its reservation was, when it was made.
    checked = meeting.booked_by.is_customer and not (consumed and reservation_rules.was_checked_for_customers(consumed))
    released = (consumed["id"],) if consumed else ()
    placed = _placement(found, meeting, True, checked, found.buffers(), released)
    sent = _notices(found, org, ctx.settings.MAIL_SENDER, None, meeting, 0)
    saved = await meeting_store.save(ctx, MeetingWrite(
        None, meeting, day, 0, org.zone, sent, consumed, found.caps, calendars, actor=actor, buffers=found.buffers(),
        keep=keep, subscriptions=found.subscriptions, reminders=tuple(org.reminders),
        outlook=_to_outlook(found, meeting), **placed))
    return _versioned(saved)


async def get_meeting(ctx: Context, id: str) -> Versioned[Meeting]:
    return _versioned(await meeting_store.read(ctx, id))


@dataclass(frozen=True)
class MeetingPage:
    """One page of GET /meetings, and the token of the next one (None on the last page)."""

    items: list[MeetingListItem]
    next_token: str | None


async def list_meetings(ctx: Context, filters: MeetingFilters, token: str | None = None,
                        page_size: int = paging.PAGE_LIMIT) -> MeetingPage:
    """Meetings matching the filters, by start then id, a page at a time; never with the CPR
    number. Cost and memory grow with the page, not with the meetings stored."""
    found = await ctx.bookings.meetings(filters, paging.position_after(token), page_size + 1)
    page = found[:page_size]
    # A meeting caught between the steps of a move is shown once: where its deciding copy is.
    marked = {d["id"] for d in page if move_rules.mark_of(d) is not None}
    copies = await ctx.bookings.find_many(marked, [MEETING_DOC]) if marked else []
    shown: dict[str, dict[str, Any]] = {}
    for document in page:
        deciding = move_rules.current([c for c in copies if c["id"] == document["id"]] or [document])
        if deciding is not None and deciding["pk"] == document["pk"]:
            shown.setdefault(document["id"], document)
    next_token = paging.continuation_token(page[-1]["startDate"], page[-1]["id"]) if len(found) > page_size else None
    return MeetingPage([meeting_documents.meeting_of(d).listed() for d in shown.values()], next_token)


async def patch_meeting(ctx: Context, id: str, operations: Any, if_match: str | None,
                        actor: str = SYSTEM_ACTOR, keep: Keep | None = None) -> Versioned[Meeting]:
    """RFC 6902 PATCH; time, employee and room changes are checked like a new booking (a customer
    meeting's changes of time, employee, type or room like a new customer booking), and a new
    timeSlotId moves the meeting to that reservation's time."""
    check_operations(operations)
    for _ in range(ATTEMPTS):
        before = await meeting_store.read_for_write(ctx, id)
        check_if_match(_versioned(before), if_match)
        now = ctx.clock()
        patched = apply_patch(before.meeting.model_dump(mode="json", by_alias=True), operations, Meeting, READ_ONLY)
        patched = _without_portal_fields(patched.model_copy(update={"date_modified": now}))
        consumed, calendars = None, None
        if patched.time_slot_id and patched.time_slot_id != before.meeting.time_slot_id:
            consumed, calendars = await active_reservation(ctx, patched.time_slot_id, now, meeting_id=id)
            reservation_rules.check_kept(consumed, patched.employee_id, patched.room_id)
            patched = Meeting.model_validate({**patched.to_json(), "startDate": consumed["startDate"],
                                              "endDate": consumed["endDate"]})
        old = before.meeting
        retimed = (patched.start_date, patched.end_date) != (old.start_date, old.end_date)
        rebooked = bool(consumed) or not meeting_documents.holds_same_time(old, patched)
        moved = retimed or patched.employee_id != old.employee_id
        # Section 22: a customer's change of time, employee, type or room is checked like a new
        # customer booking, unless it moves to a reservation that was checked when it was made.
        replaced = moved or patched.type != old.type or patched.room_id != old.room_id
        checked = patched.booked_by.is_customer and replaced and not (
            consumed and reservation_rules.was_checked_for_customers(consumed))
        found = await lookups.load(ctx, _wanted(patched, old, capped=rebooked or checked, placed=moved or checked))
        org = found.settings
        day = day_key(booking_day(patched.start_date, patched.end_date, org.zone))
        if retimed:
            not_in_past(patched.start_date, now)
        sequence = before.sequence + 1 if retimed else before.sequence
        # A room the booking chose is chosen again on a move; one the client named stays.
        reassign = before.room_assigned and patched.room_id == old.room_id
        released = (id, *((consumed["id"],) if consumed else ()))
        # A customer's meeting that loses its room gets one again where the location adds rooms.
        rechosen = moved or (checked and old.room_id is not None and patched.room_id is None)
        placed = _placement(found, patched, rechosen, checked, before.buffers, released, reassign)
        if placed.get("room") is None and reassign and moved:
            patched = patched.model_copy(update={"room_id": None})
        sent = _notices(found, org, ctx.settings.MAIL_SENDER, before, patched, sequence)
        try:
            saved = await meeting_store.save(ctx, MeetingWrite(
                before, patched, day, sequence, org.zone, sent, consumed, found.caps, calendars, actor=actor,
                buffers=before.buffers, keep=keep, subscriptions=found.subscriptions,
                reminders=tuple(org.reminders), outlook=_to_outlook(found, before.meeting, patched), **placed))
            return _versioned(saved)
        except ChangedMeanwhile:
            if if_match is not None:
                raise PreconditionFailed("The meeting was changed by someone else.") from None
    raise Conflict("The meeting is being changed by others; try again.")


async def cancel_meeting(ctx: Context, id: str, if_match: str | None, actor: str = SYSTEM_ACTOR) -> None:
    """Cancel: the meeting is gone and its time free again; participants get a CANCEL."""
    for _ in range(ATTEMPTS):
        before = await meeting_store.read_for_write(ctx, id)
        check_if_match(_versioned(before), if_match)
        found = await lookups.load(ctx, _wanted(before.meeting, before.meeting))
        try:
            notices = _notices(found, found.settings, ctx.settings.MAIL_SENDER, before, None, before.sequence)
            return await meeting_store.cancel(ctx, before, notices, actor, found.subscriptions,
                                              _to_outlook(found, before.meeting))
        except ChangedMeanwhile:
            if if_match is not None:
                raise PreconditionFailed("The meeting was changed by someone else.") from None
    raise Conflict("The meeting is being changed by others; try again.")


async def meeting_ical(ctx: Context, id: str, overrides: IcalRequest) -> tuple[bytes, str]:
    """The meeting as an RFC 5545 REQUEST, with the request's title, description and location."""
    stored = await meeting_store.read(ctx, id)
    found = await lookups.load(ctx, _wanted(stored.meeting, stored.meeting))
    org = found.settings
    built = invitation(stored.meeting, stored.sequence, found, org, ctx.settings.MAIL_SENDER, overrides)
    return ical.build(built, ical.REQUEST), stored.version
