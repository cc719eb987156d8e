from datetime import timedelta

import pytest
from django.urls import reverse

from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create
from rehabdesk.clinic import services
from rehabdesk.clinic.models import Closure
from rehabdesk.clinic.testing import (
    make_clinic,
    make_location,
    make_practitioner,
    make_registration,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


def test_the_home_page_shows_each_location_with_its_hours_and_closures(
    client, today, django_assert_num_queries
):
    clinic = make_clinic("Pro Fusion Rehab")
    make_location(clinic, "Pickering")
    milton = make_location(clinic, "Milton")
    services.closure_save(
        closure=Closure(
            location=milton,
            first_day=today + timedelta(days=3),
            last_day=today + timedelta(days=3),
            name="Canada Day",
        )
    )
    # Locations, their hours, their closures, and the service groups.
    with django_assert_num_queries(5):  # with the clinic's name for the header
        response = client.get(reverse("home"))
    page = response.text
    assert "<h1>Pro Fusion Rehab</h1>" in page
    assert "Pickering" in page
    assert "Milton" in page
    assert "8:00 AM–8:00 PM" in page
    assert "Canada Day" in page


def test_it_signs_staff_in_by_email(client):
    user_create(email="morgan@clinic.example", password="a-long-passphrase-1", roles=[Role.MANAGER])
    response = client.post(
        reverse("sign-in"), {"username": "Morgan@Clinic.example", "password": "a-long-passphrase-1"}
    )
    assert response.status_code == 302
    # Staff go on to their second factor (rehabdesk/web/tests/test_sign_in_factors.py).
    assert response.url == reverse("sign-in-factor") + "?next=%2Fstart%2F"


@pytest.mark.parametrize(
    ("persona", "lands_on"),
    [
        ("front_desk", "desk-day"),
        ("manager", "desk-day"),
        ("physio", "my-day"),
        ("patient_a", "my-family"),
        ("outsider", "home"),
    ],
)
def test_start_sends_each_role_where_it_works(client, personas, persona, lands_on):
    client.force_login(personas.user(persona))
    assert client.get(reverse("start")).url == reverse(lands_on)


def test_it_says_plainly_when_a_sign_in_fails(client):
    response = client.post(reverse("sign-in"), {"username": "x@clinic.example", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password." in response.text


class TestExpiringRegistrations:
    url = reverse("registrations-expiring")

    @pytest.fixture
    def team(self, today):
        olivia = make_practitioner("Olivia Bennett", disciplines=["massage-therapy"])
        make_registration(olivia, "cmto", number="SOON-21", valid_until=today + timedelta(days=21))
        nadia = make_practitioner("Nadia Petrova", disciplines=["massage-therapy"])
        make_registration(
            nadia, "cmto", number="RENEWED-OLD", valid_until=today + timedelta(days=30)
        )
        make_registration(
            nadia, "cmto", number="RENEWED-NEW", valid_from=today + timedelta(days=31)
        )
        marc = make_practitioner("Marc Tremblay")
        make_registration(marc, "cpo", number="LATER-61", valid_until=today + timedelta(days=61))
        hannah = make_practitioner("Hannah Fischer")
        make_registration(hannah, "cpo", number="TODAY-0", valid_until=today)
        # Renewing into the Inactive class is no renewal: Tariq must still be reminded.
        tariq = make_practitioner("Tariq Haddad", disciplines=["massage-therapy"])
        make_registration(
            tariq, "cmto", number="GOING-INACTIVE", valid_until=today + timedelta(days=10)
        )
        make_registration(
            tariq,
            "cmto",
            number="INACTIVE",
            class_name="Inactive",
            valid_from=today + timedelta(days=11),
        )
        kevin = make_practitioner("Kevin Zhang")
        make_registration(kevin, "cpo", number="LAPSED-5", valid_until=today - timedelta(days=5))

    def test_it_lists_registrations_ending_within_60_days_soonest_first(self, client, team):
        client.force_login(
            user_create(email="m@clinic.example", password=None, roles=[Role.MANAGER])
        )
        response = client.get(self.url)
        expiring = [r.registration_number for r, _ in response.context["expiring"]]
        assert expiring == ["TODAY-0", "GOING-INACTIVE", "SOON-21"]
        assert [r.registration_number for r, _ in response.context["lapsed"]] == ["LAPSED-5"]
        assert "(in 21 days)" in response.text
        assert "(today)" in response.text

    def test_it_is_for_managers_only(self, client, team):
        response = client.get(self.url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("sign-in"))
        client.force_login(
            user_create(email="d@clinic.example", password=None, roles=[Role.FRONT_DESK])
        )
        assert client.get(self.url).status_code == 403

    def test_it_reads_in_a_fixed_number_of_queries(
        self, client, team, django_assert_max_num_queries
    ):
        client.force_login(
            user_create(email="m@clinic.example", password=None, roles=[Role.MANAGER])
        )
        with django_assert_max_num_queries(8):  # with the clinic's name for the header
            client.get(self.url)
