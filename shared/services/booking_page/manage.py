"""The manage link's use cases: minting a link for a meeting, finding the meeting a link
manages, and the customer's cancellation and move through it."""

import secrets
from dataclasses import dataclass

from shared import kinds
from shared.context import Context
from shared.errors import Conflict, InvalidRequest, NotFound
from shared.models.common import format_utc
from shared.models.meetings import Meeting
from shared.ports import Op
from shared.rules import manage_links, page_slots
from shared.services.booking_page.offer import PortalPage, offers_at
from shared.services.meetings import cancel_meeting, get_meeting, patch_meeting


@dataclass(frozen=True)
class Managed:
    """A live link's meeting; `changeable` until the meeting starts."""

    meeting: Meeting
    portal_id: str
    changeable: bool


async def advisor_name(ctx: Context, employee_id: str) -> str | None:
    """The name of the meeting's advisor, as the manage page shows it; None when they are gone."""
    try:
        return (await ctx.store(kinds.EMPLOYEE).get(employee_id)).item.name
    except NotFound:
        return None


async def mint(ctx: Context, meeting: Meeting) -> str:
    """A new link token for the meeting (random, 192 bits); only its hash is stored."""
    token = secrets.token_urlsafe(manage_links.TOKEN_BYTES)
    document = manage_links.token_document(token, meeting.id, meeting.portal_id or "", meeting.end_date, ctx.clock())
    await ctx.bookings.commit(document["pk"], [Op("create", document["id"], document)])
    return token


async def find(ctx: Context, token: str) -> Managed | None:
    """The meeting a token manages; None when the token is unknown or void (cancelled, over)."""
    if not manage_links.is_token_shaped(token):
        return None
    id = manage_links.token_id(token)
    found = (await ctx.bookings.day(id, [id])).get(id)
    if found is None:
        return None
    try:
        meeting = (await get_meeting(ctx, found["meetingId"])).item
    except NotFound:
        return None  # cancelled
    now = ctx.clock()
    if not manage_links.is_live(meeting.end_date, now):
        return None
    return Managed(meeting, found["portalId"], now < meeting.start_date)


def _actor(meeting: Meeting) -> str:
    return f"customer:{meeting.customer_id}"


async def cancel(ctx: Context, managed: Managed) -> None:
    """Cancel through the link: every participant gets the CANCEL, the time is free again."""
    if not managed.changeable:
        raise Conflict("The meeting has started and can no longer be cancelled here.")
    await cancel_meeting(ctx, managed.meeting.id, None, actor=_actor(managed.meeting))


async def move(ctx: Context, managed: Managed, page: PortalPage, key: str) -> Meeting:
    """Move to another time the portal offers, checked like a new customer booking (the
    meeting's own advisor first when they offer it); Conflict when nobody does any more."""
    if not managed.changeable:
        raise Conflict("The meeting has started and can no longer be moved here.")
    parsed = page_slots.parse_slot_key(key)
    if parsed is None:
        raise InvalidRequest("Choose one of the times offered.", {"slot": ["Not a time this page offered."]})
    start, meeting_type = parsed
    meeting = managed.meeting
    for offer in page_slots.preferred_first(await offers_at(ctx, page, start, meeting_type), meeting.employee_id):
        operations = [{"op": "replace", "path": "/startDate", "value": format_utc(start)},
                      {"op": "replace", "path": "/endDate", "value": format_utc(start + page.duration)},
                      {"op": "replace", "path": "/employeeId", "value": offer.employee_id},
                      {"op": "replace", "path": "/type", "value": meeting_type.value}]
        if offer.room_id:
            operations.append({"op": "replace", "path": "/roomId", "value": offer.room_id})
        try:
            return (await patch_meeting(ctx, meeting.id, operations, None, actor=_actor(meeting))).item
        except Conflict:
            continue
    raise Conflict("This time was just taken. Please choose another.")
