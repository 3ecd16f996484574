"""The booking page's steps up to the booking: the times, the hold, sign-in and confirmation."""

import logging

import azure.functions as func

from functions.page import render, views, web
from functions.page.manage_steps import meeting_page
from functions.page.views import NOTES, PROVIDERS, _, day_param, gettext, message_page, note_text, page_session, respond
from functions.page.web import Visit
from shared import bootstrap
from shared.context import Context
from shared.errors import BadGateway, Conflict, HoldLost, InvalidRequest, ServiceUnavailable, SignInRequired
from shared.models.common import format_utc
from shared.rules import page_limits, page_slots
from shared.services.booking_page import booking, holds, offer, sessions, sign_in
from shared.services.booking_page.offer import PortalPage

log = logging.getLogger(__name__)


async def slots_page(ctx: Context, visit: Visit, portal_id: str, notice: str | None = None,
                     status: int = 200) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id, searching=True)
    session = await page_session(ctx, visit) if not visit.new_session else None
    days = await offer.offered_days(ctx, page)
    wanted = day_param(visit)
    day = page_slots.chosen_day(days, wanted)
    held = session.state.hold if session and session.state.portal_id == portal_id else None
    if held and held.expires_at <= ctx.clock():
        held = None
    t = render.translations(visit.lang).gettext
    title = page.topic.name if page.topic else page.portal.name
    return respond(ctx, visit, page, "slots.html", t(_("Book a meeting: %(topic)s")) % {"topic": title}, status,
                   arrived=bool(notice or note_text(visit)), focus_times=wanted is not None and not notice,
                   topic_description=page.topic.description if page.topic else None,
                   notice=notice or note_text(visit), hold=held, details_url=visit.url(portal_id, "details"),
                   days=days, day=day, day_url=lambda d: visit.url(portal_id, day=d.isoformat()),
                   hold_action=visit.url(portal_id, "hold", lang=False), csrf=visit.csrf)


def client_address(ctx: Context, visit: Visit) -> str:
    return page_limits.client_address(visit.request.headers.get("X-Forwarded-For"), ctx.settings.PAGE_PROXY_HOPS)


async def hold_time(ctx: Context, visit: Visit, portal_id: str, _action: str) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id, searching=True)
    session = await sessions.load(ctx, visit.session_id)
    if session.state.portal_id != portal_id:
        session.state = sessions.PageSession(portal_id=portal_id, hold_times=session.state.hold_times)
    try:
        await holds.hold(ctx, session, page, visit.form.get("slot", ""), client_address(ctx, visit))
    except (Conflict, InvalidRequest):
        return await slots_page(ctx, visit, portal_id, gettext(visit.lang, NOTES["taken"]), 409)
    await sessions.save(ctx, session)
    return web.redirect(visit, visit.url(portal_id, "details"))


async def details_page(ctx: Context, visit: Visit, portal_id: str, _action: str, errors: dict | None = None,
                       notice: str | None = None) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    session = await page_session(ctx, visit)
    held = session.state.hold if session.state.portal_id == portal_id else None
    if held is None:
        return web.redirect(visit, visit.url(portal_id))
    if held.expires_at <= ctx.clock():
        return lost_page(ctx, visit, page, _("We held the time for you for a few minutes, and that time has run out."))
    customer = session.state.customer if session.state.customer and \
        session.state.customer.portal_id == portal_id else None
    t = render.translations(visit.lang).gettext
    issuer = issuer_origin(ctx, page)
    field_errors = {name: [t(m) for m in messages] for name, messages in (errors or {}).items()}
    return respond(
        ctx, visit, page, "details.html", t(_("Please check your details")) if errors else t(_("Your time is held")),
        400 if errors else 200, form_targets=[issuer] if issuer and not customer else [],
        hold=held, expires_iso=format_utc(held.expires_at), topic=page.topic.name if page.topic else None,
        customer=customer, provider=PROVIDERS[page.portal.authentication_type], notice=notice or note_text(visit),
        fields=page.portal.fields, values=session.state.values, errors=field_errors,
        input_types=views.INPUT_TYPES, autocomplete=views.AUTOCOMPLETE, csrf=visit.csrf,
        keep_action=visit.url(portal_id, "keep", lang=False), slots_url=visit.url(portal_id),
        sign_in_action=visit.url(portal_id, "signin", lang=False),
        confirm_action=visit.url(portal_id, "confirm", lang=False))


