"""Every page of the site in a real browser on a phone, with axe-core: each GET route the
authorization matrix opens to someone (docs/authorization-matrix.csv), as the first of
manager, front desk, physiotherapist, patient, guardian or visitor it opens to, with the
matrix's own sample rows. None may have a serious or critical violation, nor scroll
sideways at 390 px, nor (for patients and visitors) name the software. The Django
admin's own pages and the JSON API are left out; pages only reachable by a POST are
checked by the flows that reach them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from rehabdesk.conftest import ARTIFACTS
from rehabdesk.testing.authorization import all_routes, build_path, load_rows, rows_for
from rehabdesk.testing.personas import Personas
from rehabdesk.web.tests.test_authorization_matrix import kwargs_for, world  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The innermost element reaching past the right edge of the screen.
WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const over = [...document.querySelectorAll("main *")].filter(
    (e) => e.getBoundingClientRect().right > width + 0.5
  );
  const inner = over.filter((e) => !over.some((o) => o !== e && e.contains(o)));
  return inner.slice(0, 3).map((e) => e.tagName.toLowerCase() +
    (e.className ? "." + String(e.className).split(" ").join(".") : "")).join(", ");
}"""
LOOKERS = ("manager", "front_desk", "physio", "patient_a", "guardian", "anonymous")
# Their pages show the clinic's name only, never the software's.
PATIENTS_AND_VISITORS = ("patient_a", "guardian", "anonymous")
# Pictures, documents, receipts, statements, reports' CSV and calendar feeds are files,
# not pages (a document downloads as an attachment; a receipt or statement is a PDF; a
# feed is text/calendar); the FHIR API answers JSON.
NOT_PAGES = (
    "admin:",
    "api-",
    "picture",
    "document-download",
    "staff-receipt-pdf",
    "staff-statement-pdf",
    "my-receipt-pdf",
    "my-receipts-year-pdf",
    "report-csv-",
    "closures-feed",
    "calendar-feed",
)


def pages(sample: Personas) -> list[tuple[str, str, str]]:
    """(route, path, persona) for every HTML page someone may open with a GET."""
    rows = load_rows()
    found = []
    for route in all_routes():
        if route.key.startswith(NOT_PAGES) or route.pattern.startswith(("api/", "fhir/")):
            continue
        row = rows_for(route, rows).get("GET")
        if row is None:
            continue
        looker = next((name for name in LOOKERS if row.expected.get(name) == "ok"), None)
        if looker is not None:
            found.append(
                (route.key, build_path(route, kwargs_for(route, row.target, sample)), looker)
            )
    return found


def test_every_page_passes_axe_and_fits_a_phone(chromium, live_server, world, axe_check):  # noqa: F811
    contexts = {}
    problems = []
    try:
        for key, path, looker in pages(world):
            if looker not in contexts:
                context = chromium.new_context(
                    viewport={"width": 390, "height": 844}, is_mobile=True
                )
                user = world.user(looker)
                if user is not None:
                    client = Client()
                    client.force_login(user)
                    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
                    context.add_cookies(
                        [
                            {
                                "name": settings.SESSION_COOKIE_NAME,
                                "value": cookie,
                                "url": live_server.url,
                            }
                        ]
                    )
                contexts[looker] = context.new_page()
            page = contexts[looker]
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None, path
            if response.status != 200:
                problems.append(f"{key} {path} as {looker}: {response.status}")
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            axe_check.check(page, f"{key} as {looker}")
            if looker in PATIENTS_AND_VISITORS and "Rehabdesk" in page.content():
                problems.append(f"{key} {path} as {looker}: names the software, not the clinic")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                widest = page.evaluate(WIDEST)
                problems.append(
                    f"{key} {path} as {looker}: scrolls sideways by {overflow}px ({widest})"
                )
                page.screenshot(path=str(ARTIFACTS / f"every-page-{key}.png"), full_page=True)
    finally:
        for page in contexts.values():
            page.context.close()
    assert not problems, "\n".join(problems)
