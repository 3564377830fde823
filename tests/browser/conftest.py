"""Playwright driving Debian's Chromium against pytest-django's live server.

Each test gets a fresh browser context; screenshots of the pages a person sees go to
artifacts/screenshots/ so a reviewer can look at them without running anything.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A Chromium page (1366×900), closed after the test."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip("Debian's Chromium is not installed (make browser)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls (set-up
    # and checks) are plain synchronous calls, so Django's async-safety guard must stand aside.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        # The Copy buttons write to the clipboard; tests read it back to prove they work.
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        # Generous: the machine running the suite may be busy with other test runs.
        context.set_default_timeout(30_000)
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # Django keeps connections per context, and Playwright's sync API runs the test in a
            # context of its own: close what the test opened there, or PostgreSQL cannot drop
            # the test database at the end of the run.
            connections.close_all()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as artifacts/screenshots/<name>.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
