"""The Content-Security-Policy in a real browser: the API's docs page (Swagger UI, served
from our own static files) works under it, and the check every browser test runs
(rehabdesk/conftest.py CspWatch) notices a page that breaks it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_api_docs_work_under_the_policy_and_a_violation_is_caught(page, live_server, csp_watch):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/docs")
    # Swagger UI drew the API's description and its operations from /api/openapi.json.
    expect(page.get_by_role("heading", name="Rehabdesk API")).to_be_visible()
    expect(page.get_by_text("/api/services").first).to_be_visible()
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert csp_watch.problems == []

    # An event-handler attribute slipped into the page is refused, and reported.
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', "
        '\'<img src="/nothing.png" onerror="window.ran = true">\')'
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.ran") is None
    assert len(csp_watch.problems) == 1
    assert "inline event handler" in csp_watch.problems[0]
    csp_watch.problems.clear()  # seen: do not fail this test for it
