"""The public site: what a new patient reads before calling or booking — services with
their prices and HST, each location, and the team with their registrations. Texts come
from the clinic's configuration; only what is active and current shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from rehabdesk.clinic import services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import (
    Clinic,
    Closure,
    Location,
    PageText,
    Practitioner,
    Service,
    ServiceGroup,
)
from rehabdesk.clinic.testing import (
    make_clinic,
    make_location,
    make_practitioner,
    make_registration,
    make_service,
    make_shift,
    qualification,
)
from rehabdesk.demo.clinic import SERVICE_GROUPS, load_demo

pytestmark = pytest.mark.django_db


@dataclass
class Site:
    clinic: Clinic
    pickering: Location
    milton: Location
    physio_group: ServiceGroup
    massage_group: ServiceGroup
    physio: Practitioner
    massage_therapist: Practitioner


def group(name: str, order: int, *, active: bool = True) -> ServiceGroup:
    return services.configuration_save(
        instance=ServiceGroup(
            name=name,
            slug=name.lower().replace(" ", "-"),
            summary=f"{name} summary from the database.",
            who_it_helps=f"{name} helps these people.",
            what_to_expect=f"A {name} visit goes like this.",
            display_order=order,
            active=active,
        )
    )


def in_group(service: Service, group: ServiceGroup) -> Service:
    service.group = group
    return services.service_save(service=service, on=timezone.localdate())


def presented(practitioner: Practitioner, **fields: str) -> Practitioner:
    for name, value in fields.items():
        setattr(practitioner, name, value)
    return services.practitioner_save(
        practitioner=practitioner, disciplines=practitioner.disciplines.all()
    )


@pytest.fixture
def site() -> Site:
    clinic = make_clinic("Pro Fusion Rehab")
    pickering = make_location(clinic, "Pickering")
    milton = make_location(clinic, "Milton")
    physio_group = group("Physiotherapy", 1)
    massage_group = group("Massage therapy", 2)
    physio = presented(
        make_practitioner("Priya Raman"),
        pronouns="she/her",
        languages="English, Tamil",
        bio="Priya treats sports injuries.",
    )
    make_registration(
        physio, "cpo", valid_from=date(2015, 1, 1), valid_until=date(2019, 12, 31), number="PT-OLD"
    )
    make_registration(physio, "cpo", roster_codes=["acupuncture"], number="PT-10425")
    massage_therapist = presented(
        make_practitioner("Olivia Bennett", disciplines=["massage-therapy"]),
        pronouns="they/them",
        bio="Olivia offers deep-tissue massage.",
    )
    make_registration(massage_therapist, "cmto", number="RMT-20431")
    # Physiotherapy at Pickering only, massage at Milton only.
    make_shift(physio, pickering, Weekday.MONDAY, "09:00", "17:00")
    make_shift(massage_therapist, milton, Weekday.MONDAY, "09:00", "17:00")
    in_group(make_service("Physiotherapy follow-up", price="85.00", minutes=30), physio_group)
    in_group(
        make_service(
            "Massage therapy, 60 minutes",
            discipline="massage-therapy",
            qualifications=[qualification("cmto")],
            tax="massage-therapy",
            price="85.00",
            minutes=60,
        ),
        massage_group,
    )
    in_group(make_service("Retired physio service", active=False), physio_group)
    return Site(clinic, pickering, milton, physio_group, massage_group, physio, massage_therapist)


class TestServiceGroupPage:
    def test_it_shows_the_groups_texts_from_the_database(self, client, site):
        page = client.get(reverse("service-group", args=["physiotherapy"])).text
        assert "<h1>Physiotherapy</h1>" in page
        assert "Physiotherapy summary from the database." in page
        assert "Who it helps" in page
        assert "Physiotherapy helps these people." in page
        assert "What a visit is like" in page
        assert "A Physiotherapy visit goes like this." in page

    def test_it_shows_exempt_services_as_hst_exempt(self, client, site):
        page = client.get(reverse("service-group", args=["physiotherapy"])).text
        assert "Physiotherapy follow-up" in page
        assert "30 minutes" in page
        assert "<strong>$85.00</strong> HST exempt" in page

    def test_it_adds_hst_to_massage_therapy(self, client, site):
        page = client.get(reverse("service-group", args=["massage-therapy"])).text
        assert "<strong>$85.00</strong> + $11.05 HST" in page
        assert "$96.05 in all" in page

    def test_it_leaves_out_inactive_services(self, client, site):
        page = client.get(reverse("service-group", args=["physiotherapy"])).text
        assert "Retired physio service" not in page

    def test_an_unknown_or_inactive_group_is_not_found(self, client, site):
        group("Hidden", 9, active=False)
        assert client.get(reverse("service-group", args=["no-such-thing"])).status_code == 404
        assert client.get(reverse("service-group", args=["hidden"])).status_code == 404

    def test_it_reads_in_a_fixed_number_of_queries(self, client, site, django_assert_num_queries):
        for n in range(5):
            in_group(make_service(f"Extra physio {n}"), site.physio_group)
        with django_assert_num_queries(4):  # with the clinic's name for the header
            response = client.get(reverse("service-group", args=["physiotherapy"]))
        assert "Extra physio 4" in response.text


class TestServicesList:
    def test_it_lists_every_active_group_with_its_prices(
        self, client, site, django_assert_num_queries
    ):
        group("Hidden", 9, active=False)
        with django_assert_num_queries(4):  # with the clinic's name for the header
            page = client.get(reverse("services")).text
        assert page.index("Physiotherapy follow-up") < page.index("Massage therapy, 60 minutes")
        assert "+ $11.05 HST" in page
        assert "HST exempt" in page
        assert "Hidden" not in page


class TestHome:
    def test_it_shows_what_the_clinic_offers_and_where(
        self, client, site, django_assert_num_queries
    ):
        with django_assert_num_queries(5):  # with the clinic's name for the header
            page = client.get(reverse("home")).text
        assert "<h1>Pro Fusion Rehab</h1>" in page
        assert reverse("service-group", args=["massage-therapy"]) in page
        assert reverse("location", args=["milton"]) in page
        assert "Physiotherapy summary from the database." in page

    def test_it_offers_online_booking_when_the_booking_flow_is_there(self, client, site):
        page = client.get(reverse("home")).text
        try:
            book_url = reverse("book-start")
        except NoReverseMatch:
            assert "Book an appointment" not in page
            assert "Call us to book" in page
        else:
            assert f'href="{book_url}"' in page
            assert "Book an appointment" in page


class TestPhysioOrMassage:
    def test_it_explains_the_difference_in_the_clinics_words(
        self, client, site, django_assert_num_queries
    ):
        services.configuration_save(
            instance=PageText(
                slug="physio-or-massage",
                title="Physio or massage?",
                body="Physio fixes the problem.\n\nMassage relaxes the muscles.",
            )
        )
        with django_assert_num_queries(4):  # with the clinic's name for the header
            page = client.get(reverse("physio-or-massage")).text
        assert "<h1>Physio or massage?</h1>" in page
        assert "<p>Physio fixes the problem.</p>" in page
        assert "<p>Massage relaxes the muscles.</p>" in page
        # The disciplines' own descriptions, side by side.
        assert "registered massage therapist" in page
        assert "registered physiotherapist" in page

    def test_it_still_compares_without_a_page_text(self, client, site):
        page = client.get(reverse("physio-or-massage")).text
        assert "<h1>Physiotherapy or massage therapy?</h1>" in page
        assert "registered massage therapist" in page


class TestLocationPage:
    def test_it_shows_address_hours_and_coming_closures(self, client, site):
        today = timezone.localdate()
        services.closure_save(
            closure=Closure(
                location=site.milton,
                first_day=today + timedelta(days=5),
                last_day=today + timedelta(days=5),
                name="Civic Holiday",
            )
        )
        services.closure_save(
            closure=Closure(
                location=site.milton,
                first_day=today - timedelta(days=5),
                last_day=today - timedelta(days=5),
                name="Last week's storm",
            )
        )
        page = client.get(reverse("location", args=["milton"])).text
        assert "<h1>Pro Fusion Rehab, Milton</h1>" in page
        assert "1 Sample Road" in page
        assert "905-555-0100" in page
        assert "Monday" in page
        assert "8:00 AM–8:00 PM" in page
        assert "Civic Holiday" in page
        assert "Last week&#x27;s storm" not in page
        assert "storm" not in page

    def test_it_lists_only_services_someone_working_there_may_deliver(self, client, site):
        pickering = client.get(reverse("location", args=["pickering"])).text
        milton = client.get(reverse("location", args=["milton"])).text
        assert "Physiotherapy follow-up" in pickering
        assert "Massage therapy, 60 minutes" not in pickering
        assert "Massage therapy, 60 minutes" in milton
        assert "+ $11.05 HST" in milton
        assert "Physiotherapy follow-up" not in milton

    def test_a_lapsed_registration_takes_the_service_off_the_location(self, client, site):
        lapsed = make_practitioner("Lapsed Physio")
        make_registration(lapsed, "cpo", valid_until=timezone.localdate() - timedelta(days=1))
        make_shift(lapsed, site.milton, Weekday.TUESDAY, "09:00", "17:00")
        assert (
            "Physiotherapy follow-up" not in client.get(reverse("location", args=["milton"])).text
        )

    def test_an_unknown_or_inactive_location_is_not_found(self, client, site):
        site.pickering.active = False
        services.location_save(location=site.pickering)
        assert client.get(reverse("location", args=["pickering"])).status_code == 404
        assert client.get(reverse("location", args=["nowhere"])).status_code == 404

    def test_it_reads_in_a_fixed_number_of_queries(self, client, site, django_assert_num_queries):
        for n in range(4):
            someone = make_practitioner(f"Extra Physio{n}")
            make_registration(someone, "cpo")
            make_shift(someone, site.pickering, Weekday.TUESDAY, "09:00", "17:00")
            in_group(make_service(f"Extra physio {n}"), site.physio_group)
        with django_assert_num_queries(9):  # with the clinic's name for the header
            response = client.get(reverse("location", args=["pickering"]))
        assert "Extra physio 3" in response.text


class TestTeamPage:
    def test_it_shows_each_practitioner_with_their_current_registration(self, client, site):
        page = client.get(reverse("team")).text
        assert "Priya Raman" in page
        assert "Olivia Bennett" in page
        assert "she/her" in page
        assert "they/them" in page
        assert "English, Tamil" in page
        assert "Priya treats sports injuries." in page
        assert "Physiotherapy" in page
        assert "Massage therapy" in page
        assert "PT-10425" in page
        assert "RMT-20431" in page
        assert "College of Physiotherapists of Ontario" in page
        assert ">CPO</abbr>" in page
        assert ">CMTO</abbr>" in page
        assert "Rostered for: acupuncture" in page

    def test_it_never_shows_an_ended_registration(self, client, site):
        assert "PT-OLD" not in client.get(reverse("team")).text

    def test_it_leaves_out_inactive_practitioners(self, client, site):
        gone = make_practitioner("Gone Person")
        gone.active = False
        services.practitioner_save(practitioner=gone, disciplines=gone.disciplines.all())
        assert "Gone Person" not in client.get(reverse("team")).text

    def test_it_reads_in_a_fixed_number_of_queries(self, client, site, django_assert_num_queries):
        for n in range(5):
            make_registration(make_practitioner(f"Extra Person{n}"), "cpo")
        with django_assert_num_queries(5):  # with the clinic's name for the header
            response = client.get(reverse("team"))
        assert "Extra Person4" in response.text


@pytest.mark.parametrize(
    "route", ["home", "services", "physio-or-massage", "team"], ids=lambda route: route
)
def test_public_pages_need_no_sign_in_and_refuse_posts(client, site, route):
    assert client.get(reverse(route)).status_code == 200
    assert client.post(reverse(route)).status_code == 405


def test_the_demo_clinic_has_a_page_for_every_service_group(client, monkeypatch):
    now = datetime(2027, 3, 10, 12, tzinfo=ZoneInfo("America/Toronto"))
    load_demo(now=now, history_days=0, future_days=0)
    # The pages read as of the demo's day: the team page lists registrations in force,
    # and DEMO-RMT-20431 runs out 21 days after it.
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    assert not Service.objects.filter(group__isnull=True).exists()
    for data in SERVICE_GROUPS:
        page = client.get(reverse("service-group", args=[data.slug]))
        assert page.status_code == 200
        assert data.summary[:40] in page.text
    assert "Physiotherapy or massage therapy?" in client.get(reverse("physio-or-massage")).text
    assert "DEMO-RMT-20431" in client.get(reverse("team")).text
