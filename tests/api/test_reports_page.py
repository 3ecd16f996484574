"""The reports page (contract section 25) in a real browser: it calls the two report endpoints with
the pasted token and shows the demo mortgage group's heatmap (a table whose cells say their share
in text), every figure by day, and a service group's level against its target; axe-core finds no
WCAG 2.2 AA violation in any state; no Content-Security-Policy violation; nothing from another
host; the CSV download opens in a spreadsheet."""

import re
from urllib.parse import urlsplit

import httpx
import pytest

from shared.demo import demo_id
from tests.utils.page_browser import AXE, CHROMIUM, axe_violations, new_context
from tests.utils.tokens import token

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing and could not be installed"),
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is missing: npm ci installs it (package.json)"),
]

MORTGAGE_GROUP = demo_id("competenceGroup", "mortgage")
METTE = demo_id("employee", "mette.nielsen@nordhavnbank.example")
COPENHAGEN_SERVICE = demo_id("serviceGroup", "CPH-HQ")
FROM, TO = "2031-01-06", "2031-01-17"  # twelve days from a Monday: two working weeks


@pytest.fixture
def opened(stack, browser):
    """A page on the reports page, with what it violated and requested."""
    violations: list[str] = []
    requested: list[str] = []

    def open_page(query: str = "", width: int = 1280):
        context = new_context(browser, violations, width=width)  # loopback only, CSP violations recorded
        context.on("request", lambda request: requested.append(request.url))
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{stack.base_url}/v3/bookme/reports{query}")
        return page

    contexts: list = []
    yield open_page, violations, requested
    for context in contexts:
        context.close()
    assert violations == [], "securitypolicyviolation events"
    origin = urlsplit(stack.base_url).netloc
    assert {urlsplit(url).netloc for url in requested if url.startswith("http")} <= {origin}, "nothing from elsewhere"


def show(page, stack, subject_kind: str | None = None, subject: str | None = None) -> None:
    page.fill("#token", token(stack.key_file))
    if subject_kind:
        page.check(f"input[name=kind][value={subject_kind}]")
        page.fill("#subject", subject)
    page.fill("#from", FROM)
    page.fill("#to", TO)
    page.focus("#to")
    page.keyboard.press("Enter")  # the form is sent from the keyboard


