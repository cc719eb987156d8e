"""The manager's configuration screens refuse what the services refuse, on the page."""

import pytest
from django.contrib import admin
from django.urls import reverse

from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create
from rehabdesk.clinic import services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import (
    Break,
    Discipline,
    Location,
    Registration,
    RegistrationClass,
    Regulator,
    Service,
    TaxCategory,
    TravelTime,
    WorkingHours,
)
from rehabdesk.clinic.testing import (
    TODAY,
    make_practitioner,
    make_registration,
    make_shift,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client):
    manager = user_create(email="morgan@clinic.example", password=None, roles=[Role.MANAGER])
    client.force_login(manager)
    return client


@pytest.fixture
def marc():
    practitioner = make_practitioner("Marc Tremblay")
    make_registration(practitioner, "cpo")
    return practitioner


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def shift_form(practitioner, location, starts, ends, breaks=()) -> dict:
    return {
        "practitioner": practitioner.pk,
        "location": location.pk,
        "weekday": Weekday.MONDAY,
        "starts": starts,
        "ends": ends,
        "effective_from": "2027-01-04",
        "effective_until": "",
        **inline("breaks", [{"starts": a, "ends": b} for a, b in breaks]),
    }


def test_it_saves_working_hours_with_breaks_through_the_service(manager_client, marc, pickering):
    response = manager_client.post(
        reverse("admin:clinic_workinghours_add"),
        shift_form(marc, pickering, "08:00", "16:00", breaks=[("12:00", "12:30")]),
    )
    assert response.status_code == 302
    shift = WorkingHours.objects.get()
    assert [(str(b.starts), str(b.ends)) for b in shift.breaks.all()] == [("12:00:00", "12:30:00")]


def test_it_shows_why_hours_at_two_locations_are_refused(manager_client, marc, pickering, milton):
    services.travel_time_set(location_a=pickering, location_b=milton, minutes=60, today=TODAY)
    make_shift(marc, pickering, Weekday.MONDAY, "08:00", "12:00")
    response = manager_client.post(
        reverse("admin:clinic_workinghours_add"), shift_form(marc, milton, "12:30", "16:00")
    )
    assert response.status_code == 200
    assert "travelling between Milton and Pickering takes 60 minutes" in response.text
    assert WorkingHours.objects.count() == 1


def test_it_shows_an_end_before_a_start_next_to_the_field(manager_client, marc, pickering):
    response = manager_client.post(
        reverse("admin:clinic_workinghours_add"), shift_form(marc, pickering, "16:00", "08:00")
    )
    assert response.status_code == 200
    assert "A shift must end after it starts." in response.text
    assert not WorkingHours.objects.exists()


def test_it_shows_a_break_outside_the_shift_on_the_breaks(manager_client, marc, pickering):
    response = manager_client.post(
        reverse("admin:clinic_workinghours_add"),
        shift_form(marc, pickering, "08:00", "12:00", breaks=[("11:45", "12:15")]),
    )
    assert response.status_code == 200
    assert "Break 11:45 AM–12:15 PM is outside the shift 8:00 AM–12:00 PM." in response.text
    assert not WorkingHours.objects.exists()
    assert not Break.objects.exists()


def service_form(name: str, price: str, qualifications: list[dict]) -> dict:
    return {
        "discipline": Discipline.objects.get(slug="physiotherapy").pk,
        "name": name,
        "slug": name.lower().replace(" ", "-"),
        "kind": "treatment",
        "public_description": "",
        "duration_minutes": "30",
        "buffer_after_minutes": "5",
        "price": price,
        "tax_category": TaxCategory.objects.get(code="physiotherapy").pk,
        "online_bookable": "on",
        "patient_eligibility": "anyone",
        "display_order": "0",
        "active": "on",
        **inline("qualifications", qualifications),
    }


def cpo(*roster_ids) -> dict:
    return {"regulator": Regulator.objects.get(slug="cpo").pk, "authorizations": list(roster_ids)}


def test_it_adds_a_service_with_its_qualifications(manager_client, marc):
    response = manager_client.post(
        reverse("admin:clinic_service_add"), service_form("Physio follow-up", "85.00", [cpo()])
    )
    assert response.status_code == 302, response.text
    assert Service.objects.get().qualifications.get().regulator.slug == "cpo"


def test_it_refuses_a_service_nobody_is_qualified_for(manager_client, marc):
    pelvic = Regulator.objects.get(slug="cpo").authorizations.get(code="internal-pelvic")
    response = manager_client.post(
        reverse("admin:clinic_service_add"),
        service_form("Pelvic floor assessment", "150.00", [cpo(pelvic.pk)]),
    )
    assert response.status_code == 200
    assert "Nobody on the team is qualified to deliver Pelvic floor assessment" in response.text
    assert not Service.objects.exists()


def test_it_refuses_a_negative_price(manager_client, marc):
    response = manager_client.post(
        reverse("admin:clinic_service_add"), service_form("Physio follow-up", "-10.00", [cpo()])
    )
    assert response.status_code == 200
    assert "A price cannot be negative." in response.text
    assert not Service.objects.exists()


