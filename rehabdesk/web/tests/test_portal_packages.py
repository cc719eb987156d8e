"""The portal's packages: a patient sees each package of theirs, a guardian their own
and their dependents', with the visits left of its visits, the expiry date and
"expired" once past; anyone else sees none of them; each look is on file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.services import package_sell
from rehabdesk.web.tests.billing_world import billing_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return billing_world(personas)


def sold(world, patient, *, days_ago=0):
    package = package_sell(
        patient=patient,
        offer=world.package_offer,
        location=world.pickering,
        by=world.personas.front_desk,
        now=timezone.now() - timedelta(days=days_ago),
    )
    return package


def page_of(client, world, who):
    client.force_login(world.personas.user(who))
    return client.get(reverse("my-packages"))


def test_a_patient_sees_their_package_with_visits_left_and_expiry(client, world):
    package = sold(world, world.personas.patient_a)
    response = page_of(client, world, "patient_a")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Five follow-ups" in text
    assert "5 of 5 visits left" in text
    expires = package.expires_on
    assert f"until {expires:%b} {expires.day}, {expires.year}" in text
    assert "expired" not in text


def test_an_expired_package_says_expired(client, world):
    # Sold 400 days ago, valid 365 days.
    package = sold(world, world.personas.patient_a, days_ago=400)
    assert package.expires_on < timezone.localdate()
    text = page_of(client, world, "patient_a").content.decode()
    assert "expired on" in text
    assert '<span class="tag">expired</span>' in text


def test_a_guardian_sees_their_dependents_packages(client, world):
    sold(world, world.personas.child)
    text = page_of(client, world, "guardian").content.decode()
    assert world.personas.child.full_name in text
    assert "5 of 5 visits left" in text


def test_a_stranger_sees_none_of_anothers_packages(client, world):
    sold(world, world.personas.patient_a)
    sold(world, world.personas.child)
    text = page_of(client, world, "patient_b").content.decode()
    assert "Five follow-ups" not in text
    assert "No packages." in text


@pytest.mark.parametrize("who", ["front_desk", "physio", "outsider"])
def test_anyone_who_is_not_a_patient_gets_404(client, world, who):
    sold(world, world.personas.patient_a)
    assert page_of(client, world, who).status_code == 404


def test_the_look_is_on_file_linking_everyone_listed(client, world):
    sold(world, world.personas.child)
    before = AuditEvent.objects.count()
    page_of(client, world, "guardian")
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert event.summary == "packages"
    assert set(event.patient_links.values_list("patient_id", flat=True)) == {
        world.personas.guardian.pk,
        world.personas.child.pk,
    }


def test_the_portal_links_to_the_packages(client, world):
    text = page_of(client, world, "guardian")
    family = client.get(reverse("my-family")).content.decode()
    assert text.status_code == 200
    assert reverse("my-packages") in family
