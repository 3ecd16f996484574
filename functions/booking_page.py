"""The customer booking page (contract section 24): `GET /api/book/{portalId}` and its own
routes, served by one HTTP function with no API token. Plain HTML forms, POST/redirect/GET;
a few kilobytes of script only improve it. Each handler reads the request, makes one call into
shared/services/booking_page and renders the result.

    GET  {portalId}                 the days and times (?day=YYYY-MM-DD)
    POST {portalId}/hold            hold a time            -> {portalId}/details
    GET  {portalId}/details         the held time, sign-in, the portal's fields
    POST {portalId}/keep            hold it again
    POST {portalId}/signin          to the identity provider (leaves any iframe)
    GET  signin/callback            back from it           -> {portalId}/details
    POST {portalId}/confirm         book                   -> manage/{token}?note=booked
    GET  {portalId}/style.css       the portal's sanitised styling
    GET  {portalId}/cancelled       after a cancellation
    GET  manage/{token}             the meeting; move/ and cancel/ (GET and POST) change it
    GET  static/page.css|page.js, embed.js
"""

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import azure.functions as func

from functions.page import render, web
from functions.page.web import Visit
from shared import bootstrap, kinds
from shared.context import Context
from shared.errors import (
    BadGateway,
    BookMeError,
    Conflict,
    HoldLost,
    InvalidRequest,
    NotFound,
    ServiceUnavailable,
    SignInRequired,
    TooManyRequests,
)
from shared.models.common import format_utc, is_uuid
from shared.models.portals import AuthenticationType
from shared.rules import css_sanitizer, page_limits, page_slots
from shared.services.booking_page import booking, holds, manage, offer, sessions, sign_in
from shared.services.booking_page.offer import PortalPage

log = logging.getLogger(__name__)
INPUT_TYPES = {"Text": "text", "Phone": "tel", "Email": "email"}
AUTOCOMPLETE = {"Text": "", "Phone": "tel", "Email": "email"}
PROVIDERS = {AuthenticationType.MIT_ID: "MitID", AuthenticationType.AZURE_AD: "Microsoft"}
_CSS_NAME = re.compile(r"[0-9a-f]{12}")


def _(text: str) -> str:
    """Marks a message for the catalog; translated when the page renders it."""
    return text


# Notes shown after a redirect (?note=...), and the field messages of shared/rules/portal_fields.py.
NOTES = {
    "booked": _("Your meeting is booked."),
    "moved": _("Your meeting has been moved."),
    "kept": _("The time is held for you again."),
    "signin-failed": _("Signing in did not succeed. Please try again."),
    "signin-cancelled": _("Signing in was cancelled."),
    "taken": _("That time was just taken. Please choose another."),
}
FIELD_MESSAGES = (_("This field is required."), _("Not a phone number."), _("Not an e-mail address."),
                  _("This box must be checked."), _("Does not match the required format."))


def gettext(lang: str, text: str) -> str:
    return render.translations(lang).gettext(text)


async def serve(req: func.HttpRequest) -> func.HttpResponse:
    """The page's one HTTP function: route, then a handler; errors become pages, never problem+json."""
    ctx = await bootstrap.get_context()
    visit = web.visit(req, ctx.settings.BOOKING_PAGE_URL)
    parts = [p for p in (req.route_params.get("rest") or "").split("/") if p]
    method = req.method.upper()
    try:
        handler = _route(parts, method)
        if handler is None:
            return await _not_found(ctx, visit)
        if method == "POST" and not visit.csrf_valid():
            return await _session_lost(ctx, visit, parts)
        return await handler(ctx, visit, *parts)
    except NotFound:
        return await _not_found(ctx, visit)
    except BookMeError as error:
        return await _problem(ctx, visit, error, parts)


Handler = Callable[..., Awaitable[func.HttpResponse]]