def test_it_refuses_an_unknown_time_zone(manager_client, clinic):
    response = manager_client.post(
        reverse("admin:clinic_location_add"),
        {
            "clinic": clinic.pk,
            "name": "Oshawa",
            "slug": "oshawa",
            "street_address": "1 Sample Road",
            "city": "Oshawa",
            "province": "ON",
            "postal_code": "L1H 0A1",
            "country": "Canada",
            "phone": "905-555-0111",
            "time_zone": "Mars/Olympus_Mons",
            "active": "on",
            **inline("opening_hours", [{"weekday": 0, "opens": "09:00", "closes": "17:00"}]),
            **inline("closures", []),
        },
    )
    assert response.status_code == 200
    assert "is not a known time zone" in response.text
    assert not Location.objects.filter(name="Oshawa").exists()


def test_it_refuses_a_registration_that_ends_before_it_starts(manager_client):
    olivia = make_practitioner("Olivia Bennett", disciplines=["massage-therapy"])
    response = manager_client.post(
        reverse("admin:clinic_registration_add"),
        {
            "practitioner": olivia.pk,
            "regulator": Regulator.objects.get(slug="cmto").pk,
            "registration_number": "RMT-42",
            "registration_class": RegistrationClass.objects.get(
                regulator__slug="cmto", name="General"
            ).pk,
            "valid_from": "2027-06-01",
            "valid_until": "2027-05-31",
        },
    )
    assert response.status_code == 200
    assert "A registration cannot end before it starts." in response.text
    assert not Registration.objects.exists()


def test_it_records_who_verified_a_registration(manager_client):
    olivia = make_practitioner("Olivia Bennett", disciplines=["massage-therapy"])
    registration = make_registration(olivia, "cmto")
    response = manager_client.post(
        reverse("admin:clinic_registration_changelist"),
        {"action": "mark_verified_today", "_selected_action": [registration.pk]},
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.verified_by.email == "morgan@clinic.example"


def test_it_accepts_a_travel_time_picked_in_either_order(manager_client, pickering, milton):
    response = manager_client.post(
        reverse("admin:clinic_traveltime_add"),
        {"location_a": milton.pk, "location_b": pickering.pk, "minutes": "60"},
    )
    assert response.status_code == 302
    assert services.travel_time_minutes(milton, pickering) == 60
    assert TravelTime.objects.count() == 1


def test_it_offers_no_deleting_of_services_or_registrations(manager_client, marc):
    # Appointments, receipts and history refer to them: they are deactivated or ended.
    registration = Registration.objects.get(practitioner=marc)
    service = services.service_save(
        service=Service(
            discipline=Discipline.objects.get(slug="physiotherapy"),
            name="Follow-up",
            slug="follow-up",
            kind="follow_up",
            duration_minutes=30,
            price="85.00",
            tax_category=TaxCategory.objects.get(code="physiotherapy"),
        ),
        on=TODAY,
        qualifications=[services.QualificationSpec(Regulator.objects.get(slug="cpo"))],
    )
    for name, pk in [("registration", registration.pk), ("service", service.pk)]:
        response = manager_client.get(reverse(f"admin:clinic_{name}_delete", args=[pk]))
        assert response.status_code == 403


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label in {"clinic", "accounts"}],
    ids=lambda m: m._meta.model_name,
)
def test_every_list_searches_and_filters(manager_client, model, marc, pickering):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = manager_client.get(url, {"q": "Marc"})
    assert response.status_code == 200
    assert response.context["cl"].search_fields or model._meta.model_name == "traveltime"


def test_the_front_desk_cannot_open_the_configuration_screens(client):
    desk = user_create(email="sam@clinic.example", password=None, roles=[Role.FRONT_DESK])
    client.force_login(desk)
    response = client.get(reverse("admin:clinic_service_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_it_shows_that_two_locations_in_a_day_need_a_travel_time(
    manager_client, marc, pickering, milton
):
    make_shift(marc, pickering, Weekday.MONDAY, "08:00", "10:00")
    response = manager_client.post(
        reverse("admin:clinic_workinghours_add"), shift_form(marc, milton, "15:00", "19:00")
    )
    assert response.status_code == 200
    assert "Set the travel time between Milton and Pickering" in response.text
    assert WorkingHours.objects.count() == 1


def test_it_shows_overlapping_opening_hours_on_the_location(manager_client, pickering):
    response = manager_client.post(
        reverse("admin:clinic_location_change", args=[pickering.pk]),
        {
            "clinic": pickering.clinic_id,
            "name": "Pickering",
            "slug": "pickering",
            "street_address": "1 Sample Road",
            "city": "Pickering",
            "province": "ON",
            "postal_code": "L1V 0A1",
            "country": "Canada",
            "phone": "905-555-0142",
            "time_zone": "America/Toronto",
            "active": "on",
            **inline(
                "opening_hours",
                [
                    {"weekday": 0, "opens": "08:00", "closes": "12:00"},
                    {"weekday": 0, "opens": "11:00", "closes": "18:00"},
                ],
            ),
            **inline("closures", []),
        },
    )
    assert response.status_code == 200
    assert (
        "Opening hours overlap on Mondays: Monday 8:00 AM–12:00 PM and Monday 11:00 AM–6:00 PM."
        in response.text
    )
    assert pickering.opening_hours.count() == 5