def issuer_origin(ctx: Context, page: PortalPage) -> str | None:
    try:
        return web.origin_of(sign_in.client_for(ctx, page.portal).issuer)
    except ServiceUnavailable:
        return None


def lost_page(ctx: Context, visit: Visit, page: PortalPage, message: str) -> func.HttpResponse:
    t = render.translations(visit.lang).gettext
    return respond(ctx, visit, page, "lost.html", t(_("The time is no longer held")), 409, message=t(message),
                   slots_url=visit.url(page.portal.id))


async def keep_time(ctx: Context, visit: Visit, portal_id: str, _action: str) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    session = await sessions.load(ctx, visit.session_id)
    try:
        await holds.keep(ctx, session)
    except (Conflict, InvalidRequest):
        return lost_page(ctx, visit, page, _("The time could not be held again: it was taken meanwhile."))
    await sessions.save(ctx, session)
    return web.redirect(visit, visit.url(portal_id, "details", note="kept"))


# --- signing in ------------------------------------------------------------------------------


def callback_url(visit: Visit) -> str:
    return visit.absolute("signin", "callback", lang=False)


async def sign_in_start(ctx: Context, visit: Visit, portal_id: str, _action: str) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    session = await sessions.load(ctx, visit.session_id)
    url = await sign_in.start(ctx, bootstrap.identity_provider(), session, page.portal, callback_url(visit),
                              visit.lang)
    await sessions.save(ctx, session)
    return web.redirect(visit, url)


async def sign_in_callback(ctx: Context, visit: Visit, *_parts: str) -> func.HttpResponse:
    session = await page_session(ctx, visit)
    pending = session.state.sign_in
    portal_id = sign_in.pending_portal(session, visit.query("state"))
    visit.lang = pending.language if not visit.query("lang") else visit.lang
    page = await offer.portal_page(ctx, portal_id)
    code = visit.query("code")
    if visit.query("error") or not code:
        session.state.sign_in = None
        await sessions.save(ctx, session)
        return web.redirect(visit, visit.url(portal_id, "details", note="signin-cancelled"))
    try:
        await sign_in.finish(ctx, bootstrap.identity_provider(), session, page.portal, code, callback_url(visit))
    except BadGateway as error:
        log.warning("Sign-in failed: %s", error.detail)
        await sessions.save(ctx, session)
        return web.redirect(visit, visit.url(portal_id, "details", note="signin-failed"))
    if session.state.hold and session.state.hold.expires_at > ctx.clock():
        try:
            await holds.keep(ctx, session)  # signing in took a while: hold the time afresh
        except (Conflict, InvalidRequest):
            pass  # the details page says it is lost
    await sessions.save(ctx, session)
    return web.redirect(visit, visit.url(portal_id, "details"))


# --- booking ---------------------------------------------------------------------------------


async def confirm_booking(ctx: Context, visit: Visit, portal_id: str, _action: str) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    session = await sessions.load(ctx, visit.session_id)
    try:
        booked = await booking.confirm(ctx, session, page, visit.form)
    except HoldLost:
        await sessions.save(ctx, session)
        return lost_page(ctx, visit, page, _("We held the time for you for a few minutes, and that time has run out."))
    except SignInRequired:
        return await details_page(ctx, visit, portal_id, "details")
    except InvalidRequest as error:
        await sessions.save(ctx, session)
        errors = {k.removeprefix("customFields."): v for k, v in (error.errors or {}).items()}
        return await details_page(ctx, visit, portal_id, "details", errors=errors or {"": [error.detail]})
    await sessions.save(ctx, session)
    if booked.token is None:
        return await meeting_page(ctx, visit, page, booked.meeting, None, "booked")
    return web.redirect(visit, visit.url("manage", booked.token, note="booked"))


async def cancelled_page(ctx: Context, visit: Visit, portal_id: str, _action: str) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    return message_page(ctx, visit, page, 200, _("Your meeting is cancelled"),
                        _("The meeting is cancelled and everyone taking part has been told."), visit.url(portal_id),
                        _("Book a new time"))
