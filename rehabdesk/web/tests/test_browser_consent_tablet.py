"""On the desk's tablet (768 px wide) a patient reads the consent to massage of sensitive
areas, ticks the areas, signs by typing their name, and the record shows it on file."""

import pytest
from playwright.sync_api import expect

from rehabdesk.consents.models import TreatmentConsent
from rehabdesk.testing.personas import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_patient_signs_a_consent_on_the_desk_tablet(
    page, sign_in, screenshot, personas, live_server
):
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, "desk@persona.example", PASSWORD)
    page.goto(f"{live_server.url}/staff/patients/{personas.patient_b.pk}/")
    page.get_by_role("link", name="Consent on the tablet").click()
    page.get_by_role("link", name="Massage of sensitive areas").click()
    expect(
        page.get_by_role("heading", name="Consent to massage of sensitive areas")
    ).to_be_visible()
    page.get_by_label("Type your full name to sign").fill("Bob Brown")
    page.get_by_label("I have read this and I agree to this treatment").check()
    page.get_by_role("button", name="Sign the consent").click()  # no area ticked: told why
    expect(page.get_by_text("Choose the areas you agree to have treated.")).to_be_visible()
    page.get_by_label("Buttocks (gluteal muscles)").check()
    page.get_by_label("I have read this and I agree to this treatment").check()
    screenshot("signing")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.get_by_role("button", name="Sign the consent").click()
    expect(page.get_by_text("Thank you. The consent is on file.")).to_be_visible()
    consent = TreatmentConsent.objects.get(patient=personas.patient_b)
    assert (consent.signed_name, consent.areas) == ("Bob Brown", ["gluteal"])
    screenshot("on-file")
