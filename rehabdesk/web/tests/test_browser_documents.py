"""A physiotherapist on a phone files a patient's referral from the patient page, is
told plainly when a file is not what its name says, and downloads the referral again,
byte for byte. Checked with axe-core at each step, without sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rehabdesk.care.models import Document
from rehabdesk.care.testing import pdf_bytes
from rehabdesk.testing.personas import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_physio_files_a_referral_and_downloads_it_on_a_phone(
    chromium, live_server, sign_in, screenshot, axe_check, personas, settings, tmp_path
):
    settings.DOCUMENTS_DIR = tmp_path / "documents"
    referral = pdf_bytes("Referral: right shoulder pain")
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, personas.physio.user.email, PASSWORD)
        page.goto(f"{live_server.url}/staff/patients/{personas.patient_a.pk}/")
        page.get_by_role("link", name="Documents").click()
        expect(page.get_by_role("heading", name="Upload a document")).to_be_visible()
        expect(page.get_by_text("No documents on file.")).to_be_visible()
        axe_check.check(page, "documents page")

        # A web page renamed .pdf is refused, with the reason next to the file input.
        page.get_by_label("File").set_input_files(
            files=[{"name": "referral.pdf", "mimeType": "application/pdf", "buffer": b"<html>"}]
        )
        page.get_by_label("What it is").select_option("referral")
        page.get_by_label("Title").fill("Referral from Dr. Singh")
        page.get_by_label("Date").fill("2026-01-05")
        page.get_by_role("button", name="Upload").click()
        expect(page.get_by_text("This file is none of those")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        axe_check.check(page, "documents page, refused")
        screenshot("refused", of=page)

        page.get_by_label("File").set_input_files(
            files=[{"name": "referral.pdf", "mimeType": "application/pdf", "buffer": referral}]
        )
        page.get_by_role("button", name="Upload").click()
        expect(page.get_by_text("The document is on the record.")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        screenshot("filed", of=page)
        with page.expect_download() as waiting:
            page.get_by_role("link", name="Referral from Dr. Singh").click()
        download = waiting.value
        assert download.suggested_filename == "referral.pdf"
        with open(download.path(), "rb") as got:
            assert got.read() == referral
        assert Document.objects.get().title == "Referral from Dr. Singh"
    finally:
        context.close()
