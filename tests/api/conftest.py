"""Fixtures of the browser tests: Debian's Chromium, one per test module, driven by playwright."""

import pytest

from tests.utils.page_browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for the module's pages (tests/utils/page_browser.py opens contexts on it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()
