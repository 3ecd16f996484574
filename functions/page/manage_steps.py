"""The booking page's manage link: the meeting, and the customer's move and cancellation."""

import azure.functions as func

from functions.page import render, web
from functions.page.views import NOTES, _, day_param, gettext, respond
from functions.page.web import Visit
from shared.context import Context
from shared.errors import Conflict, InvalidRequest, NotFound
from shared.rules import page_slots
from shared.services.booking_page import manage, offer
from shared.services.booking_page.offer import PortalPage


async def managed_meeting(ctx: Context, token: str) -> tuple[manage.Managed, PortalPage]:
    managed = await manage.find(ctx, token)
    if managed is None:
        raise NotFound("This manage link does not work (any more).")
    return managed, await offer.portal_page(ctx, managed.portal_id)


async def meeting_page(ctx: Context, visit: Visit, page: PortalPage, meeting, token: str | None,
                       note: str | None, changeable: bool = True) -> func.HttpResponse:
    """The meeting a link manages; `note` "booked" makes it the confirmation of a new booking."""
    t = render.translations(visit.lang).gettext
    title = t(_("Your meeting is booked")) if note == "booked" else t(_("Your meeting"))
    notice = t(NOTES[note]) if note in NOTES and note != "booked" else None
    return respond(ctx, visit, page, "meeting.html", title, meeting=meeting,
                   topic=page.topic.name if page.topic else None,
                   advisor=await manage.advisor_name(ctx, meeting.employee_id),
                   notice=notice, changeable=changeable and bool(token),
                   manage_url=visit.absolute("manage", token, lang=False) if token else None,
                   move_url=visit.url("manage", token or "", "move"), cancel_url=visit.url("manage", token or "",
                                                                                            "cancel"))


async def manage_page(ctx: Context, visit: Visit, _manage_part: str, token: str) -> func.HttpResponse:
    managed, page = await managed_meeting(ctx, token)
    return await meeting_page(ctx, visit, page, managed.meeting, token, visit.query("note"), managed.changeable)


async def move_page(ctx: Context, visit: Visit, _manage_part: str, token: str, _action: str = "move",
                    notice: str | None = None, status: int = 200) -> func.HttpResponse:
    managed, page = await managed_meeting(ctx, token)
    if not managed.changeable:
        return web.redirect(visit, visit.url("manage", token))
    days = await offer.offered_days(ctx, page)
    wanted = day_param(visit)
    t = render.translations(visit.lang).gettext
    return respond(ctx, visit, page, "move.html", t(_("Move your meeting")), status, meeting=managed.meeting,
                   notice=notice, days=days, day=page_slots.chosen_day(days, wanted),
                   focus_times=wanted is not None and not notice,
                   day_url=lambda d: visit.url("manage", token, "move", day=d.isoformat()),
                   move_action=visit.url("manage", token, "move", lang=False), csrf=visit.csrf,
                   back_url=visit.url("manage", token))


async def move_meeting(ctx: Context, visit: Visit, _manage_part: str, token: str, _action: str) -> func.HttpResponse:
    managed, page = await managed_meeting(ctx, token)
    try:
        await manage.move(ctx, managed, page, visit.form.get("slot", ""))
    except (Conflict, InvalidRequest):
        return await move_page(ctx, visit, "manage", token, notice=gettext(visit.lang, NOTES["taken"]), status=409)
    return web.redirect(visit, visit.url("manage", token, note="moved"))


async def cancel_page(ctx: Context, visit: Visit, _manage_part: str, token: str, _action: str) -> func.HttpResponse:
    managed, page = await managed_meeting(ctx, token)
    if not managed.changeable:
        return web.redirect(visit, visit.url("manage", token))
    t = render.translations(visit.lang).gettext
    return respond(ctx, visit, page, "cancel.html", t(_("Cancel your meeting?")), meeting=managed.meeting,
                   topic=page.topic.name if page.topic else None,
                   advisor=await manage.advisor_name(ctx, managed.meeting.employee_id), csrf=visit.csrf,
                   cancel_action=visit.url("manage", token, "cancel", lang=False), back_url=visit.url("manage", token))


async def cancel_meeting(ctx: Context, visit: Visit, _manage_part: str, token: str, _action: str) -> func.HttpResponse:
    managed, page = await managed_meeting(ctx, token)
    await manage.cancel(ctx, managed)
    return web.redirect(visit, visit.url(page.portal.id, "cancelled"))

