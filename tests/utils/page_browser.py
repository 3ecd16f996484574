"""The booking page in Debian's Chromium, driven by playwright (never a downloaded browser): pages
that record every Content-Security-Policy violation, reach only loopback, and can run axe-core
(pinned in package.json, installed by npm ci)."""

import asyncio
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps calling Google's hosts.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Reported to Python through a binding: the page's own scripts cannot see or silence it.
_CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (event) => {
  window.bookmeCspViolation(`${location.href} ${event.violatedDirective} ${event.blockedURI}`);
}, true);"""


def new_context(browser, violations: list[str], lang: str = "en", width: int = 1280, javascript: bool = True):
    """A browser context of its own (cookies, language, width) on loopback only."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="da-DK" if lang == "da" else "en-GB",
                                  java_script_enabled=javascript)
    context.expose_binding("bookmeCspViolation", lambda source, text: violations.append(text))
    context.add_init_script(_CSP_LISTENER)
    context.add_init_script(path=str(AXE))

    def local_only(route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "about:")):
            route.continue_()
        else:
            route.abort()  # the portal's logo host and anything else outside the machine

    context.route("**/*", local_only)
    context.set_default_timeout(20_000)
    return context


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.2 AA violations of the page as it is, one line each."""
    found = page.evaluate("""async (tags) => {
      const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
      return result.violations.map(v => `${v.id}: ` +
        v.nodes.map(n => `${n.target.join(" ")} (${n.failureSummary})`).join(", "));
    }""", WCAG_TAGS)
    return list(found)


def horizontal_overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def focused(page) -> str:
    return page.evaluate("(() => { const e = document.activeElement; "
                         "return e ? `${e.tagName.toLowerCase()}#${e.id}` : ''; })()")


def tab_to(page, predicate: str, limit: int = 120) -> None:
    """Press Tab until the focused element satisfies the JavaScript `predicate` (of `e`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const e = document.activeElement; return !!e && ({predicate}); }})()"):
            return
    raise AssertionError(f"no focusable element matches {predicate}")


def session_cookie(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "bookme_page")


def expire_hold(stack, session_id: str) -> None:
    """Make the session's hold run out now, as five minutes of waiting would (in the session's
    document, through the app's own adapters; in a thread, outside the browser's event loop)."""

    async def expire() -> None:
        from shared.bootstrap import build_runtime
        from shared.models.common import format_utc, utc_now
        from shared.ports import Op
        from shared.services.booking_page.sessions import document_id
        from shared.settings import Settings

        runtime = build_runtime(Settings(**{k: v for k, v in stack.env.items() if k in Settings.model_fields}))
        try:
            id = document_id(session_id)
            document = (await runtime.context.bookings.day(id, [id]))[id]
            document["hold"]["expiresAt"] = format_utc(utc_now())
            stored = {k: v for k, v in document.items() if not k.startswith("_")}
            await runtime.context.bookings.commit(id, [Op("replace", id, stored, document["_etag"])])
        finally:
            await runtime.close()

    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(expire())
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if errors:
        raise errors[0]
