"""A patient asks for their record in the portal, the privacy officer reviews and
releases it, and the patient downloads it once, on a phone: a ZIP with the PDF and the
JSON bundle; the link then says it was used."""

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from rehabdesk.privacy.testing import OFFICER_PASSWORD, privacy_officer
from rehabdesk.testing.personas import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_request_review_release_and_download(chromium, live_server, sign_in, screenshot, personas):
    officer = privacy_officer()
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, personas.patient_a.email, PASSWORD)
        page.goto(f"{live_server.url}/my/privacy/")
        screenshot("portal-index", of=page)
        page.get_by_role("link", name="Ask for a copy of your record").click()
        page.get_by_role("button", name="Send the request").click()
        expect(page.get_by_text("Your request is on file")).to_be_visible()
        screenshot("asked", of=page)
        page.get_by_role("button", name="Sign out").click()

        sign_in(page, officer.email, OFFICER_PASSWORD)
        page.goto(f"{live_server.url}/staff/privacy/")
        page.get_by_role("link", name="Record requests").click()
        screenshot("officer-list", of=page)
        page.get_by_role("link", name=personas.patient_a.full_name).click()
        screenshot("officer-review", of=page)
        page.get_by_role("button", name="Release the record").click()
        expect(page.get_by_text("Released: the patient is told by e-mail.")).to_be_visible()
        page.get_by_role("button", name="Sign out").click()

        sign_in(page, personas.patient_a.email, PASSWORD)
        page.goto(f"{live_server.url}/my/privacy/requests/")
        link = page.get_by_role("link", name="Download the record (ZIP)")
        screenshot("ready", of=page)
        href = link.get_attribute("href")
        with page.expect_download() as waiting:
            link.click()
        with open(waiting.value.path(), "rb") as got:
            archive = zipfile.ZipFile(io.BytesIO(got.read()))
        assert archive.read("record.pdf").startswith(b"%PDF")
        bundle = json.loads(archive.read("record.json"))
        assert bundle["patient"]["email"] == personas.patient_a.email

        page.goto(f"{live_server.url}{href}")
        expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
        expect(page.get_by_text(re.compile("downloaded already"))).to_be_visible()
        screenshot("used", of=page)
    finally:
        context.close()
