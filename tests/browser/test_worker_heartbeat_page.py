"""The Home page, in Chromium, tells a person the worker has been silent for over a minute."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from stemlink.worker.heartbeat import beat
from tests.factories import make_user, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_warns_when_the_worker_is_silent_and_not_when_it_beats(
    live_server: Any, browser_page: Any
) -> None:
    world = make_world("Heartbeat Roses")
    make_user(world.company, username="ana", role="admin", password="flowers-2026")
    two_minutes_ago = timezone.now() - dt.timedelta(minutes=2)
    beat("host:7:dead", started_on=two_minutes_ago, passes=9, now=two_minutes_ago)
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", "flowers-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=company-name]")
    warning = page.locator("#worker-silent")
    assert warning.is_visible()
    assert "has been silent since" in warning.inner_text()
    beat("host:7:dead", started_on=two_minutes_ago, passes=10)
    page.reload()
    page.wait_for_selector("[data-testid=company-name]")
    assert page.locator("#worker-silent").count() == 0