def _route(parts: list[str], method: str) -> Handler | None:
    shape = tuple("{portal}" if is_uuid(p) and i == 0 else p.lower() for i, p in enumerate(parts))
    table: dict[tuple[str, tuple[str, ...]], Handler] = {
        ("GET", ("static", "page.css")): _static, ("GET", ("static", "page.js")): _static,
        ("GET", ("embed.js",)): _static,
        ("GET", ("signin", "callback")): _sign_in_callback,
        ("GET", ("{portal}",)): _slots, ("GET", ("{portal}", "style.css")): _portal_css,
        ("POST", ("{portal}", "hold")): _hold, ("GET", ("{portal}", "details")): _details,
        ("POST", ("{portal}", "keep")): _keep, ("POST", ("{portal}", "signin")): _sign_in,
        ("POST", ("{portal}", "confirm")): _confirm, ("GET", ("{portal}", "cancelled")): _cancelled,
    }
    if len(parts) in (2, 3) and parts[0].lower() == "manage":
        action = parts[2].lower() if len(parts) == 3 else ""
        return {("GET", ""): _manage, ("GET", "move"): _move_page, ("POST", "move"): _move,
                ("GET", "cancel"): _cancel_page, ("POST", "cancel"): _cancel}.get((method, action))
    return table.get((method, shape))


# --- rendering -------------------------------------------------------------------------------


def _page_context(visit: Visit, page: PortalPage | None, title: str) -> dict[str, Any]:
    portal = page.portal if page else None
    logo = portal.logo_url if portal and portal.logo_url and portal.logo_url.startswith("https://") else None
    styling = css_sanitizer.sanitize(portal.styling) if portal else ""
    query = {k: v for k, v in visit.request.params.items() if k in ("day", "note")}
    return {
        "base": visit.base, "version": web.asset_version(), "title": title,
        "portal_name": portal.name if portal else "BookMe",
        "logo_url": logo, "logo_height": portal.logo_height if portal else None,
        "portal_css": visit.url(portal.id, "style.css", lang=False, v=_css_version(styling)) if styling else None,
        "switch_url": _path_with(visit, {**query, "lang": "en" if visit.lang == "da" else "da"}),
        "fmt": render.Formats(visit.lang, page.settings.zone if page else "Europe/Copenhagen"),
    }


def _path_with(visit: Visit, query: dict[str, str]) -> str:
    from urllib.parse import urlencode

    path = urlsplit(visit.request.url).path
    return f"{path}?{urlencode(query)}"


def _css_version(styling: str) -> str:
    import hashlib

    return hashlib.sha256(styling.encode()).hexdigest()[:12]


def _respond(ctx: Context, visit: Visit, page: PortalPage | None, template: str, title: str, status: int = 200,
             form_targets: list[str] | None = None, **context: Any) -> func.HttpResponse:
    values = {**_page_context(visit, page, title), **context}
    body = render.render(template, visit.lang, values)
    logo = values["logo_url"]
    headers = web.security_headers(page.portal.embed_origins if page else [], web.origin_of(logo) if logo else None,
                                   form_targets or [])
    if status == 503:
        headers["Retry-After"] = "5"
    return web.html(visit, body, status, headers)


def _message(ctx: Context, visit: Visit, page: PortalPage | None, status: int, title: str, message: str,
             link_url: str | None = None, link_text: str = "", new_window: bool = False) -> func.HttpResponse:
    t = render.translations(visit.lang).gettext
    return _respond(ctx, visit, page, "message.html", t(title), status, message=t(message), link_url=link_url,
                    link_text=t(link_text), link_new_window=new_window)


async def _not_found(ctx: Context, visit: Visit) -> func.HttpResponse:
    return _message(ctx, visit, None, 404, _("Page not found"),
                    _("There is no booking page here. Please check the address, or ask the bank for a new link."))


async def _session_lost(ctx: Context, visit: Visit, parts: list[str]) -> func.HttpResponse:
    page = await _portal_or_none(ctx, parts[0]) if parts and is_uuid(parts[0]) else None
    return _message(ctx, visit, page, 403, _("Please start again"),
                    _("Your session has run out, or your browser does not keep it for this page. Open the booking "
                      "page in a window of its own to continue."),
                    visit.url(page.portal.id) if page else None, _("Open the booking page"), new_window=True)


