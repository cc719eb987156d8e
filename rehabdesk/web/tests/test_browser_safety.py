"""A physiotherapist on a phone, without JavaScript needed: sees a patient's alert and
red flag on the patient page, acknowledges the alert and records a decision on the
red flag. Checked with axe-core at each step."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.safety.models import Alert, RedFlagReview
from rehabdesk.safety.services import alert_add
from rehabdesk.testing.personas import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_physio_acknowledges_an_alert_and_decides_a_red_flag_on_a_phone(
    chromium, live_server, sign_in, screenshot, personas
):
    alert = alert_add(
        patient=personas.patient_a,
        level="do_not_treat",
        modalities=["electrotherapy"],
        reason="Pacemaker",
        actor=personas.physio.user,
        now=timezone.now(),
    )
    review = RedFlagReview.objects.create(
        patient=personas.patient_a,
        rule="night_pain",
        urgency="doctor_first",
        clinician_text="Constant night pain not eased by any position",
        answers={"rf_night_pain": "yes"},
        ruleset_version=1,
        source="intake",
        created_at=timezone.now(),
    )
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, personas.physio.user.email, PASSWORD)
        page.goto(f"{live_server.url}/staff/patients/{personas.patient_a.pk}/")
        expect(page.get_by_role("heading", name="Safety alerts")).to_be_visible()
        expect(page.get_by_text("Pacemaker")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        screenshot("alerts", of=page)
        page.get_by_role("button", name="Acknowledge").click()
        expect(page.get_by_text("Alert acknowledged")).to_be_visible()
        page.get_by_role("link", name="Decide").first.click()
        page.get_by_label("Referred to the family doctor").check()
        page.get_by_label("Reason (part of the clinical record)").fill("Letter to the GP today")
        screenshot("decide", of=page)
        page.get_by_role("button", name="Record the decision").click()
        expect(page.get_by_text("Decision recorded.")).to_be_visible()
    finally:
        context.close()
    alert.refresh_from_db()
    review.refresh_from_db()
    assert alert.state == "acknowledged"
    assert (review.decision, review.decided_by_practitioner) == (
        "referred_family_doctor",
        personas.physio,
    )
    # The referral holds hands-on treatment until a practitioner clears it.
    assert Alert.objects.filter(patient=personas.patient_a, source="red_flag_review").exists()
