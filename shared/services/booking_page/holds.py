"""Holding a time for the customer: a reservation made with the session's own token (so picking
another time replaces it), at most PAGE_HOLDS_PER_SESSION per session and PAGE_HOLDS_PER_ADDRESS
per client address an hour."""

import uuid

from shared.context import Context
from shared.errors import Conflict, InvalidRequest, TooManyRequests
from shared.models.common import MeetingType, format_utc
from shared.models.page_session import Hold
from shared.models.reservations import ReserveRequest, SlotStatus, SlotToReserve
from shared.ports import BatchRejected, Op
from shared.rules import page_limits, page_slots
from shared.services.booking_page.offer import PortalPage, offers_at
from shared.services.booking_page.sessions import Session
from shared.services.reservations import reserve

COUNTER_ATTEMPTS = 5


async def hold(ctx: Context, session: Session, page: PortalPage, key: str, address: str) -> Hold:
    """Hold the time `key` names (a start and a meeting type) with one of the advisors offering it;
    Conflict when nobody offers it any more. The session's state is changed, not saved."""
    parsed = page_slots.parse_slot_key(key)
    if parsed is None:
        raise InvalidRequest("Choose one of the times offered.", {"slot": ["Not a time this page offered."]})
    start, meeting_type = parsed
    now = ctx.clock()
    state = session.state
    recent = page_limits.recent(state.hold_times, now)
    if len(recent) >= ctx.settings.PAGE_HOLDS_PER_SESSION:
        raise TooManyRequests("You have held many times in a short while; please wait a little and try again.")
    await _count_address(ctx, address)
    current = state.hold
    if current and (current.start_date, current.meeting_type) == (start, meeting_type):
        # The search does not offer a time this session holds itself: hold it again as it is.
        offers = [page_slots.Offer(current.employee_id, current.room_id)]
    else:
        offers = await offers_at(ctx, page, start, meeting_type)
    token = current.token if current else str(uuid.uuid4())
    for offer in offers:
        try:
            made = await _reserve(ctx, token, start, start + page.duration, offer, meeting_type)
        except Conflict:
            continue  # taken by someone else since the search: the next advisor may still be free
        state.hold = made
        state.hold_times = [*recent, format_utc(now)]
        return made
    raise Conflict("This time was just taken. Please choose another.")


async def keep(ctx: Context, session: Session) -> Hold:
    """Hold the same time again for a full RESERVATION_TTL (the same token replaces the old
    reservation); Conflict when it was lost meanwhile."""
    held = session.state.hold
    if held is None:
        raise InvalidRequest("No time is held.", {"slot": ["Choose a time first."]})
    made = await _reserve(ctx, held.token, held.start_date, held.end_date,
                          page_slots.Offer(held.employee_id, held.room_id), held.meeting_type)
    session.state.hold = made
    return made


async def _reserve(ctx: Context, token: str, start, end, offer: page_slots.Offer,
                   meeting_type: MeetingType) -> Hold:
    made = (await reserve(ctx, ReserveRequest(time_slot=SlotToReserve(
        start_date=start, end_date=end, status=SlotStatus.RESERVED, employee_id=offer.employee_id,
        room_id=offer.room_id), token=token, is_customer_initiated=True))).item
    return Hold(reservation_id=made.id, token=token, start_date=made.start_date, end_date=made.end_date,
                meeting_type=meeting_type, employee_id=offer.employee_id, room_id=offer.room_id,
                expires_at=made.expires_at)


async def _count_address(ctx: Context, address: str) -> None:
    """One more hold for the client's address this hour; TooManyRequests past the limit."""
    id = page_limits.address_counter_id(address, ctx.clock())
    for _ in range(COUNTER_ATTEMPTS):
        current = (await ctx.bookings.day(id, [id])).get(id)
        count = (current or {}).get("count", 0) + 1
        if count > ctx.settings.PAGE_HOLDS_PER_ADDRESS:
            raise TooManyRequests("Many times were held from your network in a short while; please try again later.")
        document = page_limits.counter_document(id, count)
        op = Op("replace", id, document, current["_etag"]) if current else Op("create", id, document)
        try:
            await ctx.bookings.commit(id, [op])
            return
        except BatchRejected:
            continue  # another hold from the same address counted at the same moment: count again
    raise TooManyRequests("Many times are being held from your network right now; please try again.")
