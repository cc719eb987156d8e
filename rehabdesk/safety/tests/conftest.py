from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone

from rehabdesk.clinic.models import Practitioner
from rehabdesk.patients.models import Patient
from rehabdesk.safety.models import RedFlagReview


@dataclass
class Desk:
    patient: Patient
    physio: Practitioner


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def review_of(now):
    """A red flag waiting for a decision, written as the intake would raise it."""

    def make(patient: Patient, rule: str = "cauda_equina") -> RedFlagReview:
        return RedFlagReview.objects.create(
            patient=patient,
            rule=rule,
            urgency="emergency",
            clinician_text="Possible cauda equina syndrome",
            answers={"rf_bladder_bowel": "yes"},
            ruleset_version=1,
            source="intake",
            source_id="7",
            created_at=now,
        )

    return make
