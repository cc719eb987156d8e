"""The demo's consents: treatment consents given in each of the three ways, one
withdrawn, and patients with none, so "my day" shows both "on file" and "missing"."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rehabdesk.consents.models import ConsentRecord, TreatmentConsent
from rehabdesk.demo.clinic import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_has_consents_given_every_way_and_one_withdrawn():
    load_demo(now=timezone.now(), history_days=0, future_days=0)
    consents = TreatmentConsent.objects.select_related("patient")
    assert {c.method for c in consents} == {"online", "tablet", "verbal"}
    withdrawn = [c for c in consents if c.withdrawn_at is not None]
    assert [(c.patient.first_name, c.topic) for c in withdrawn] == [("Tom", "massage_therapy")]
    assert consents.filter(topic="internal_pelvic", method="verbal").exclude(note="").exists()
    assert ConsentRecord.objects.filter(channel="online").count() == 5
