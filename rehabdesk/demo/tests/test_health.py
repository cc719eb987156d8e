"""The demo's health forms: the demo practitioner's next patients have sent their
intake (one is a draft), and the answers raised alerts of every kind and a red-flag
review, so "my day" and the record show the safety part working.

One demo, loaded as of NOW, is shared by the module; these tests only read it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rehabdesk.accounts.models import User
from rehabdesk.consents.models import TreatmentConsent
from rehabdesk.demo.clinic import PRACTITIONERS
from rehabdesk.demo.health import CONSENTING, PROFILES
from rehabdesk.intake.choices import IntakeStatus
from rehabdesk.intake.models import IntakeResponse
from rehabdesk.safety.choices import AlertLevel, AlertState
from rehabdesk.safety.models import Alert, RedFlagReview

pytestmark = pytest.mark.django_db


def test_the_practitioner_s_next_patients_sent_their_health_form(shared_demo):
    statuses = [r.status for r in IntakeResponse.objects.order_by("pk")]

    assert statuses == [IntakeStatus.SUBMITTED] * len(PROFILES) + [IntakeStatus.DRAFT]


def test_the_answers_raised_alerts_of_every_level_and_a_red_flag_to_decide(shared_demo):
    alerts = list(Alert.objects.all())

    assert {a.level for a in alerts} == {
        AlertLevel.DO_NOT_TREAT,
        AlertLevel.AVOID_AREA,
        AlertLevel.MODIFY,
        AlertLevel.NOTE,
    }
    assert [a.state for a in alerts].count(AlertState.ACKNOWLEDGED) == 1
    assert any(a.rule == "pacemaker_electrotherapy" for a in alerts)
    assert RedFlagReview.objects.filter(decided_at__isnull=True).exists()


def test_the_first_of_them_consented_to_their_next_visit_s_treatment(shared_demo):
    patients = [r.patient_id for r in IntakeResponse.objects.order_by("pk")][:CONSENTING]

    consents = TreatmentConsent.objects.filter(patient_id__in=patients, withdrawn_at=None)

    assert {c.patient_id for c in consents} == set(patients)


def test_the_demo_practitioner_sees_them_on_the_record(shared_demo, client):
    review = RedFlagReview.objects.select_related("patient").first()
    client.force_login(User.objects.get(email=PRACTITIONERS[0].email))

    page = client.get(reverse("patient-detail", args=[review.patient_id]))

    assert page.status_code == 200
    assert review.clinician_text in page.content.decode()
