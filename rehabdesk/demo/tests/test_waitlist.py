"""The demo has patients on the waitlist at both locations, added days before it was
loaded through the waitlist service, so the desk's waitlist page has people on it.

One demo, loaded as of NOW, is shared by the module; these tests only read it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from rehabdesk.accounts.models import User
from rehabdesk.demo.clinic import FRONT_DESK
from rehabdesk.demo.history import WAITING
from rehabdesk.demo.tests.shared import NOW
from rehabdesk.scheduling.choices import WaitlistStatus
from rehabdesk.scheduling.models import WaitlistEntry

pytestmark = pytest.mark.django_db


def test_patients_wait_at_both_locations_since_before_the_demo_was_loaded(shared_demo):
    entries = list(WaitlistEntry.objects.prefetch_related("locations").select_related("service"))

    assert len(entries) == len(WAITING)
    assert {e.status for e in entries} <= {WaitlistStatus.WAITING, WaitlistStatus.OFFERED}
    assert {loc.slug for e in entries for loc in e.locations.all()} == {"pickering", "milton"}
    assert all(e.created_at < NOW for e in entries)
    assert len({e.patient_id for e in entries}) == len(entries)


def test_the_pickering_desk_sees_its_waiting_patients(shared_demo, client):
    client.force_login(User.objects.get(email=FRONT_DESK))

    page = client.get(reverse("waitlist")).content.decode()

    at_pickering = WaitlistEntry.objects.filter(locations__slug="pickering").select_related(
        "patient", "service"
    )
    assert at_pickering.count() == sum(1 for w in WAITING if w[1] == "pickering")
    for entry in at_pickering:
        assert escape(entry.patient.last_name) in page
        assert escape(entry.service.name) in page
