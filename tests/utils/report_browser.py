"""The reports page in Debian's Chromium, driven by playwright (never a downloaded browser):
contexts that reach only loopback, record every Content-Security-Policy violation, and carry
axe-core (pinned in package.json, installed by npm ci)."""

import os
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
  window.reportsCspViolation(`${location.href} ${event.violatedDirective} ${event.blockedURI}`);
}, true);"""


def new_context(browser, violations: list[str], requested: list[str], width: int = 1280):
    """A browser context of its own on loopback only; `violations` and `requested` fill as it runs."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB", accept_downloads=True)
    context.expose_binding("reportsCspViolation", lambda source, text: violations.append(text))
    context.add_init_script(_CSP_LISTENER)
    context.add_init_script(path=str(AXE))

    def local_only(route) -> None:
        requested.append(route.request.url)
        if (urlsplit(route.request.url).hostname or "") in ("127.0.0.1", "localhost") \
                or route.request.url.startswith(("data:", "about:", "blob:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", local_only)
    context.set_default_timeout(30_000)
    return context


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.2 AA violations of the page as it is, one line each."""
    return list(page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ') + ' (' + n.failureSummary + ')').join(', ')}`)",
        WCAG_TAGS))
