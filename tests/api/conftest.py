"""Fixtures of the API tests: Debian's Chromium for the browser tests (one per test module, driven by
playwright), and a real webhook receiver with subscriptions that are deleted after the test."""

import pytest

from tests.utils.page_browser import CHROMIUM, CHROMIUM_ARGS
from tests.utils.webhook_receiver import ReceiverThread

WEBHOOKS = "/bookme/config/webhooks"


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for the module's pages (tests/utils/page_browser.py opens contexts on it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def receiver():
    """A webhook receiver on loopback that records what it is sent."""
    running = ReceiverThread().start()
    yield running
    running.close()


@pytest.fixture
def subscribe(api):
    """Create subscriptions that are deleted after the test, so no other test's events go to them."""
    created: list[str] = []

    def create(url: str, events: list[str], **fields) -> dict:
        response = api.post(WEBHOOKS, json={"url": url, "events": events, **fields})
        assert response.status_code == 201, response.text
        created.append(response.json()["id"])
        return response.json()

    yield create
    for id in created:
        api.delete(f"{WEBHOOKS}/{id}")
