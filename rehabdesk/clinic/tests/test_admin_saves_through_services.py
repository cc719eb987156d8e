"""More of the manager's screens, each saving or deleting through clinic.services: tax
rates, registrations and who checked them, time off, closures, travel times and
working hours. A refused change is shown on the page and leaves nothing half-saved,
whether the forms catch it or the service finds it only when saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib import admin
from django.urls import reverse

from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create
from rehabdesk.clinic import services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import (
    Break,
    Clinic,
    Closure,
    Location,
    Registration,
    RegistrationClass,
    Regulator,
    TaxCategory,
    TaxRate,
    TimeOff,
    TravelTime,
    WorkingHours,
)
from rehabdesk.clinic.testing import TODAY, make_practitioner, make_registration, make_shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return user_create(email="morgan@clinic.example", password=None, roles=[Role.MANAGER])


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def marc():
    practitioner = make_practitioner("Marc Tremblay")
    make_registration(practitioner, "cpo", number="PT-1")
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


def followed(client, response) -> str:
    """The page a redirect leads to, with the messages the admin queued for it."""
    assert response.status_code == 302, response.content[:500]
    return client.get(response.url).text


# --- Tax categories ----------------------------------------------------------------------


def category_form(treatment: str, rates: list[dict]) -> dict:
    return {
        "code": "gym-passes",
        "name": "Gym passes",
        "treatment": treatment,
        "legal_basis": "",
        **inline("rates", rates),
    }


def test_a_tax_category_is_added_with_its_rates(manager_client):
    response = manager_client.post(
        reverse("admin:clinic_taxcategory_add"),
        category_form(
            "taxable",
            [
                {"name": "GST", "percent": "5", "valid_from": "2008-01-01", "valid_until": ""},
                {"name": "PST", "percent": "8", "valid_from": "2013-04-01", "valid_until": ""},
            ],
        ),
    )
    assert response.status_code == 302
    category = TaxCategory.objects.get(code="gym-passes")
    assert sorted(category.rates.values_list("name", flat=True)) == ["GST", "PST"]


def test_an_exempt_category_with_a_rate_is_refused_on_the_page(manager_client):
    response = manager_client.post(
        reverse("admin:clinic_taxcategory_add"),
        category_form(
            "exempt",
            [{"name": "HST", "percent": "13", "valid_from": "2010-07-01", "valid_until": ""}],
        ),
    )
    assert response.status_code == 200
    assert "Exempt supplies carry no tax" in response.text
    assert not TaxCategory.objects.filter(code="gym-passes").exists()
    assert not TaxRate.objects.filter(category__code="gym-passes").exists()


def test_two_rates_of_one_tax_at_once_are_refused_and_the_old_rates_stay(manager_client):
    massage = TaxCategory.objects.get(code="massage-therapy")
    (hst,) = massage.rates.all()
    response = manager_client.post(
        reverse("admin:clinic_taxcategory_change", args=[massage.pk]),
        {
            "code": massage.code,
            "name": massage.name,
            "treatment": "taxable",
            "legal_basis": massage.legal_basis,
            **inline(
                "rates",
                [
                    {
                        "id": hst.pk,
                        "category": massage.pk,
                        "name": "HST",
                        "percent": "13",
                        "valid_from": "2010-07-01",
                        "valid_until": "",
                    },
                    {"name": "HST", "percent": "15", "valid_from": "2028-01-01", "valid_until": ""},
                ],
                initial=1,
            ),
        },
    )
    assert response.status_code == 200
    assert "Two HST rates are in force on 2028-01-01." in response.text
    assert list(massage.rates.values_list("percent", "valid_until")) == [(hst.percent, None)]


# --- Registrations -----------------------------------------------------------------------


def registration_form(practitioner, **fields) -> dict:
    return {
        "practitioner": practitioner.pk,
        "regulator": Regulator.objects.get(slug="cpo").pk,
        "registration_number": "PT-2",
        "registration_class": RegistrationClass.objects.get(
            regulator__slug="cpo", name="Independent Practice"
        ).pk,
        "valid_from": "2027-06-01",
        "valid_until": "",
        "verified_on": "",
    } | fields


def test_an_overlapping_registration_is_refused_next_to_its_first_day(manager_client, marc):
    response = manager_client.post(
        reverse("admin:clinic_registration_add"), registration_form(marc)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "This overlaps registration #PT-1" in errors["valid_from"][0]
    assert list(Registration.objects.values_list("registration_number", flat=True)) == ["PT-1"]


def test_entering_the_day_it_was_checked_records_who_checked_it(manager_client, manager, marc):
    registration = Registration.objects.get(practitioner=marc)
    url = reverse("admin:clinic_registration_change", args=[registration.pk])
    form = registration_form(
        marc,
        registration_number="PT-1",
        valid_from="2020-01-01",
        registration_class=registration.registration_class_id,
    )
    response = manager_client.post(url, form | {"verified_on": "2027-03-10"})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.verified_on, registration.verified_by) == (date(2027, 3, 10), manager)
    response = manager_client.post(url, form | {"verified_on": ""})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.verified_on, registration.verified_by) == (None, None)


def test_the_expiry_filter_lists_what_ends_within_sixty_days_and_what_has_ended(
    manager_client, marc
):
    today = datetime.now(tz=UTC).date()
    registration = Registration.objects.get(practitioner=marc)
    registration.valid_until = today + timedelta(days=30)
    services.registration_save(registration=registration)
    olivia = make_practitioner("Olivia Bennett", disciplines=["massage-therapy"])
    make_registration(olivia, "cmto", valid_until=today - timedelta(days=30), number="RMT-9")
    url = reverse("admin:clinic_registration_changelist")

    def listed(expiry: str) -> list[str]:
        response = manager_client.get(url, {"expiry": expiry})
        return [r.registration_number for r in response.context["cl"].result_list]

    assert listed("60") == ["PT-1"]
    assert listed("ended") == ["RMT-9"]
    assert listed("current") == ["PT-1"]


# --- Time off and closures ---------------------------------------------------------------


def test_time_off_is_added_through_its_screen(manager_client, marc):
    response = manager_client.post(
        reverse("admin:clinic_timeoff_add"),
        {
            "practitioner": marc.pk,
            "starts_at_0": "2027-03-11",
            "starts_at_1": "13:00",
            "ends_at_0": "2027-03-11",
            "ends_at_1": "16:00",
            "reason": "Course",
        },
    )
    assert response.status_code == 302
    (away,) = TimeOff.objects.all()
    assert (away.practitioner, away.ends_at - away.starts_at, away.reason) == (
        marc,
        timedelta(hours=3),
        "Course",
    )


def test_time_off_that_ends_before_it_starts_is_refused_on_the_page(manager_client, marc):
    response = manager_client.post(
        reverse("admin:clinic_timeoff_add"),
        {
            "practitioner": marc.pk,
            "starts_at_0": "2027-03-11",
            "starts_at_1": "16:00",
            "ends_at_0": "2027-03-11",
            "ends_at_1": "13:00",
            "reason": "",
        },
    )
    assert response.status_code == 200
    assert "Time off must end after it starts." in response.text
    assert not TimeOff.objects.exists()


def location_form(location: Location, closures: list[dict]) -> dict:
    hours = [
        {
            "id": row.pk,
            "location": location.pk,
            "weekday": row.weekday,
            "opens": f"{row.opens:%H:%M}",
            "closes": f"{row.closes:%H:%M}",
        }
        for row in location.opening_hours.order_by("weekday")
    ]
    return {
        "clinic": location.clinic_id,
        "name": location.name,
        "slug": location.slug,
        "street_address": location.street_address,
        "city": location.city,
        "province": location.province,
        "postal_code": location.postal_code,
        "country": location.country,
        "phone": location.phone,
        "time_zone": location.time_zone,
        "active": "on",
        **inline("opening_hours", hours, initial=len(hours)),
        **inline("closures", closures),
    }


def test_a_closure_is_added_on_the_location_s_screen(manager_client, pickering):
    response = manager_client.post(
        reverse("admin:clinic_location_change", args=[pickering.pk]),
        location_form(
            pickering, [{"first_day": "2027-12-25", "last_day": "2027-12-26", "name": "Christmas"}]
        ),
    )
    assert response.status_code == 302
    (closure,) = Closure.objects.all()
    assert (closure.location, closure.first_day, closure.last_day) == (
        pickering,
        date(2027, 12, 25),
        date(2027, 12, 26),
    )
    assert pickering.opening_hours.count() == 5


def test_a_backwards_closure_is_refused_and_the_location_is_left_as_it_was(
    manager_client, pickering
):
    form = location_form(
        pickering, [{"first_day": "2027-12-26", "last_day": "2027-12-25", "name": "Christmas"}]
    )
    response = manager_client.post(
        reverse("admin:clinic_location_change", args=[pickering.pk]),
        form | {"phone": "905-555-0199"},
    )
    assert response.status_code == 200
    assert "The last day cannot be before the first day." in response.text
    assert not Closure.objects.exists()
    assert Location.objects.get(pk=pickering.pk).phone == pickering.phone


# --- Clinic policies ---------------------------------------------------------------------


def test_a_slot_grid_finer_than_five_minutes_is_refused(manager_client, clinic):
    url = reverse("admin:clinic_clinic_change", args=[clinic.pk])
    form = {
        "name": clinic.name,
        "slug": clinic.slug,
        "phone": "",
        "email": "",
        "website": "",
        "cancellation_notice_hours": "48",
        "late_cancellation_fee_percent": "50",
        "no_show_fee_percent": "100",
        "waitlist_offer_minutes": "120",
        "min_online_notice_minutes": "120",
        "booking_horizon_days": "90",
        "slot_step_minutes": "3",
        "feed_patient_label": "initials",
        "quiet_hours_start": "21:00",
        "quiet_hours_end": "08:00",
    }
    response = manager_client.post(url, form)
    assert response.status_code == 200
    assert Clinic.objects.get(pk=clinic.pk).cancellation_notice_hours == 24
    response = manager_client.post(url, form | {"slot_step_minutes": "10"})
    assert response.status_code == 302
    stored = Clinic.objects.get(pk=clinic.pk)
    assert (stored.cancellation_notice_hours, stored.slot_step_minutes) == (48, 10)


# --- Working hours and travel times ------------------------------------------------------


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


def test_deleting_working_hours_takes_their_breaks_with_them(manager_client, marc, pickering):
    shift = make_shift(
        marc, pickering, Weekday.MONDAY, "08:00", "16:00", breaks=[("12:00", "12:30")]
    )
    response = manager_client.post(
        reverse("admin:clinic_workinghours_delete", args=[shift.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not WorkingHours.objects.exists()
    assert not Break.objects.exists()


def test_a_clash_found_only_when_saving_leaves_nothing_half_saved_and_says_why(
    manager_client, marc, pickering, monkeypatch
):
    """Another manager saves Marc's Monday morning between this form's checks and its
    save: the service, checking again under the practitioner's lock, refuses."""
    shifts = admin.site._registry[WorkingHours]

    def another_manager_meanwhile(request, obj, form, change) -> None:
        make_shift(marc, pickering, Weekday.MONDAY, "08:00", "10:00")

    monkeypatch.setattr(shifts, "save_model", another_manager_meanwhile)
    response = manager_client.post(
        reverse("admin:clinic_workinghours_add"),
        shift_form(marc, pickering, "09:00", "12:00", breaks=[("10:30", "10:45")]),
    )
    page = followed(manager_client, response)
    assert "Nothing was saved: Marc Tremblay already works Mondays 8:00 AM–10:00 AM" in page
    assert not WorkingHours.objects.filter(starts="09:00").exists()
    assert not Break.objects.exists()


