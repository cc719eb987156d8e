"""The clinic's name and logo in a real browser, on a phone, a tablet and a desktop:
every page patients use shows the clinic, never the software; a manager uploads the
logo on the clinic's screen and it shows at once; staff see Rehabdesk in their footer."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.clinic import services
from rehabdesk.clinic.models import Clinic, Location
from rehabdesk.clinic.testing import make_service, make_shift, png_bytes
from rehabdesk.testing.personas import PASSWORD
from rehabdesk.web.context import VERSION

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WIDTHS = {"phone": 390, "tablet": 768, "desktop": 1366}
PAGES = [
    ("home", "/"),
    ("team", "/team/"),
    ("book", "/book/"),
    ("sign-in", "/sign-in/"),
    ("password", "/my/password/"),
]


def shows_the_clinic(page, width: int) -> None:
    header = page.locator("header.site-header")
    expect(header.get_by_role("link", name="Persona Clinic")).to_be_visible()
    assert page.title().endswith("Persona Clinic"), page.title()
    assert "Rehabdesk" not in page.content()
    logo = header.locator("img.brand-logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth") == 120, "the logo loads"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("device", WIDTHS)
def test_patients_see_the_clinic_s_name_and_logo(
    page, live_server, personas, sign_in, screenshot, device
):
    width = WIDTHS[device]
    services.picture_set(
        owner=Clinic.objects.get(), data=png_bytes(120, 40, (224, 155, 0)), now=timezone.now()
    )
    services.picture_set(
        owner=personas.physio, data=png_bytes(64, 64, (120, 144, 156)), now=timezone.now()
    )
    page.set_viewport_size({"width": width, "height": 900})
    for name, path in PAGES:
        page.goto(f"{live_server.url}{path}")
        shows_the_clinic(page, width)
        screenshot(f"{device}-{name}")
    team = page.context.new_page()
    team.set_viewport_size({"width": width, "height": 900})
    team.goto(f"{live_server.url}/team/")
    photo = team.locator(f"#{personas.physio.slug} img.photo")
    photo.scroll_into_view_if_needed()  # a lazy image loads once near the viewport
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("img => img.naturalWidth") == 64
    assert team.locator(f"#{personas.massage_therapist.slug} .photo").inner_text() == "OM"
    service = make_service("Physiotherapy assessment")
    # Offered online only where they work: a Monday at Pickering.
    make_shift(personas.physio, Location.objects.get(slug="pickering"), 0, "09:00", "17:00")
    team.goto(f"{live_server.url}/book/practitioner/?service={service.pk}&visit=new")
    choice = team.locator(f"#practitioner-{personas.physio.pk}").locator("..")
    assert choice.locator("img.photo").evaluate("img => img.complete && img.naturalWidth") == 64
    assert team.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"{device}-choose-practitioner", of=team)
    team.close()
    sign_in(page, personas.patient_a.email, PASSWORD)
    page.wait_for_url(re.compile(r"/my/"))
    shows_the_clinic(page, width)
    footer = page.locator("footer.site-footer")
    assert "Persona Clinic" in footer.inner_text()
    screenshot(f"{device}-portal")


def test_a_manager_uploads_the_logo_and_staff_see_rehabdesk_in_their_footer(
    page, live_server, personas, sign_in, screenshot, tmp_path
):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "manager@persona.example", PASSWORD)
    page.wait_for_url(re.compile(r"/staff/"))
    footer = page.locator("footer.site-footer").inner_text()
    assert f"Rehabdesk {VERSION}" in footer
    screenshot("staff-footer")

    clinic = Clinic.objects.get()
    page.goto(f"{live_server.url}/admin/clinic/clinic/{clinic.pk}/change/")
    svg = tmp_path / "logo.png"
    svg.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    page.get_by_label("New logo").set_input_files(str(svg))
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Upload a PNG, JPEG or WebP image")).to_be_visible()
    screenshot("svg-refused")

    logo = tmp_path / "logo-real.png"
    logo.write_bytes(png_bytes(120, 40, (11, 93, 107)))
    page.get_by_label("New logo").set_input_files(str(logo))
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/clinic/clinic/$"))
    clinic.refresh_from_db()
    assert clinic.logo_id

    page.goto(f"{live_server.url}/")
    brand = page.locator("header.site-header img.brand-logo")
    assert brand.evaluate("img => img.complete && img.naturalWidth") == 120
    screenshot("logo-shown")