async def _problem(ctx: Context, visit: Visit, error: BookMeError, parts: list[str]) -> func.HttpResponse:
    page = await _portal_or_none(ctx, parts[0]) if parts and is_uuid(parts[0]) else None
    if isinstance(error, TooManyRequests):
        return _message(ctx, visit, page, 429, _("Please wait a little"), error.detail)
    if isinstance(error, ServiceUnavailable):
        log.warning("Booking page unavailable: %s", error.detail)
        return _message(ctx, visit, page, 503, _("Please try again in a moment"),
                        _("The booking service is busy or unavailable right now. Nothing was changed."))
    if isinstance(error, BadGateway):
        log.warning("Sign-in failed: %s", error.detail)
        return _message(ctx, visit, page, 502, _("Signing in did not succeed"),
                        _("Signing in did not succeed. Please try again."),
                        visit.url(page.portal.id, "details") if page else None, _("Back to your booking"))
    status = error.status if 400 <= error.status < 500 else 500
    if status == 500:
        log.error("Booking page failed: %s", error.detail)
    return _message(ctx, visit, page, status, _("Something went wrong"),
                    _("The page could not do that. Please go back and try again."),
                    visit.url(page.portal.id) if page else None, _("Back to the booking page"))


async def _portal_or_none(ctx: Context, portal_id: str) -> PortalPage | None:
    try:
        return await offer.portal_page(ctx, portal_id)
    except BookMeError:
        return None


# --- static ----------------------------------------------------------------------------------


async def _static(ctx: Context, visit: Visit, *parts: str) -> func.HttpResponse:
    name = parts[-1].lower()
    return web.asset(name, "text/css; charset=utf-8" if name.endswith(".css") else "text/javascript; charset=utf-8")


async def _portal_css(ctx: Context, visit: Visit, portal_id: str, _name: str) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    styling = css_sanitizer.sanitize(page.portal.styling)
    return func.HttpResponse(styling, headers={"Content-Type": "text/css; charset=utf-8",
                                               "Cache-Control": "public, max-age=86400",
                                               "X-Content-Type-Options": "nosniff"})


# --- choosing and holding a time -------------------------------------------------------------


def _day_param(visit: Visit) -> date | None:
    return page_slots.parse_day(visit.query("day"))


def _note(visit: Visit) -> str | None:
    note = NOTES.get(visit.query("note") or "")
    return gettext(visit.lang, note) if note else None


async def _session(ctx: Context, visit: Visit) -> sessions.Session:
    if visit.new_session:
        return sessions.Session(visit.session_id, sessions.PageSession())
    return await sessions.load(ctx, visit.session_id)


async def _slots(ctx: Context, visit: Visit, portal_id: str, notice: str | None = None,
                 status: int = 200) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    session = await _session(ctx, visit) if not visit.new_session else None
    days = await offer.offered_days(ctx, page)
    wanted = _day_param(visit)
    day = page_slots.chosen_day(days, wanted)
    held = session.state.hold if session and session.state.portal_id == portal_id else None
    if held and held.expires_at <= ctx.clock():
        held = None
    t = render.translations(visit.lang).gettext
    title = page.topic.name if page.topic else page.portal.name
    return _respond(ctx, visit, page, "slots.html", t(_("Book a meeting: %(topic)s")) % {"topic": title}, status,
                    arrived=bool(notice or _note(visit)), focus_times=wanted is not None and not notice,
                    topic_description=page.topic.description if page.topic else None,
                    notice=notice or _note(visit), hold=held, details_url=visit.url(portal_id, "details"),
                    days=days, day=day, day_url=lambda d: visit.url(portal_id, day=d.isoformat()),
                    hold_action=visit.url(portal_id, "hold", lang=False), csrf=visit.csrf)


def _client_address(ctx: Context, visit: Visit) -> str:
    return page_limits.client_address(visit.request.headers.get("X-Forwarded-For"), ctx.settings.PAGE_PROXY_HOPS)


async def _hold(ctx: Context, visit: Visit, portal_id: str, _action: str) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    session = await sessions.load(ctx, visit.session_id)
    if session.state.portal_id != portal_id:
        session.state = sessions.PageSession(portal_id=portal_id, hold_times=session.state.hold_times)
    try:
        await holds.hold(ctx, session, page, visit.form.get("slot", ""), _client_address(ctx, visit))
    except (Conflict, InvalidRequest):
        return await _slots(ctx, visit, portal_id, gettext(visit.lang, NOTES["taken"]), 409)
    await sessions.save(ctx, session)
    return web.redirect(visit, visit.url(portal_id, "details"))