@pytest.fixture
def travelling(marc, pickering, milton):
    """Marc works Pickering on Monday mornings and Milton on Monday afternoons."""
    row = services.travel_time_set(location_a=pickering, location_b=milton, minutes=60, today=TODAY)
    make_shift(marc, pickering, Weekday.MONDAY, "08:00", "12:00")
    make_shift(marc, milton, Weekday.MONDAY, "13:00", "17:00")
    return row


def test_a_longer_travel_time_than_the_hours_allow_is_refused_on_the_page(
    manager_client, travelling
):
    response = manager_client.post(
        reverse("admin:clinic_traveltime_change", args=[travelling.pk]), {"minutes": "75"}
    )
    assert response.status_code == 200
    assert "takes 75 minutes, so leave at least that between the shifts" in response.text
    assert TravelTime.objects.get().minutes == 60


def test_a_travel_time_someone_s_hours_need_cannot_be_deleted_and_the_page_says_why(
    manager_client, travelling
):
    response = manager_client.post(
        reverse("admin:clinic_traveltime_delete", args=[travelling.pk]), {"post": "yes"}
    )
    page = followed(manager_client, response)
    assert "Nothing was deleted: Marc Tremblay also works Mondays" in page
    assert TravelTime.objects.get().minutes == 60


def test_deleting_travel_times_in_bulk_deletes_none_when_one_is_needed(
    manager_client, travelling, clinic, pickering
):
    from rehabdesk.clinic.testing import make_location

    ajax = make_location(clinic, "Ajax")
    spare = services.travel_time_set(location_a=pickering, location_b=ajax, minutes=20, today=TODAY)
    response = manager_client.post(
        reverse("admin:clinic_traveltime_changelist"),
        {"action": "delete_selected", "_selected_action": [spare.pk, travelling.pk], "post": "yes"},
    )
    page = followed(manager_client, response)
    assert "Nothing was changed: Marc Tremblay also works Mondays" in page
    assert TravelTime.objects.count() == 2


def test_an_unneeded_travel_time_is_deleted(manager_client, pickering, milton):
    row = services.travel_time_set(location_a=pickering, location_b=milton, minutes=60, today=TODAY)
    response = manager_client.post(
        reverse("admin:clinic_traveltime_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TravelTime.objects.exists()
