"""The booking page in a real browser (contract section 24): axe-core finds no WCAG 2.2 AA
violation in any state, in Danish and English, at 320 and 1280 px, with the demo portal's
styling and with a hostile one; no horizontal scrolling at 320 px; a booking and a cancellation
with the keyboard alone, focus on each step's heading; the same booking without JavaScript;
no Content-Security-Policy violation over the whole run; under 50 KB before the logo; and the
page inside an iframe of a second local origin, sized by postMessage.

One Chromium for the module; each test opens its own contexts (cookies, language, width)."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.utils.page_browser import (
    AXE,
    CHROMIUM,
    axe_violations,
    expire_hold,
    focused,
    horizontal_overflow,
    new_context,
    session_cookie,
    tab_to,
)
from tests.utils.page_client import DEMO_PORTAL

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing and could not be installed"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is missing: npm ci installs it (package.json)"),
]

HOSTILE_CSS = """@import url(https://evil.example/x.css);
@font-face { font-family: Evil; src: url(https://evil.example/evil.woff) }
body { background: url(https://evil.example/t.png); color: #fff }
* { color: #fff !important; background-color: #fff }
.bm-page { display: none; font-size: 1px; width: expression(alert(1)) }
.bm-slot { background-color: #ffff00; color: #ffffff; padding: 0; border-width: 0; min-height: 0 }
.bm-day { padding: 0; font-size: 12px; letter-spacing: 2em }
html body .bm-button { background-color: #000000; color: #ffffff; border-radius: 32px }
h1 { font-size: 3rem; margin: 48px; color: #0b3d91; background-color: #ffffff }
.bm-field input { padding: 0 2000px; position: fixed; top: 0 }
a { text-decoration: none; color: #eeeeee; background-color: #ffffff }
\\62 ody { color: red }
@media (max-width: 400px) { .bm-page { padding: 0; margin: 0 } }
"""
PHONE, EMAIL = "+45 12 34 56 78", "anna@example.dk"


@pytest.fixture(scope="module")
def violations():
    """Every Content-Security-Policy violation any page of the module reports."""
    found: list[str] = []
    yield found
    assert found == [], "securitypolicyviolation events"


@pytest.fixture(autouse=True)
def no_new_violations(violations):
    before = len(violations)
    yield
    assert violations[before:] == []


@pytest.fixture(scope="module")
def hostile_portal(api):
    demo = api.get(f"/bookme/config/portals/{DEMO_PORTAL}").json()
    created = api.post("/bookme/config/portals", json={
        **{k: demo[k] for k in ("location", "topicId", "customerTypeId", "fields", "authenticationType",
                                "icalEnabled")},
        "name": "Nordhavn Bank (hostile styling)", "styling": HOSTILE_CSS})
    assert created.status_code == 201
    return created.json()["id"]


def _sign_in(page, cpr: str = "010190-1234") -> None:
    """Through the stand-in's own sign-in page, which the page leaves any frame for."""
    page.click("form[action$='/signin'] button")
    page.fill("#username", "anna.jensen")
    page.fill("#cpr", cpr)
    page.click("button[type=submit]")
    page.wait_for_selector("form[action$='/confirm']")


def _check(page, state: str, checked: list[str]) -> None:
    """axe at both widths, and no horizontal scrolling at 320 px."""
    page.wait_for_load_state("load")  # a click only waits for the next page to start loading
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        found = axe_violations(page)
        assert found == [], f"{state} at {width} px: {found}"
        if width == 320:
            assert horizontal_overflow(page) <= 0, f"{state} scrolls sideways at 320 px"
    checked.append(state)


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("styling", ["demo", "hostile"])
def test_every_state_of_the_page_passes_axe_at_both_widths(stack, browser, violations, hostile_portal, lang,
                                                          styling):
    portal = DEMO_PORTAL if styling == "demo" else hostile_portal
    context = new_context(browser, violations, lang)
    page = context.new_page()
    checked: list[str] = []
    try:
        page.goto(f"{stack.base_url}/book/{portal}?lang={lang}")
        _check(page, "slots", checked)
        page.click("button.bm-slot >> nth=1")
        _check(page, "held", checked)
        _sign_in(page)
        _check(page, "held, signed in", checked)
        page.fill("form[action$='/confirm'] input[type=tel]", PHONE)
        page.fill("form[action$='/confirm'] input[type=email]", "anna@example")  # the browser's check lets it pass
        page.click("form[action$='/confirm'] button[type=submit]")
        assert page.locator(".bm-errors").count() == 1
        _check(page, "form with errors", checked)
        page.fill("form[action$='/confirm'] input[type=email]", EMAIL)
        page.click("form[action$='/confirm'] button[type=submit]")
        page.wait_for_selector(".bm-url")
        _check(page, "booked", checked)
        page.goto(page.locator(".bm-url a").get_attribute("href"))
        _check(page, "manage", checked)
        page.click("a[href*='/cancel']")
        _check(page, "cancel", checked)
        page.click("form[action$='/cancel'] button")
        _check(page, "cancelled", checked)
        page.goto(f"{stack.base_url}/book/{portal}?lang={lang}")
        page.click("button.bm-slot >> nth=2")
        expire_hold(stack, session_cookie(context))
        page.reload()
        assert page.locator("a.bm-button-link").count() == 1  # "Choose a time"
        _check(page, "hold expired", checked)
    finally:
        context.close()
    assert len(checked) == 9


def test_a_booking_and_a_cancellation_with_the_keyboard_alone_focus_each_steps_heading(stack, browser,
                                                                                       violations):
    context = new_context(browser, violations, "en")
    page = context.new_page()

    def enter() -> None:
        """Enter on the focused link or button, and the next page loaded."""
        with page.expect_navigation():
            page.keyboard.press("Enter")

    try:
        page.goto(f"{stack.base_url}/book/{DEMO_PORTAL}")
        tab_to(page, "e.classList.contains('bm-day') && !e.hasAttribute('aria-current')")
        enter()
        assert focused(page) == "h2#times-heading"  # after picking a day, its times
        tab_to(page, "e.classList.contains('bm-slot')")
        enter()
        assert focused(page) == "h1#step" and page.inner_text("h1") == "Your time is held"
        tab_to(page, "e.closest(\"form[action$='/signin']\") !== null")
        enter()
        tab_to(page, "e.id === 'username'")
        page.keyboard.type("anna.jensen")
        tab_to(page, "e.id === 'cpr'")
        page.keyboard.type("010190-1234")
        enter()
        assert focused(page) == "h1#step" and page.locator("form[action$='/confirm']").count() == 1
        tab_to(page, "e.type === 'tel'")
        page.keyboard.type(PHONE)
        tab_to(page, "e.type === 'email'")
        page.keyboard.type(EMAIL)
        tab_to(page, "e.type === 'submit' && e.closest(\"form[action$='/confirm']\") !== null")
        enter()
        assert focused(page) == "h1#step" and page.inner_text("h1") == "Your meeting is booked"

        tab_to(page, "e.tagName === 'A' && e.href.includes('/cancel')")
        enter()
        assert focused(page) == "h1#step" and page.inner_text("h1") == "Cancel your meeting?"
        tab_to(page, "e.closest(\"form[action$='/cancel']\") !== null")
        enter()
        assert focused(page) == "h1#step" and page.inner_text("h1") == "Your meeting is cancelled"
    finally:
        context.close()


def test_the_same_booking_without_javascript(stack, api, browser, violations):
    context = new_context(browser, violations, "da", javascript=False)
    page = context.new_page()
    try:
        page.goto(f"{stack.base_url}/book/{DEMO_PORTAL}")
        page.click("button.bm-slot >> nth=3")
        assert page.inner_text("h1") == "Din tid er reserveret"
        assert page.locator(".bm-timer").is_hidden()  # the countdown needs the script; the deadline is in the text
        _sign_in(page, "150585-4321")
        page.fill("form[action$='/confirm'] input[type=tel]", PHONE)
        page.fill("form[action$='/confirm'] input[type=email]", EMAIL)
        page.click("form[action$='/confirm'] button[type=submit]")
        assert page.inner_text("h1") == "Dit møde er booket"
        token = re.search(r"/manage/([\w-]{32})", page.url).group(1)
        assert token in page.inner_text(".bm-url")
    finally:
        context.close()


def test_the_countdown_is_shown_and_announced_politely_with_javascript(stack, browser, violations):
    context = new_context(browser, violations, "en")
    page = context.new_page()
    try:
        page.goto(f"{stack.base_url}/book/{DEMO_PORTAL}")
        page.click("button.bm-slot >> nth=4")
        timer = page.locator(".bm-timer")
        timer.wait_for(state="visible")
        assert re.fullmatch(r"\(\d:\d\d\)", timer.inner_text())
        assert page.get_attribute("[data-announce]", "aria-live") == "polite"
    finally:
        context.close()


def test_under_50_kb_is_sent_before_the_logo(stack, browser, violations):
    context = new_context(browser, violations, "da")
    page = context.new_page()
    sizes: dict[str, int] = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if "127.0.0.1" in r.url else None)
    try:
        page.goto(f"{stack.base_url}/book/{DEMO_PORTAL}")
        page.wait_for_load_state("networkidle")
        logo = page.get_attribute("img.bm-logo", "src")
        assert logo.startswith("https://")  # the portal's logo, only ever over https
        sent = sum(size for url, size in sizes.items() if url != logo)
        assert 0 < sent < 50_000, sizes
    finally:
        context.close()


class _Parent(BaseHTTPRequestHandler):
    """The bank's own pages on a second local origin: the booking page in an iframe, and embed.js."""

    pages: dict[str, str] = {}

    def do_GET(self):  # noqa: N802 - http.server's hook name
        body = self.pages.get(self.path, "").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def parent_origin(stack):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Parent)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server
    server.shutdown()


def test_the_page_embeds_in_the_portals_own_origin_and_reports_its_height(stack, api, browser, violations,
                                                                        parent_origin):
    origin, server = parent_origin
    demo = api.get(f"/bookme/config/portals/{DEMO_PORTAL}").json()
    framed = api.post("/bookme/config/portals", json={
        **{k: demo[k] for k in ("location", "topicId", "customerTypeId", "fields")},
        "name": "Embedded", "embedOrigins": [origin]}).json()["id"]
    elsewhere = api.post("/bookme/config/portals", json={
        **{k: demo[k] for k in ("location", "topicId", "customerTypeId", "fields")}, "name": "Not embeddable"}
    ).json()["id"]
    def bank_page(portal: str) -> str:
        return (f'<!DOCTYPE html><html lang="en"><head><title>Bank</title></head><body><h1>Bank</h1>'
                f'<iframe id="booking" src="{stack.base_url}/book/{portal}" title="Book a meeting" data-bookme>'
                f'</iframe><script src="{stack.base_url}/book/embed.js"></script></body></html>')

    _Parent.pages = {"/": bank_page(framed), "/stranger": bank_page(elsewhere)}
    context = new_context(browser, violations, "en")
    page = context.new_page()
    try:
        page.goto(origin)
        frame = page.frame_locator("#booking")
        frame.locator("h1").wait_for()
        page.wait_for_function("document.getElementById('booking').style.height !== ''")
        reported = page.evaluate("parseInt(document.getElementById('booking').style.height)")
        content = frame.locator("body").evaluate("b => Math.ceil(b.getBoundingClientRect().height)")
        assert reported == content and reported > 400
        frame.locator("button.bm-slot >> nth=5").click()  # a hold inside the frame: the session works there
        frame.locator("form[action$='/signin']").wait_for()
        page.wait_for_function(f"parseInt(document.getElementById('booking').style.height) !== {reported}")
        assert frame.locator("form[action$='/signin']").get_attribute("target") == "_top"  # sign-in leaves it

        page.goto(f"{origin}/stranger")  # a portal that does not list this origin: frame-ancestors refuses
        page.wait_for_timeout(500)
        inner = next(f for f in page.frames if f != page.main_frame)
        assert inner.locator(".bm-page").count() == 0
        assert page.evaluate("document.getElementById('booking').style.height") == ""
    finally:
        context.close()
