from datetime import date, timedelta

import pytest

from rehabdesk.access.policy import Action, may, person_for
from rehabdesk.audit.models import AuditEvent
from rehabdesk.clinic.models import (
    Closure,
    HomeLocation,
    Location,
    Practitioner,
    Registration,
    Resource,
    Service,
    WorkingHours,
)
from rehabdesk.clinic.qualifications import practitioners_qualified
from rehabdesk.clinic.selectors import registrations_expiring, service_price_on
from rehabdesk.demo.clinic import PRACTITIONERS, load_demo
from rehabdesk.demo.tests.shared import DAYS_AHEAD, DAYS_BACK, NOW
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import ACTIVE_STATUSES, AppointmentStatus
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import overlaps

pytestmark = pytest.mark.django_db
TODAY = date(2027, 3, 10)


@pytest.fixture
def demo(shared_demo):
    """The demo loaded once for the module (tests/shared.py): two weeks either side of
    NOW stand for the two years `make run` loads."""
    return shared_demo


def counts():
    return [
        model.objects.count()
        for model in (
            Location,
            Practitioner,
            Registration,
            Service,
            WorkingHours,
            Resource,
            Closure,
        )
    ]


def test_it_builds_both_locations_and_the_whole_team(demo):
    assert demo.created
    assert sorted(Location.objects.values_list("name", flat=True)) == ["Milton", "Pickering"]
    assert Practitioner.objects.count() == len(PRACTITIONERS) == 14
    assert {p.user.email for p in Practitioner.objects.select_related("user")} >= {
        "priya.raman@profusion.example"
    }


def test_each_front_desk_works_at_its_own_location(demo):
    homes = dict(HomeLocation.objects.values_list("user__email", "location__slug"))
    assert homes == {
        "frontdesk.pickering@profusion.example": "pickering",
        "frontdesk.milton@profusion.example": "milton",
    }


def test_it_changes_nothing_when_loaded_again(demo):
    before = counts()
    assert not load_demo(now=NOW, history_days=DAYS_BACK, future_days=DAYS_AHEAD).created
    assert counts() == before


def test_every_service_the_clinic_names_has_someone_to_deliver_it(demo):
    names = set(Service.objects.values_list("name", flat=True))
    for expected in [
        "Physiotherapy initial assessment",
        "Massage therapy, 30 minutes",
        "Massage therapy, 45 minutes",
        "Massage therapy, 60 minutes",
        "Massage therapy, 90 minutes",
        "Acupuncture treatment",
        "Electrotherapy",
        "Pelvic floor rehabilitation assessment",
        "Custom joint brace fitting",
    ]:
        assert expected in names
    for service in Service.objects.all():
        assert practitioners_qualified(service=service, on=TODAY), service.name


def test_it_offers_acupuncture_from_a_rostered_physiotherapist_and_an_acupuncturist(demo):
    acupuncture = Service.objects.get(name="Acupuncture treatment")
    names = [p.display_name for p in practitioners_qualified(service=acupuncture, on=TODAY)]
    assert names == ["Mei Chen, R. Ac", "Priya Raman, PT"]
    pelvic = Service.objects.get(name="Pelvic floor rehabilitation assessment")
    assert [p.display_name for p in practitioners_qualified(service=pelvic, on=TODAY)] == [
        "Sofia Martins, PT"
    ]


def test_it_has_a_practitioner_at_both_locations_on_one_day(demo):
    mondays = WorkingHours.objects.filter(practitioner__slug="daniel-okafor", weekday=0)
    assert sorted(mondays.values_list("location__name", flat=True)) == ["Milton", "Pickering"]


def test_it_prices_massage_with_hst(demo):
    massage = Service.objects.select_related("tax_category").get(name="Massage therapy, 60 minutes")
    assert str(service_price_on(service=massage, on=TODAY).total) == "124.30"


def test_it_has_registrations_to_renew_but_not_the_renewed_one(demo):
    names = [r.practitioner.display_name for r in registrations_expiring(today=TODAY)]
    assert names == ["Olivia Bennett, RMT", "Hannah Fischer, PT"]


def test_it_closes_on_ontario_holidays(demo):
    assert Closure.objects.filter(name="Good Friday", first_day=date(2027, 3, 26)).count() == 2


def test_it_has_families_and_patients_in_care(demo):
    grace = Patient.objects.get(first_name="Grace", last_name="Green")
    assert person_for(grace.user).managed_patient_ids == {
        grace.pk,
        *Patient.objects.filter(last_name="Green", user__isnull=True).values_list("pk", flat=True),
    }
    sara = Patient.objects.get(first_name="Sara")
    priya = Practitioner.objects.get(slug="priya-raman")
    assert may(person_for(priya.user), Action.VIEW_CLINICAL, sara.pk)
    assert not may(person_for(priya.user), Action.VIEW_CLINICAL, grace.pk)
    # Loading the demo is on file like any other registration.
    assert AuditEvent.objects.filter(action="create", summary="patient record").count() == 20


def test_its_history_is_about_seventy_percent_booked_and_never_overlaps(demo):
    active = Appointment.objects.filter(status__in=ACTIVE_STATUSES)
    assert active.filter(start__lt=NOW).exists()
    assert active.filter(start__gte=NOW, status=AppointmentStatus.BOOKED).exists()
    assert not Appointment.objects.filter(start__lt=NOW, status=AppointmentStatus.BOOKED).exists()
    assert overlaps() == (0, 0)
    booked = sum(((a.busy_until - a.start) for a in active), timedelta())
    assert timedelta(hours=500) < booked
    # Every imported appointment was offered by the engine: within the day's hours.
    for appointment in active[:200]:
        local = appointment.start.astimezone(appointment.location.zone)
        assert WorkingHours.objects.filter(
            practitioner=appointment.practitioner,
            location=appointment.location,
            weekday=local.weekday(),
            starts__lte=local.time(),
        ).exists()