def test_the_page_and_its_assets_need_no_token_and_allow_no_inline_script_or_style(stack):
    page = httpx.get(f"{stack.base_url}/v3/bookme/reports")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text) and "<style" not in page.text
    assert not re.search(r"\sstyle=", page.text) and not re.search(r"\son[a-z]+=", page.text)
    assert '<base href="/api/v3/bookme/reports/">' in page.text
    script = httpx.get(f"{stack.base_url}/v3/bookme/reports/assets/reports.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    styles = httpx.get(f"{stack.base_url}/v3/bookme/reports/assets/reports.css")
    assert styles.status_code == 200 and styles.headers["content-type"].startswith("text/css")
    assert httpx.get(f"{stack.base_url}/v3/bookme/reports/assets/..%2Freports.py").status_code == 404
    assert httpx.get(f"{stack.base_url}/v3/bookme/reports/assets/index.html").status_code == 404
    assert httpx.get(f"{stack.base_url}/v2/bookme/reports").status_code == 404


def test_the_mortgage_groups_heatmap_and_figures_are_the_reports_and_clean(stack, api, opened):
    open_page, _, _ = opened
    # Two of Mette Nielsen's eight hours on Tuesday: a quarter of her day, a twentieth of the group's.
    booked = api.post("/meetings", json={
        "bookedBy": "Employee", "salesforceId": "sf-1", "customerId": "c-1", "type": "Online", "employeeId": METTE,
        "startDate": "2031-01-07T08:00:00Z", "endDate": "2031-01-07T10:00:00Z"})
    assert booked.status_code == 201, booked.text
    page = open_page(f"?competenceGroupId={MORTGAGE_GROUP}")
    assert axe_violations(page) == [], "the empty form"
    assert page.input_value("#subject") == MORTGAGE_GROUP
    show(page, stack)
    page.wait_for_selector("#capacity:not([hidden]) #heatmap tbody tr")
    report = api.get("/reports/capacity", params={"competenceGroupId": MORTGAGE_GROUP, "from": FROM, "to": TO,
                                                  "groupBy": "Employee"}).json()
    rows = page.locator("#heatmap tbody tr")
    assert rows.count() == 1 + len(report["employees"]) == 6
    assert page.locator("#heatmap thead th").count() == 1 + len(report["days"]) == 13
    first_row = [" ".join(cell.split()) for cell in rows.nth(0).locator("td").all_inner_texts()]
    expected = [f"{int(day['utilization'] * 100 + 1e-9)} %" if day["utilization"] is not None
                else "– nothing scheduled" for day in report["days"]]
    assert first_row == expected and first_row[1] == "5 %"
    mette = rows.filter(has=page.locator("th", has_text="Mette Nielsen")).locator("td").nth(1)
    assert (mette.inner_text(), mette.get_attribute("class")) == ("25 %", "u1")
    assert page.locator("#figures tbody tr").count() == len(report["days"])
    slots = page.locator("#figures tbody tr").nth(0).locator("td").last.inner_text()
    assert slots.replace(",", "") == str(report["days"][0]["slots"])
    assert page.locator("#service-level").is_hidden()
    assert "employees, 12 days" in page.inner_text("#capacity-summary")
    assert axe_violations(page) == [], "the report shown"


def test_a_service_groups_level_is_shown_against_its_target(stack, api, opened):
    open_page, _, _ = opened
    page = open_page()
    show(page, stack, "serviceGroupId", COPENHAGEN_SERVICE)
    page.wait_for_selector("#service-level:not([hidden])")
    level = api.get("/reports/service-level", params={"serviceGroupId": COPENHAGEN_SERVICE, "from": FROM,
                                                      "to": TO}).json()
    assert page.inner_text("#sl-target").startswith(f"{level['serviceLevel']['targetPercentage']:g} %")
    assert page.eval_on_selector("#sl-target-meter", "m => m.value") == level["serviceLevel"]["targetPercentage"]
    assert page.inner_text("#sl-first").strip()
    assert axe_violations(page) == [], "the service level shown"


def test_a_refused_token_is_said_in_the_status_and_the_page_stays_clean(stack, opened):
    open_page, _, _ = opened
    page = open_page(f"?competenceGroupId={MORTGAGE_GROUP}")
    page.fill("#token", "not-a-token")
    page.click("button[type=submit]")
    page.wait_for_selector("#status.error")
    assert page.inner_text("#status").startswith("The API answered 401.")
    assert page.locator("#capacity").is_hidden()
    assert axe_violations(page) == [], "the error shown"


def test_the_csv_download_is_utf_8_with_a_byte_order_mark_for_spreadsheets(stack, opened):
    open_page, _, _ = opened
    page = open_page(f"?competenceGroupId={MORTGAGE_GROUP}")
    show(page, stack)
    page.wait_for_selector("#capacity:not([hidden])")
    with page.expect_download() as download:
        page.click("#download")
    content = open(download.value.path(), "rb").read()
    assert content.startswith(b"\xef\xbb\xbfdate,employeeId,employeeName,excluded,scheduledMinutes")
    assert content.decode("utf-8-sig").count("\r\n") == 1 + 5 * 12
    assert download.value.suggested_filename == f"capacity-{FROM}-{TO}.csv"


def test_on_a_narrow_screen_only_the_tables_scroll(stack, opened):
    open_page, _, _ = opened
    page = open_page(f"?competenceGroupId={MORTGAGE_GROUP}", width=320)
    show(page, stack)
    page.wait_for_selector("#capacity:not([hidden]) #heatmap tbody tr")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert axe_violations(page) == [], "at 320 px"
