"""Suite-wide test set-up: which tests need a database, and the browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import TransactionTestCase

CHROMIUM = os.environ.get("REHABDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def _uses_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db"):
        return True
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark database tests `db` so `make test` can run them once per database, and
    leave browser tests out, saying so once, where Chromium is not installed."""
    for item in items:
        if _uses_database(item):
            item.add_marker(pytest.mark.db)
    browser_tests = [item for item in items if item.get_closest_marker("browser")]
    if not browser_tests or Path(CHROMIUM).exists():
        return
    if os.environ.get("REHABDESK_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(
            f"Browser tests are required but Chromium is missing at {CHROMIUM} "
            "(apt-get install -y chromium)."
        )
    config.hook.pytest_deselected(items=browser_tests)
    items[:] = [item for item in items if not item.get_closest_marker("browser")]
    config._rehabdesk_browser_note = (  # type: ignore[attr-defined]
        f"{len(browser_tests)} browser tests skipped: Chromium not found at {CHROMIUM} "
        "(apt-get install -y chromium to run them)."
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    note = getattr(session.config, "_rehabdesk_browser_note", None)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if note and reporter is not None:
        reporter.write_line(note, yellow=True, bold=True)


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Debian's Chromium driven by Playwright, headless (never a downloaded browser).

    One per test, not per session: Playwright's sync API runs an event loop in this
    thread, and while it runs Django hands out different connection objects, so a
    later test's database set-up would miss the data it must restore.
    """
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's guard against
    # database calls from async code would trip on the test's own ORM calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # Connections the test opened while the loop ran belong to that context; close
        # them here, or PostgreSQL cannot drop the test database at the end.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def page(chromium: object) -> Iterator[object]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page: object, request: pytest.FixtureRequest):
    """screenshot("step-name") saves test-artifacts/<test>-<step>.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(step: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path

    return take
