"""{base}/docs in a real browser: Debian's headless Chromium, driven by playwright.

`make test` installs chromium with apt-get when it is missing; the test is skipped only when
that was impossible. playwright never downloads a browser of its own here.
"""

import os
from urllib.parse import urlsplit

import httpx
import pytest

from tests.utils.page_browser import CHROMIUM
from tests.utils.tokens import token

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason=f"{CHROMIUM} is missing and could not be installed (make test installs it)")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


def test_docs_page_and_document_need_no_token(stack):
    page = httpx.get(f"{stack.base_url}/v3/bookme/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "swagger-ui-bundle.js" in page.text and "http" not in page.text.split("<body>")[1]
    script = httpx.get(f"{stack.base_url}/v3/bookme/docs/swagger-ui-bundle.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert httpx.get(f"{stack.base_url}/v3/bookme/docs/swagger-ui.css").headers["content-type"].startswith("text/css")
    assert httpx.get(f"{stack.base_url}/v2/bookme/docs/").status_code == 200
    assert httpx.get(f"{stack.base_url}/v3/bookme/docs/..%2Fopenapi.py").status_code == 404
    # The package's own sample initializer loads the public Petstore: not served.
    assert httpx.get(f"{stack.base_url}/v3/bookme/docs/swagger-initializer.js").status_code == 404
    assert "petstore" not in httpx.get(f"{stack.base_url}/v3/bookme/docs/index.html").text
    assert httpx.get(f"{stack.base_url}/v4/bookme/docs").status_code == 404


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_docs_page_renders_every_operation_from_local_assets(stack, page, version, tmp_path):
    document = httpx.get(f"{stack.base_url}/{version}/bookme/openapi.json").json()
    operations = sum(len(item) for item in document["paths"].values())
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{stack.base_url}/{version}/bookme/docs")
    page.wait_for_selector(".opblock")
    page.screenshot(path=str(tmp_path / f"docs-{version}.png"), full_page=False)

    assert page.locator(".info .title").inner_text().startswith(document["info"]["title"])
    assert page.locator(".opblock").count() == operations
    origin = urlsplit(stack.base_url).netloc
    assert {urlsplit(url).netloc for url in requested if url.startswith("http")} == {origin}, "nothing from a CDN"


def authorize(page, stack) -> None:
    """Give the docs page a token, as a user pastes one into "Authorize"."""
    page.click("button.authorize")
    page.fill(".auth-container input", token(stack.key_file))
    page.click(".auth-btn-wrapper button.authorize")
    page.click(".auth-btn-wrapper button.btn-done")


def test_a_get_tried_from_the_docs_page_with_a_token_succeeds(stack, page):
    page.goto(f"{stack.base_url}/v3/bookme/docs")
    page.wait_for_selector(".opblock")

    authorize(page, stack)

    operation = page.locator("#operations-Employees-list_employees")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    with page.expect_response(lambda response: urlsplit(response.url).path == "/api/v3/bookme/employees") as answer:
        operation.locator("button.execute").click()
    assert answer.value.status == 200
    assert answer.value.request.headers["authorization"].startswith("Bearer ")
    status = operation.locator(".live-responses-table .response .response-col_status")
    assert status.first.inner_text().strip() == "200"
    if os.environ.get("BOOKME_DOCS_SCREENSHOT"):
        page.screenshot(path=os.environ["BOOKME_DOCS_SCREENSHOT"], full_page=False)


def test_the_slot_search_tried_out_unchanged_sends_its_examples_and_answers_slots(stack, page):
    """The page pre-fills the search as tests/utils/try_it_out.py says, and that request finds slots."""
    from urllib.parse import parse_qsl

    from tests.utils.try_it_out import prefilled_query

    document = httpx.get(f"{stack.base_url}/v3/bookme/openapi.json").json()
    page.goto(f"{stack.base_url}/v3/bookme/docs")
    page.wait_for_selector(".opblock")
    authorize(page, stack)

    operation = page.locator("[id$='-list_available_time_slots']")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    with page.expect_response(lambda r: urlsplit(r.url).path == "/api/v3/bookme/time-slots/available") as answer:
        operation.locator("button.execute").click()
    sent = parse_qsl(urlsplit(answer.value.url).query)
    assert sorted(sent) == sorted(prefilled_query(document["paths"]["/time-slots/available"]["get"]))
    assert answer.value.status == 200 and len(answer.value.json()) >= 1
