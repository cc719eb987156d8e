"""Suite-wide test set-up: which tests need a database, and the browser."""

from __future__ import annotations

import copy
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from django.db import transaction
from django.test import TestCase, TransactionTestCase

CHROMIUM = os.environ.get("REHABDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

# Speed is measured by `make bench`, never by a test: no example fails for being slow
# (make test runs two suites at once on a busy machine).
hypothesis.settings.register_profile("rehabdesk", deadline=None)
hypothesis.settings.load_profile("rehabdesk")
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def _uses_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db"):
        return True
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return True
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def _transactional(item: pytest.Item) -> bool:
    """A test that commits: marked transaction=True, or on a live server."""
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return True
    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase) and not issubclass(cls, TestCase):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def _require_serialized_rollback(item: pytest.Item) -> None:
    """Transactional tests empty every table when they end; the reference data the
    migrations load (colleges, disciplines, tax, roles) must then be restored for the
    tests that follow, which only `serialized_rollback=True` does."""
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
        raise pytest.UsageError(
            f"{item.nodeid}: use @pytest.mark.django_db(transaction=True, serialized_rollback=True)"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark database tests `db` so `make test` can run them once per database, and
    leave browser tests out, saying so once, where Chromium is not installed."""
    sharing: dict[str, bool] = {}
    for item in items:
        uses_database = _uses_database(item)
        if uses_database:
            item.add_marker(pytest.mark.db)
        _require_serialized_rollback(item)
        module = item.getparent(pytest.Module)
        if module is not None and uses_database:
            shares = "personas" in getattr(item, "fixturenames", ()) and not _transactional(item)
            sharing[module.nodeid] = sharing.get(module.nodeid, True) and shares
    # Modules whose every database test starts from the personas, none committing.
    config._rehabdesk_personas_modules = {  # type: ignore[attr-defined]
        nodeid for nodeid, shares in sharing.items() if shares
    }
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


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if AXE_COST["pages"]:
        terminalreporter.write_line(
            f"axe-core checked {AXE_COST['pages']} pages in {AXE_COST['seconds']:.1f} s."
        )


def pytest_collection_finish(session: pytest.Session) -> None:
    note = getattr(session.config, "_rehabdesk_browser_note", None)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if note and reporter is not None:
        reporter.write_line(note, yellow=True, bold=True)


@pytest.fixture(scope="session", autouse=True)
def _flush_lifts_audit_triggers() -> Iterator[None]:
    """Let the test suite's flush empty the audit tables, and only the test suite's.

    Transactional and browser tests (TransactionTestCase, `transactional_db`,
    `live_server`) empty every table with the `flush` command after each test: DELETE
    on SQLite, TRUNCATE on PostgreSQL. The audit tables' triggers refuse both, as they
    must in production, as do the appointment history's and the safety record's. So
    each flush runs with them lifted, in one transaction that puts them back before it
    commits (rehabdesk.audit.testing, rehabdesk.scheduling.testing,
    rehabdesk.safety.testing).
    """
    from django.core.management.commands.flush import Command
    from django.db import connections

    from rehabdesk.audit.testing import triggers_lifted
    from rehabdesk.billing.testing import guards_lifted as billing_guards_lifted
    from rehabdesk.care.testing import guards_lifted as care_guards_lifted
    from rehabdesk.outcomes.testing import guards_lifted as outcomes_guards_lifted
    from rehabdesk.plans.testing import guards_lifted as plans_guards_lifted
    from rehabdesk.safety.testing import guards_lifted as safety_guards_lifted
    from rehabdesk.scheduling.testing import guards_lifted

    handle = Command.handle

    def handle_with_triggers_lifted(self: Command, *args: object, **options: Any) -> object:
        connection = connections[options["database"]]
        with (
            triggers_lifted(connection),
            guards_lifted(connection),
            safety_guards_lifted(connection),
            care_guards_lifted(connection),
            billing_guards_lifted(connection),
            outcomes_guards_lifted(connection),
            plans_guards_lifted(connection),
        ):
            return handle(self, *args, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Command, "handle", handle_with_triggers_lifted)
        yield


@pytest.fixture(scope="session", autouse=True)
def _force_login_passes_second_factor() -> Iterator[None]:
    """`client.force_login(staff)` signs in the way staff do, second factor included
    (rehabdesk/testing/factors.py): the tests of every page keep one line to sign in."""
    from django.test import Client

    force_login = Client.force_login

    def force_login_with_factor(self: Client, user: Any, backend: str | None = None) -> None:
        from rehabdesk.testing.factors import pass_second_factor

        force_login(self, user, backend)
        pass_second_factor(self, user)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "force_login", force_login_with_factor)
        yield


@pytest.fixture(autouse=True)
def _webhook_listener_clock_stopped() -> Iterator[None]:
    """A clinic without webhooks is remembered as such for a few seconds per process
    (docs/webhooks.md): each test starts with nothing remembered, and its memory never
    lapses halfway, so pinned query counts hold on a slow machine too."""
    from rehabdesk.webhooks.testing import listener_clock_stopped

    with listener_clock_stopped():
        yield


@pytest.fixture(scope="session")
def live_server(django_db_setup: None, request: pytest.FixtureRequest) -> Iterator[Any]:
    """pytest-django's live server, started only once the test database exists.

    Started before (pytest-django's own fixture may be), it sees SQLite's database
    still named ":memory:", takes it for an in-memory one and hands every request
    thread the main thread's one connection; two requests at once (a page and its
    pictures) then use it together and crash the process. Started after, each request
    thread opens its own connection to the test database file, as on PostgreSQL.
    """
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address)
    assert not server.thread.connections_override, "request threads must not share one"
    yield server
    server.stop()


# What every page must carry (HSTS too, but only over HTTPS: test_security_headers.py).
PAGE_HEADERS = (
    "content-security-policy",
    "permissions-policy",
    "referrer-policy",
    "x-frame-options",
    "x-content-type-options",
)


class CspWatch:
    """Every page a browser test opens, in any context of its browser: each document
    our server sends must carry a Content-Security-Policy (and the other PAGE_HEADERS),
    and the browser must report no violation of it on the console (an inline script or
    style attribute refused, a script from elsewhere), nor an error in the
    Permissions-Policy header. The `csp_watch` fixture fails the test when it ends if
    any did (web/headers.py sends the policy)."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._watched: set[int] = set()

    def watch_browser(self, browser: Any) -> None:
        new_context, new_page = browser.new_context, browser.new_page

        def context_watched(*args: Any, **kwargs: Any) -> Any:
            return self.watch_context(new_context(*args, **kwargs))

        def page_watched(*args: Any, **kwargs: Any) -> Any:
            page = new_page(*args, **kwargs)
            self.watch_context(page.context)
            self.watch_page(page)
            return page

        browser.new_context = context_watched
        browser.new_page = page_watched

    def watch_context(self, context: Any) -> Any:
        if id(context) in self._watched:
            return context
        self._watched.add(id(context))
        # Pages opened by the test or by the site (a link opening a tab).
        context.on("page", self.watch_page)
        new_page = context.new_page

        def page_watched(*args: Any, **kwargs: Any) -> Any:
            page = new_page(*args, **kwargs)
            self.watch_page(page)
            return page

        context.new_page = page_watched
        return context

    def watch_page(self, page: Any) -> None:
        if id(page) in self._watched:
            return
        self._watched.add(id(page))
        page.on("console", lambda message: self.console(page, message))
        page.on("response", self.response)

    def console(self, page: Any, message: Any) -> None:
        if "Permissions-Policy header" in message.text:
            # The header names a feature the browser does not know (settings.PERMISSIONS_POLICY).
            self.problems.append(f"{page.url}: {message.text}")
            return
        if "Content Security Policy" not in message.text:
            return
        # A script the test itself evaluated (axe-core adds a <style> on some pages) has
        # no address; the site's own scripts and markup have theirs.
        if not message.location.get("url"):
            return
        self.problems.append(f"{page.url}: {message.text} ({message.location['url']})")

    def response(self, response: Any) -> None:
        if response.request.resource_type != "document" or not response.url.startswith("http"):
            return
        missing = [name for name in PAGE_HEADERS if name not in response.headers]
        if missing:
            self.problems.append(f"{response.url} ({response.status}): no {', '.join(missing)}")


@pytest.fixture
def csp_watch() -> Iterator[CspWatch]:
    """The Content-Security-Policy check of every page the test's browser opens (see
    CspWatch); the test fails when it ends if a page lacked the header or violated it."""
    watch = CspWatch()
    yield watch
    if watch.problems:
        pytest.fail(
            "Content-Security-Policy problems:\n" + "\n".join(watch.problems), pytrace=False
        )


@pytest.fixture
def chromium(monkeypatch: pytest.MonkeyPatch, csp_watch: CspWatch) -> Iterator[object]:
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
        csp_watch.watch_browser(browser)
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


SERIOUS_IMPACTS = ("serious", "critical")
# Pages checked and the seconds it took, for the run's summary.
AXE_COST = {"pages": 0, "seconds": 0.0}


class AxeCheck:
    """axe-core on each page a browser test looks at: the violations of serious or
    critical impact, kept until the test ends (the `axe_check` fixture fails it then)."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._axe: Any = None

    def check(self, page: Any, label: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        if self._axe is None:
            self._axe = Axe()
        started = time.perf_counter()
        results = self._axe.run(page)
        AXE_COST["pages"] += 1
        AXE_COST["seconds"] += time.perf_counter() - started
        for violation in results.response["violations"]:
            if violation["impact"] not in SERIOUS_IMPACTS:
                continue
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            more = f" and {len(targets) - 3} more" if len(targets) > 3 else ""
            self.problems.append(
                f"{label} {page.url}: {violation['id']} ({violation['impact']}) "
                f"at {'; '.join(targets[:3])}{more} — {violation['help']}"
            )


@pytest.fixture
def axe_check() -> Iterator[AxeCheck]:
    """axe_check.check(page, "step") runs axe-core on the page as it is now; the test
    fails when it ends if any page had a serious or critical violation. `screenshot`
    calls it on every page it takes, so every page a browser test looks at is checked."""
    checker = AxeCheck()
    yield checker
    if checker.problems:
        pytest.fail(
            "axe-core found serious or critical violations:\n" + "\n".join(checker.problems),
            pytrace=False,
        )


@pytest.fixture
def screenshot(
    page: object, request: pytest.FixtureRequest, axe_check: AxeCheck
) -> Callable[..., Path]:
    """screenshot("step") saves test-artifacts/<test>-<step>.png of `page`, or of the
    page given as `of=`, and runs axe-core on it (see `axe_check`)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(step: str, of: object | None = None) -> Path:
        shown = of or page
        path = ARTIFACTS / f"{request.node.name}-{step}.png"
        shown.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        axe_check.check(shown, step)
        return path

    return take


@pytest.fixture(scope="module")
def _module_personas(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[object | None]:
    """The personas' clinic built once for a module, in a transaction left open: each
    test of the module then runs in a savepoint inside it (pytest-django's `db` enters
    its atomic block after this, module-scoped, fixture) and rolls back to the personas
    as they were built; the module's end rolls the personas back too. Building them
    takes a quarter of a second, and some 1,500 tests ask for them, on each database.

    Only for a module whose every database test asks for the personas and none commits
    (a live server, two connections racing): a test without them must find the database
    empty, and a transaction cannot be left open around one that commits and empties the
    tables. Elsewhere each test builds its own (None here)."""
    if request.node.nodeid not in request.config._rehabdesk_personas_modules:  # type: ignore[attr-defined]
        yield None
        return
    from rehabdesk.testing.personas import build_personas

    with django_db_blocker.unblock():
        module_atomic = transaction.atomic()
        module_atomic.__enter__()
        built = build_personas()
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            module_atomic.__exit__(None, None, None)


@pytest.fixture
def personas(_module_personas: object | None, db: None) -> object:
    """The shared cast of permission tests (rehabdesk/testing/personas.py): the module's
    personas, as a copy no other test has touched, or built for this test alone."""
    from rehabdesk.testing.personas import build_personas

    if _module_personas is None:
        return build_personas()
    return copy.deepcopy(_module_personas)


@pytest.fixture
def sign_in(live_server: Any) -> Callable[..., None]:
    """sign_in(page, email, password) signs in through the real sign-in page; staff
    then type their authenticator app's current code (rehabdesk/testing/factors.py)."""

    def go(page: Any, email: str, password: str) -> None:
        from rehabdesk.testing.factors import complete_second_factor

        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        complete_second_factor(page, email)

    return go