async def _details(ctx: Context, visit: Visit, portal_id: str, _action: str, errors: dict | None = None,
                   notice: str | None = None) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    session = await _session(ctx, visit)
    held = session.state.hold if session.state.portal_id == portal_id else None
    if held is None:
        return web.redirect(visit, visit.url(portal_id))
    if held.expires_at <= ctx.clock():
        return _lost(ctx, visit, page, _("We held the time for you for a few minutes, and that time has run out."))
    customer = session.state.customer if session.state.customer and \
        session.state.customer.portal_id == portal_id else None
    t = render.translations(visit.lang).gettext
    issuer = _issuer_origin(ctx, page)
    field_errors = {name: [t(m) for m in messages] for name, messages in (errors or {}).items()}
    return _respond(
        ctx, visit, page, "details.html", t(_("Please check your details")) if errors else t(_("Your time is held")),
        400 if errors else 200, form_targets=[issuer] if issuer and not customer else [],
        hold=held, expires_iso=format_utc(held.expires_at), topic=page.topic.name if page.topic else None,
        customer=customer, provider=PROVIDERS[page.portal.authentication_type], notice=notice or _note(visit),
        fields=page.portal.fields, values=session.state.values, errors=field_errors,
        input_types=INPUT_TYPES, autocomplete=AUTOCOMPLETE, csrf=visit.csrf,
        keep_action=visit.url(portal_id, "keep", lang=False), slots_url=visit.url(portal_id),
        sign_in_action=visit.url(portal_id, "signin", lang=False),
        confirm_action=visit.url(portal_id, "confirm", lang=False))


def _issuer_origin(ctx: Context, page: PortalPage) -> str | None:
    try:
        return web.origin_of(sign_in.client_for(ctx, page.portal).issuer)
    except ServiceUnavailable:
        return None


def _lost(ctx: Context, visit: Visit, page: PortalPage, message: str) -> func.HttpResponse:
    t = render.translations(visit.lang).gettext
    return _respond(ctx, visit, page, "lost.html", t(_("The time is no longer held")), 409, message=t(message),
                    slots_url=visit.url(page.portal.id))


async def _keep(ctx: Context, visit: Visit, portal_id: str, _action: str) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    session = await sessions.load(ctx, visit.session_id)
    try:
        await holds.keep(ctx, session)
    except (Conflict, InvalidRequest):
        return _lost(ctx, visit, page, _("The time could not be held again: it was taken meanwhile."))
    await sessions.save(ctx, session)
    return web.redirect(visit, visit.url(portal_id, "details", note="kept"))


# --- signing in ------------------------------------------------------------------------------


def _callback_url(visit: Visit) -> str:
    return visit.absolute("signin", "callback", lang=False)


async def _sign_in(ctx: Context, visit: Visit, portal_id: str, _action: str) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    session = await sessions.load(ctx, visit.session_id)
    url = await sign_in.start(ctx, bootstrap.identity_provider(), session, page.portal, _callback_url(visit),
                              visit.lang)
    await sessions.save(ctx, session)
    return web.redirect(visit, url)


async def _sign_in_callback(ctx: Context, visit: Visit, *_parts: str) -> func.HttpResponse:
    session = await _session(ctx, visit)
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
        await sign_in.finish(ctx, bootstrap.identity_provider(), session, page.portal, code, _callback_url(visit))
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


async def _confirm(ctx: Context, visit: Visit, portal_id: str, _action: str) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    session = await sessions.load(ctx, visit.session_id)
    try:
        booked = await booking.confirm(ctx, session, page, visit.form)
    except HoldLost:
        await sessions.save(ctx, session)
        return _lost(ctx, visit, page, _("We held the time for you for a few minutes, and that time has run out."))
    except SignInRequired:
        return await _details(ctx, visit, portal_id, "details")
    except InvalidRequest as error:
        await sessions.save(ctx, session)
        errors = {k.removeprefix("customFields."): v for k, v in (error.errors or {}).items()}
        return await _details(ctx, visit, portal_id, "details", errors=errors or {"": [error.detail]})
    await sessions.save(ctx, session)
    if booked.token is None:
        return await _meeting_page(ctx, visit, page, booked.meeting, None, "booked")
    return web.redirect(visit, visit.url("manage", booked.token, note="booked"))


# --- managing a booked meeting ---------------------------------------------------------------


