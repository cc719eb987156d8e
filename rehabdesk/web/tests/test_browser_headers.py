"""The Content-Security-Policy in a real browser: the API's docs page (Swagger UI, served
from our own static files) works under it, and the check every browser test runs
(rehabdesk/conftest.py CspWatch) notices a page that breaks it or lacks it."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from rehabdesk.web.headers import policy_text

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_api_docs_work_under_the_policy_and_the_check_sees_a_page_break_it(
    page, live_server, csp_watch
):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/docs")
    # Swagger UI drew the API's description and its operations from /api/openapi.json.
    expect(page.get_by_role("heading", name="Rehabdesk API")).to_be_visible()
    expect(page.get_by_text("/api/services").first).to_be_visible()
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert csp_watch.problems == []

    # The check itself. Two pages of "our" server the browser is handed: one with our policy and an
    # inline script and an event handler in its markup, one with no policy at all.
    policy = policy_text(settings.CONTENT_SECURITY_POLICY)
    markup = '<script>window.ran = 1</script><img src="/x.png" onerror="window.ran = 2">'
    page.route(
        f"{live_server.url}/with-inline/",
        lambda route: route.fulfill(
            content_type="text/html", headers={"Content-Security-Policy": policy}, body=markup
        ),
    )
    page.route(
        f"{live_server.url}/without-policy/",
        lambda route: route.fulfill(content_type="text/html", body="<p>Hello</p>"),
    )
    page.goto(f"{live_server.url}/with-inline/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert page.evaluate("window.ran") is None
    page.goto(f"{live_server.url}/without-policy/")
    problems, csp_watch.problems[:] = list(csp_watch.problems), []  # seen: not this test's
    assert any("/with-inline/" in p and "inline script" in p for p in problems), problems
    assert any("/with-inline/" in p and "inline event handler" in p for p in problems), problems
    assert any("/without-policy/ (200): no content-security-policy" in p for p in problems)
