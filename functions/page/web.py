"""HTTP for the booking page: the session cookie, form posts and their CSRF check, the page's
URLs, and HTML responses with their Content-Security-Policy."""

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import azure.functions as func

from functions.page import render
from shared.models.common import is_printable_line, is_printable_text
from shared.services.booking_page import sessions

COOKIE = "bookme_page"
MAX_FORM = 64 * 1024
STATIC = Path(__file__).resolve().parent / "static"
_LOOPBACK = {"localhost", "127.0.0.1", "[::1]", "::1"}


@functools.cache
def asset_version() -> str:
    """Changes with the page's own stylesheet and script, so browsers may keep them long."""
    digest = hashlib.sha256()
    for name in ("page.css", "page.js"):
        digest.update((STATIC / name).read_bytes())
    return digest.hexdigest()[:12]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Visit:
    """One request to the page: its language, its session id (a new one when the browser sent
    none), and where the page lives."""

    request: func.HttpRequest
    lang: str
    session_id: str
    new_session: bool
    base: str  # the path of /api/book as the customer reaches it
    public: str  # the absolute URL of /api/book as the customer reaches it
    form: dict[str, str] = field(default_factory=dict)

    def url(self, *parts: str, lang: bool = True, **query: str) -> str:
        path = "/".join([self.base, *parts])
        wanted = {k: v for k, v in query.items() if v is not None}
        if lang:
            wanted["lang"] = self.lang
        return f"{path}?{urlencode(wanted)}" if wanted else path

    def absolute(self, *parts: str, lang: bool = True, **query: str) -> str:
        return self.public + self.url(*parts, lang=lang, **query)[len(self.base):]

    @property
    def secure_cookie(self) -> bool:
        """Secure except on plain-http loopback (a developer's machine), where browsers would drop it."""
        parts = urlsplit(self.request.url)
        return not (parts.scheme == "http" and (parts.hostname or "") in _LOOPBACK)

    @property
    def csrf(self) -> str:
        return sessions.csrf_token(self.session_id)

    def csrf_valid(self) -> bool:
        return not self.new_session and sessions.csrf_valid(self.session_id, self.form.get("csrf"))

    def query(self, name: str) -> str | None:
        value = self.request.params.get(name)
        return value if value and is_printable_line(value) and len(value) <= 200 else None


def cookie_value(header: str | None) -> str | None:
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and sessions.is_session_id(value):
            return value
    return None


def form_of(request: func.HttpRequest) -> dict[str, str]:
    """A urlencoded form post's fields (the first value of each); empty for anything else."""
    body = request.get_body() or b""
    kind = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded" or len(body) > MAX_FORM:
        return {}
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        return {}
    form: dict[str, str] = {}
    for name, value in pairs:
        if is_printable_text(value):  # what the API takes as text (a pasted no-break space among it)
            form.setdefault(name, value[:4000])
    return form


def visit(request: func.HttpRequest, public_url: str) -> Visit:
    """`public_url`: the BOOKING_PAGE_URL setting; empty, the address the request came to."""
    sent = cookie_value(request.headers.get("Cookie"))
    form = form_of(request) if request.method.upper() == "POST" else {}
    lang = render.language(request.params.get("lang") or form.get("lang"), request.headers.get("Accept-Language"))
    if public_url:
        public = public_url.rstrip("/")
    else:
        parts = urlsplit(request.url)
        path = parts.path
        public = f"{parts.scheme}://{parts.netloc}{path[:path.lower().index('/book') + 5]}"
    return Visit(request, lang, sent or sessions.new_session_id(), sent is None, urlsplit(public).path, public, form)


def security_headers(frame_ancestors: list[str], logo_origin: str | None, form_targets: list[str]) -> dict[str, str]:
    """A strict policy: nothing inline, nothing from elsewhere but the portal's logo; forms post
    to the page (and to the identity provider a sign-in redirects to); framed only by the
    portal's own origins."""
    images = " ".join(["'self'", *([logo_origin] if logo_origin else [])])
    forms = " ".join(["'self'", *form_targets])
    ancestors = " ".join(["'self'", *frame_ancestors])
    policy = (f"default-src 'none'; script-src 'self'; style-src 'self'; img-src {images}; connect-src 'self'; "
              f"form-action {forms}; frame-ancestors {ancestors}; base-uri 'none'")
    return {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store"}


def with_cookie(visit: Visit, headers: dict[str, str]) -> dict[str, str]:
    if visit.new_session:
        secure = "; Secure" if visit.secure_cookie else ""
        headers["Set-Cookie"] = f"{COOKIE}={visit.session_id}; Path={visit.base or '/'}; HttpOnly; SameSite=Lax{secure}"
    return headers


def html(visit: Visit, body: str, status: int, headers: dict[str, str]) -> func.HttpResponse:
    return func.HttpResponse(body, status_code=status, headers=with_cookie(visit, headers), mimetype="text/html",
                             charset="utf-8")


def redirect(visit: Visit, location: str, extra: dict[str, Any] | None = None) -> func.HttpResponse:
    """303 See Other: the browser GETs the next step (POST/redirect/GET)."""
    headers = {"Location": location, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer", **(extra or {})}
    return func.HttpResponse(status_code=303, headers=with_cookie(visit, headers))


def asset(name: str, content_type: str) -> func.HttpResponse:
    return func.HttpResponse((STATIC / name).read_bytes(), headers={
        "Content-Type": content_type, "Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})