async def _managed(ctx: Context, token: str) -> tuple[manage.Managed, PortalPage]:
    managed = await manage.find(ctx, token)
    if managed is None:
        raise NotFound("This manage link does not work (any more).")
    return managed, await offer.portal_page(ctx, managed.portal_id)


async def _advisor(ctx: Context, employee_id: str) -> str | None:
    try:
        return (await ctx.store(kinds.EMPLOYEE).get(employee_id)).item.name
    except NotFound:
        return None


async def _meeting_page(ctx: Context, visit: Visit, page: PortalPage, meeting, token: str | None,
                        note: str | None, changeable: bool = True) -> func.HttpResponse:
    """The meeting a link manages; `note` "booked" makes it the confirmation of a new booking."""
    t = render.translations(visit.lang).gettext
    title = t(_("Your meeting is booked")) if note == "booked" else t(_("Your meeting"))
    notice = t(NOTES[note]) if note in NOTES and note != "booked" else None
    return _respond(ctx, visit, page, "meeting.html", title, meeting=meeting,
                    topic=page.topic.name if page.topic else None, advisor=await _advisor(ctx, meeting.employee_id),
                    notice=notice, changeable=changeable and bool(token),
                    manage_url=visit.absolute("manage", token, lang=False) if token else None,
                    move_url=visit.url("manage", token or "", "move"), cancel_url=visit.url("manage", token or "",
                                                                                            "cancel"))


async def _manage(ctx: Context, visit: Visit, _manage_part: str, token: str) -> func.HttpResponse:
    managed, page = await _managed(ctx, token)
    return await _meeting_page(ctx, visit, page, managed.meeting, token, visit.query("note"), managed.changeable)


async def _move_page(ctx: Context, visit: Visit, _manage_part: str, token: str, _action: str = "move",
                     notice: str | None = None, status: int = 200) -> func.HttpResponse:
    managed, page = await _managed(ctx, token)
    if not managed.changeable:
        return web.redirect(visit, visit.url("manage", token))
    days = await offer.offered_days(ctx, page)
    wanted = _day_param(visit)
    t = render.translations(visit.lang).gettext
    return _respond(ctx, visit, page, "move.html", t(_("Move your meeting")), status, meeting=managed.meeting,
                    notice=notice, days=days, day=page_slots.chosen_day(days, wanted),
                    focus_times=wanted is not None and not notice,
                    day_url=lambda d: visit.url("manage", token, "move", day=d.isoformat()),
                    move_action=visit.url("manage", token, "move", lang=False), csrf=visit.csrf,
                    back_url=visit.url("manage", token))


async def _move(ctx: Context, visit: Visit, _manage_part: str, token: str, _action: str) -> func.HttpResponse:
    managed, page = await _managed(ctx, token)
    try:
        await manage.move(ctx, managed, page, visit.form.get("slot", ""))
    except (Conflict, InvalidRequest):
        return await _move_page(ctx, visit, "manage", token, notice=gettext(visit.lang, NOTES["taken"]), status=409)
    return web.redirect(visit, visit.url("manage", token, note="moved"))


async def _cancel_page(ctx: Context, visit: Visit, _manage_part: str, token: str, _action: str) -> func.HttpResponse:
    managed, page = await _managed(ctx, token)
    if not managed.changeable:
        return web.redirect(visit, visit.url("manage", token))
    t = render.translations(visit.lang).gettext
    return _respond(ctx, visit, page, "cancel.html", t(_("Cancel your meeting?")), meeting=managed.meeting,
                    topic=page.topic.name if page.topic else None,
                    advisor=await _advisor(ctx, managed.meeting.employee_id), csrf=visit.csrf,
                    cancel_action=visit.url("manage", token, "cancel", lang=False), back_url=visit.url("manage", token))


async def _cancel(ctx: Context, visit: Visit, _manage_part: str, token: str, _action: str) -> func.HttpResponse:
    managed, page = await _managed(ctx, token)
    await manage.cancel(ctx, managed)
    return web.redirect(visit, visit.url(page.portal.id, "cancelled"))


async def _cancelled(ctx: Context, visit: Visit, portal_id: str, _action: str) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    return _message(ctx, visit, page, 200, _("Your meeting is cancelled"),
                    _("The meeting is cancelled and everyone taking part has been told."), visit.url(portal_id),
                    _("Book a new time"))
