"""The booking page's rendering: the context every page shares, HTML answers with their
Content-Security-Policy, the pages of errors, and the page's own files."""

import hashlib
import logging
from datetime import date
from typing import Any
from urllib.parse import urlencode, urlsplit

import azure.functions as func

from functions.page import render, web
from functions.page.web import Visit
from shared.context import Context
from shared.errors import BadGateway, BookMeError, ServiceUnavailable, TooManyRequests
from shared.models.common import is_uuid
from shared.models.portals import AuthenticationType
from shared.rules import css_sanitizer, page_slots
from shared.services.booking_page import offer, sessions
from shared.services.booking_page.offer import PortalPage

log = logging.getLogger(__name__)

INPUT_TYPES = {"Text": "text", "Phone": "tel", "Email": "email"}
AUTOCOMPLETE = {"Text": "", "Phone": "tel", "Email": "email"}
PROVIDERS = {AuthenticationType.MIT_ID: "MitID", AuthenticationType.AZURE_AD: "Microsoft"}


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


def page_context(visit: Visit, page: PortalPage | None, title: str) -> dict[str, Any]:
    portal = page.portal if page else None
    logo = portal.logo_url if portal and portal.logo_url and portal.logo_url.startswith("https://") else None
    styling = css_sanitizer.sanitize(portal.styling) if portal else ""
    query = {k: v for k, v in visit.request.params.items() if k in ("day", "note")}
    return {
        "base": visit.base, "version": web.asset_version(), "title": title,
        "portal_name": portal.name if portal else "BookMe",
        "logo_url": logo, "logo_height": portal.logo_height if portal else None,
        "portal_css": visit.url(portal.id, "style.css", lang=False, v=css_version(styling)) if styling else None,
        "switch_url": path_with(visit, {**query, "lang": "en" if visit.lang == "da" else "da"}),
        "fmt": render.Formats(visit.lang, page.settings.zone if page else "Europe/Copenhagen"),
    }


def path_with(visit: Visit, query: dict[str, str]) -> str:
    path = urlsplit(visit.request.url).path
    return f"{path}?{urlencode(query)}"


def css_version(styling: str) -> str:
    return hashlib.sha256(styling.encode()).hexdigest()[:12]


def respond(ctx: Context, visit: Visit, page: PortalPage | None, template: str, title: str, status: int = 200,
            form_targets: list[str] | None = None, **context: Any) -> func.HttpResponse:
    values = {**page_context(visit, page, title), **context}
    body = render.render(template, visit.lang, values)
    logo = values["logo_url"]
    headers = web.security_headers(page.portal.embed_origins if page else [], web.origin_of(logo) if logo else None,
                                   form_targets or [])
    if status == 503:
        headers["Retry-After"] = "5"
    return web.html(visit, body, status, headers)


def message_page(ctx: Context, visit: Visit, page: PortalPage | None, status: int, title: str, message: str,
                 link_url: str | None = None, link_text: str = "", new_window: bool = False) -> func.HttpResponse:
    t = render.translations(visit.lang).gettext
    return respond(ctx, visit, page, "message.html", t(title), status, message=t(message), link_url=link_url,
                   link_text=t(link_text), link_new_window=new_window)


async def not_found_page(ctx: Context, visit: Visit) -> func.HttpResponse:
    return message_page(ctx, visit, None, 404, _("Page not found"),
                        _("There is no booking page here. Please check the address, or ask the bank for a new link."))


async def session_lost_page(ctx: Context, visit: Visit, parts: list[str]) -> func.HttpResponse:
    page = await portal_or_none(ctx, parts[0]) if parts and is_uuid(parts[0]) else None
    return message_page(ctx, visit, page, 403, _("Please start again"),
                        _("Your session has run out, or your browser does not keep it for this page. Open the booking "
                      "page in a window of its own to continue."),
                        visit.url(page.portal.id) if page else None, _("Open the booking page"), new_window=True)


async def problem_page(ctx: Context, visit: Visit, error: BookMeError, parts: list[str]) -> func.HttpResponse:
    page = await portal_or_none(ctx, parts[0]) if parts and is_uuid(parts[0]) else None
    if isinstance(error, TooManyRequests):
        return message_page(ctx, visit, page, 429, _("Please wait a little"), error.detail)
    if isinstance(error, ServiceUnavailable):
        log.warning("Booking page unavailable: %s", error.detail)
        return message_page(ctx, visit, page, 503, _("Please try again in a moment"),
                            _("The booking service is busy or unavailable right now. Nothing was changed."))
    if isinstance(error, BadGateway):
        log.warning("Sign-in failed: %s", error.detail)
        return message_page(ctx, visit, page, 502, _("Signing in did not succeed"),
                            _("Signing in did not succeed. Please try again."),
                            visit.url(page.portal.id, "details") if page else None, _("Back to your booking"))
    status = error.status if 400 <= error.status < 500 else 500
    if status == 500:
        log.error("Booking page failed: %s", error.detail)
    return message_page(ctx, visit, page, status, _("Something went wrong"),
                        _("The page could not do that. Please go back and try again."),
                        visit.url(page.portal.id) if page else None, _("Back to the booking page"))


async def portal_or_none(ctx: Context, portal_id: str) -> PortalPage | None:
    try:
        return await offer.portal_page(ctx, portal_id)
    except BookMeError:
        return None


# --- static ----------------------------------------------------------------------------------


async def static_file(ctx: Context, visit: Visit, *parts: str) -> func.HttpResponse:
    name = parts[-1].lower()
    return web.asset(name, "text/css; charset=utf-8" if name.endswith(".css") else "text/javascript; charset=utf-8")


async def portal_stylesheet(ctx: Context, visit: Visit, portal_id: str, _name: str) -> func.HttpResponse:
    page = await offer.portal_page(ctx, portal_id)
    styling = css_sanitizer.sanitize(page.portal.styling)
    return func.HttpResponse(styling, headers={"Content-Type": "text/css; charset=utf-8",
                             "Cache-Control": "public, max-age=86400",
                             "X-Content-Type-Options": "nosniff"})


def day_param(visit: Visit) -> date | None:
    return page_slots.parse_day(visit.query("day"))


def note_text(visit: Visit) -> str | None:
    note = NOTES.get(visit.query("note") or "")
    return gettext(visit.lang, note) if note else None


async def page_session(ctx: Context, visit: Visit) -> sessions.Session:
    if visit.new_session:
        return sessions.Session(visit.session_id, sessions.PageSession())
    return await sessions.load(ctx, visit.session_id)

