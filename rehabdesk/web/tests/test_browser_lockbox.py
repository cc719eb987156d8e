"""End to end on phones: a patient withholds their record from their physiotherapist in
the portal; the physio's chart says only that it is withheld; the physio opens it in
an emergency with a reason; the patient is told (the outbox) and sees who, when and
why in the portal. Checked with axe-core on the new pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rehabdesk.audit.models import AuditEvent
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.testing.personas import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}


def test_lockbox_refusal_break_glass_and_the_patient_told(
    chromium, live_server, sign_in, screenshot, axe_check, personas
):
    patient_context = chromium.new_context(**PHONE)
    physio_context = chromium.new_context(**PHONE)
    try:
        patient = patient_context.new_page()
        patient.set_default_timeout(10_000)
        sign_in(patient, personas.patient_a.user.email, PASSWORD)
        patient.goto(f"{live_server.url}/my/privacy/lockbox/")
        expect(patient.get_by_role("heading", name="Withhold your record")).to_be_visible()
        patient.get_by_label("My whole health record").check()
        patient.get_by_label("From the practitioners I name").check()
        patient.get_by_label("Priya Physio").check()
        assert patient.evaluate("document.documentElement.scrollWidth <= innerWidth")
        axe_check.check(patient, "lockbox")
        patient.get_by_role("button", name="Withhold it").click()
        expect(patient.get_by_text("Done: your choice applies from now on.")).to_be_visible()

        physio = physio_context.new_page()
        physio.set_default_timeout(10_000)
        sign_in(physio, personas.physio.user.email, PASSWORD)
        physio.goto(f"{live_server.url}/staff/patients/{personas.patient_a.pk}/chart/")
        expect(physio.get_by_text("Withheld at the patient's request.")).to_be_visible()
        axe_check.check(physio, "withheld")
        screenshot("withheld", of=physio)
        physio.get_by_role("link", name="Emergency access").click()
        physio.get_by_label("In an emergency").check()
        physio.get_by_label("Why you need it now").fill("Fainted during treatment")
        physio.get_by_role("button", name="Open the chart").click()
        expect(physio.get_by_role("heading", name="Chart: Alice Anders")).to_be_visible()
        # The banner at the top says how, why, until when, and who is told; it fits.
        banner = physio.locator(".opening-banner")
        expect(banner.get_by_role("heading", name="Emergency access (break-glass)")).to_be_visible()
        expect(banner).to_contain_text("Fainted during treatment")
        expect(banner).to_contain_text("privacy officer reviews every opening")
        assert physio.evaluate("document.documentElement.scrollWidth <= innerWidth")
        axe_check.check(physio, "opened")
        screenshot("opened", of=physio)

        patient.goto(f"{live_server.url}/my/privacy/lockbox/")
        expect(patient.get_by_text("Fainted during treatment")).to_be_visible()
        screenshot("told", of=patient)
    finally:
        patient_context.close()
        physio_context.close()
    told = OutboxMessage.objects.get(kind="lockbox_opened")
    assert told.recipient == personas.patient_a.email
    assert AuditEvent.objects.filter(action="emergency").count() == 1
