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

from collections.abc import Awaitable, Callable

import azure.functions as func

from functions.page import booking_steps as steps
from functions.page import manage_steps as managing
from functions.page import views, web
from shared import bootstrap
from shared.errors import BookMeError, NotFound
from shared.models.common import is_uuid


async def serve(req: func.HttpRequest) -> func.HttpResponse:
    """The page's one HTTP function: route, then a handler; errors become pages, never problem+json."""
    ctx = await bootstrap.get_context()
    visit = web.visit(req, ctx.settings.BOOKING_PAGE_URL)
    parts = [p for p in (req.route_params.get("rest") or "").split("/") if p]
    method = req.method.upper()
    try:
        handler = route(parts, method)
        if handler is None:
            return await views.not_found_page(ctx, visit)
        if method == "POST" and not visit.csrf_valid():
            return await views.session_lost_page(ctx, visit, parts)
        return await handler(ctx, visit, *parts)
    except NotFound:
        return await views.not_found_page(ctx, visit)
    except BookMeError as error:
        return await views.problem_page(ctx, visit, error, parts)


Handler = Callable[..., Awaitable[func.HttpResponse]]


# The page's routes by method and path shape ({portal}: a portal id); the manage link's below.
ROUTES: dict[tuple[str, tuple[str, ...]], Handler] = {
    ("GET", ("static", "page.css")): views.static_file,
    ("GET", ("static", "page.js")): views.static_file,
    ("GET", ("embed.js",)): views.static_file,
    ("GET", ("signin", "callback")): steps.sign_in_callback,
    ("GET", ("{portal}",)): steps.slots_page,
    ("GET", ("{portal}", "style.css")): views.portal_stylesheet,
    ("POST", ("{portal}", "hold")): steps.hold_time,
    ("GET", ("{portal}", "details")): steps.details_page,
    ("POST", ("{portal}", "keep")): steps.keep_time,
    ("POST", ("{portal}", "signin")): steps.sign_in_start,
    ("POST", ("{portal}", "confirm")): steps.confirm_booking,
    ("GET", ("{portal}", "cancelled")): steps.cancelled_page,
}
MANAGE_ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", ""): managing.manage_page, ("GET", "move"): managing.move_page, ("POST", "move"): managing.move_meeting,
    ("GET", "cancel"): managing.cancel_page, ("POST", "cancel"): managing.cancel_meeting}


def route(parts: list[str], method: str) -> Handler | None:
    shape = tuple("{portal}" if is_uuid(p) and i == 0 else p.lower() for i, p in enumerate(parts))
    if len(parts) in (2, 3) and parts[0].lower() == "manage":
        action = parts[2].lower() if len(parts) == 3 else ""
        return MANAGE_ROUTES.get((method, action))
    return ROUTES.get((method, shape))

