"""Online booking's practitioner step offers only who the free-time search would: the
practitioners qualified for the service (rostered for internal pelvic work, for
acupuncture) who work at the chosen location.

One demo, loaded as of NOW, is shared by the module; these tests only read it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from rehabdesk.clinic.models import Location, Practitioner, Service, WorkingHours
from rehabdesk.clinic.qualifications import practitioner_may_deliver
from rehabdesk.clinic.selectors import practitioners_offering
from rehabdesk.demo.tests.shared import NOW

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


def works_at(practitioner: Practitioner, location: Location) -> bool:
    return WorkingHours.objects.filter(practitioner=practitioner, location=location).exists()


@pytest.mark.parametrize(
    "slug", ["pelvic-floor-rehabilitation-assessment", "acupuncture-treatment"]
)
def test_only_the_qualified_who_work_at_the_location_are_offered(shared_demo, slug):
    service = Service.objects.get(slug=slug)
    for location in Location.objects.all():
        offered = practitioners_offering(service=service, location=location, today=TODAY)

        expected = [
            p
            for p in Practitioner.objects.filter(active=True).order_by("display_name")
            if practitioner_may_deliver(practitioner=p, service=service, on=TODAY)
            and works_at(p, location)
        ]
        assert offered == expected
    everyone = practitioners_offering(service=service, location=None, today=TODAY)
    physios = Practitioner.objects.filter(disciplines__slug="physiotherapy", active=True)
    assert 0 < len(everyone) < physios.count() + 1  # not every physiotherapist
    assert all(
        practitioner_may_deliver(practitioner=p, service=service, on=TODAY) for p in everyone
    )


def test_the_pelvic_assessment_step_does_not_list_physiotherapists_who_may_not_give_it(
    shared_demo, client, monkeypatch
):
    service = Service.objects.get(slug="pelvic-floor-rehabilitation-assessment")
    location = Location.objects.get(slug="pickering")
    url = reverse("book-practitioner")
    # Read on the demo's day, as the expectation below is: by the real clock, one day
    # registrations loaded as of NOW run out (Sofia Martins's did, read in 2029).
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)

    page = client.get(f"{url}?service={service.pk}&location={location.pk}&visit=new")

    text = page.content.decode()
    for physio in Practitioner.objects.filter(disciplines__slug="physiotherapy", active=True):
        qualified = practitioner_may_deliver(practitioner=physio, service=service, on=TODAY)
        listed = escape(physio.display_name) in text
        assert listed == (qualified and works_at(physio, location)), physio.display_name
