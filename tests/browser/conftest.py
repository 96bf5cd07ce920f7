"""Browser tests: Playwright driving Debian's chromium, headless, against a live test server.

Screenshots go to test-artifacts/screenshots/ (kept by CI as artifacts). The browser is found at
CHROMIUM_PATH (default /usr/bin/chromium); Playwright never downloads one.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# The GitHub emulator and the portal pointed at it, for the pull-request pages.
from tests.pipeline.conftest import emulator, github  # noqa: F401

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself (fixtures, assertions) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Browser tests need Debian's chromium at {CHROMIUM} "
            "(apt-get install chromium, or set CHROMIUM_PATH)."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Shots:
    """Takes numbered screenshots named after the test."""

    def __init__(self, page, test_name: str) -> None:
        self.page = page
        self.prefix = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
        self.count = 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, label: str) -> Path:
        self.count += 1
        path = ARTIFACTS / f"{self.prefix}-{self.count:02d}-{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context and page; its base URL is the live server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        Shots(page, request.node.name)("failure")
    context.close()


@pytest.fixture
def shots(page, request):
    return Shots(page, request.node.name)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def log_in(page, username: str, password: str) -> None:
    """Log in through the real login form."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/$"))
