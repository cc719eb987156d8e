"""What the clinic's reads give the pages: registrations to renew or already lapsed,
locations with their hours and coming closures, the public catalogue and the team —
only what is active and in force, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehabdesk.clinic import selectors, services
from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models import (
    Closure,
    Discipline,
    Location,
    PageText,
    Service,
    ServiceGroup,
)
from rehabdesk.clinic.testing import (
    TODAY,
    make_practitioner,
    make_registration,
    make_service,
    make_shift,
    qualification,
)

pytestmark = pytest.mark.django_db


def names(rows) -> list[str]:
    return [str(row) for row in rows]


def numbers(registrations) -> list[str]:
    return [r.registration_number for r in registrations]


# --- Registrations to renew --------------------------------------------------------------


@pytest.fixture
def team():
    return {
        name: make_practitioner(name, disciplines=["massage-therapy"])
        for name in ("Ann Able", "Ben Baker", "Cal Cole", "Dee Dunn")
    }


def test_registrations_ending_within_the_window_are_listed_soonest_first(team):
    ann, ben, cal, dee = team.values()
    make_registration(ann, "cmto", valid_until=TODAY + timedelta(days=60), number="LAST-DAY")
    make_registration(ben, "cmto", valid_until=TODAY, number="TODAY")
    make_registration(cal, "cmto", valid_until=TODAY + timedelta(days=61), number="TOO-FAR")
    make_registration(dee, "cmto", valid_until=TODAY - timedelta(days=1), number="LAPSED")
    assert numbers(selectors.registrations_expiring(today=TODAY)) == ["TODAY", "LAST-DAY"]
    assert numbers(selectors.registrations_expiring(today=TODAY, within_days=61)) == [
        "TODAY",
        "LAST-DAY",
        "TOO-FAR",
    ]


def test_a_registration_renewed_without_a_gap_is_not_listed(team):
    ann, ben, cal, _ = team.values()
    ends = TODAY + timedelta(days=20)
    make_registration(ann, "cmto", valid_until=ends, number="RENEWED")
    make_registration(ann, "cmto", valid_from=ends + timedelta(days=1), number="ANN-NEXT")
    make_registration(ben, "cmto", valid_until=ends, number="GAP")
    make_registration(ben, "cmto", valid_from=ends + timedelta(days=2), number="BEN-NEXT")
    make_registration(cal, "cmto", valid_until=ends, number="INACTIVE-NEXT")
    make_registration(
        cal, "cmto", valid_from=ends + timedelta(days=1), class_name="Inactive", number="CAL-NEXT"
    )
    assert numbers(selectors.registrations_expiring(today=TODAY)) == ["GAP", "INACTIVE-NEXT"]


def test_a_practitioner_who_has_left_is_not_listed(team):
    ann = team["Ann Able"]
    make_registration(ann, "cmto", valid_until=TODAY + timedelta(days=5))
    ann.active = False
    services.practitioner_save(practitioner=ann)
    assert list(selectors.registrations_expiring(today=TODAY)) == []


def test_the_same_day_lists_in_name_order(team):
    for practitioner in reversed(team.values()):
        make_registration(
            practitioner,
            "cmto",
            valid_until=TODAY + timedelta(days=9),
            number=practitioner.display_name,
        )
    assert numbers(selectors.registrations_expiring(today=TODAY)) == list(team)


def test_lapsed_registrations_are_listed_latest_first_for_a_year(team):
    ann, ben, cal, dee = team.values()
    make_registration(ann, "cmto", valid_until=TODAY - timedelta(days=1), number="YESTERDAY")
    make_registration(ben, "cmto", valid_until=TODAY - timedelta(days=365), number="A-YEAR")
    make_registration(cal, "cmto", valid_until=TODAY - timedelta(days=366), number="LONG-AGO")
    make_registration(dee, "cmto", valid_until=TODAY, number="STILL-TODAY")
    assert numbers(selectors.registrations_lapsed(today=TODAY)) == ["YESTERDAY", "A-YEAR"]


def test_a_lapse_followed_by_a_renewal_is_not_listed(team):
    ann = team["Ann Able"]
    make_registration(ann, "cmto", valid_until=TODAY - timedelta(days=3))
    make_registration(ann, "cmto", valid_from=TODAY - timedelta(days=2))
    assert list(selectors.registrations_lapsed(today=TODAY)) == []


def test_the_renewal_list_is_one_query_however_long(team, django_assert_num_queries):
    for index, practitioner in enumerate(team.values()):
        make_registration(practitioner, "cmto", valid_until=TODAY + timedelta(days=index))
    with django_assert_num_queries(1):
        shown = [
            (r.practitioner.display_name, r.regulator.abbreviation, r.registration_class.name)
            for r in selectors.registrations_expiring(today=TODAY)
        ]
    assert len(shown) == 4


# --- Locations ---------------------------------------------------------------------------


def test_locations_come_active_with_their_hours_and_coming_closures(
    clinic, pickering, milton, django_assert_num_queries
):
    for first, name in [
        (TODAY - timedelta(days=2), "Past"),
        (TODAY, "Today"),
        (TODAY + timedelta(days=30), "Later"),
    ]:
        services.closure_save(
            closure=Closure(location=pickering, first_day=first, last_day=first, name=name)
        )
    milton.active = False
    services.location_save(location=milton)
    with django_assert_num_queries(3):
        (shown,) = selectors.locations_for_display(today=TODAY)
        closures = [closure.name for closure in shown.coming_closures]
        weekdays = sorted(hours.weekday for hours in shown.opening_hours.all())
        clinic_name = shown.clinic.name
    assert (shown, closures, weekdays, clinic_name) == (
        pickering,
        ["Today", "Later"],
        [0, 1, 2, 3, 4],
        clinic.name,
    )


def test_an_inactive_or_unknown_location_has_no_page(pickering, milton):
    milton.active = False
    services.location_save(location=milton)
    assert selectors.location_for_display(slug="pickering", today=TODAY) == pickering
    for slug in ("milton", "nowhere"):
        with pytest.raises(Location.DoesNotExist):
            selectors.location_for_display(slug=slug, today=TODAY)


# --- The catalogue -----------------------------------------------------------------------


@pytest.fixture
def physio():
    practitioner = make_practitioner("Priya Raman")
    make_registration(practitioner, "cpo")
    return practitioner


def group(name: str, order: int, *, active: bool = True) -> ServiceGroup:
    return services.configuration_save(
        instance=ServiceGroup(
            name=name,
            slug=name.lower().replace(" ", "-"),
            summary=name,
            display_order=order,
            active=active,
        )
    )


def in_group(service: Service, service_group: ServiceGroup | None, order: int = 0) -> Service:
    service.group = service_group
    service.display_order = order
    return services.service_save(service=service, on=TODAY)


def test_the_catalogue_leaves_out_inactive_services_and_disciplines(physio):
    make_service("Follow-up")
    make_service("Old assessment", active=False)
    acupuncture = Discipline.objects.get(slug="acupuncture")
    make_service("Acupuncture", discipline="acupuncture", tax="acupuncture")
    acupuncture.active = False
    services.configuration_save(instance=acupuncture)
    assert names(selectors.services_for_display()) == ["Follow-up"]


def test_groups_list_their_active_services_in_the_clinic_s_order(physio, django_assert_num_queries):
    physiotherapy = group("Physiotherapy", 1)
    group("Massage therapy", 2)
    hidden = group("Hidden", 0, active=False)
    in_group(make_service("Follow-up"), physiotherapy, order=2)
    in_group(make_service("Assessment"), physiotherapy, order=1)
    in_group(make_service("Pilates", active=False), physiotherapy)
    in_group(make_service("Orphan"), hidden)
    with django_assert_num_queries(3):
        shown = [
            (
                g.name,
                [
                    (s.name, s.tax_category.treatment, len(s.tax_category.rates.all()))
                    for s in g.shown_services
                ],
            )
            for g in selectors.service_groups_for_display()
        ]
    assert shown == [
        ("Physiotherapy", [("Assessment", "exempt", 0), ("Follow-up", "exempt", 0)]),
        ("Massage therapy", []),
    ]
    assert selectors.service_group_for_display(slug="physiotherapy") == physiotherapy
    with pytest.raises(ServiceGroup.DoesNotExist):
        selectors.service_group_for_display(slug="hidden")


def test_disciplines_come_in_the_order_asked_without_inactive_or_unknown_ones():
    massage = Discipline.objects.get(slug="massage-therapy")
    massage.active = False
    services.configuration_save(instance=massage)
    shown = selectors.disciplines_for_display(
        slugs=["acupuncture", "nothing", "massage-therapy", "physiotherapy"]
    )
    assert [d.slug for d in shown] == ["acupuncture", "physiotherapy"]


def test_a_page_text_is_found_by_its_slug_or_not_at_all():
    services.configuration_save(
        instance=PageText(slug="which-one", title="Physio or massage?", body="It depends.")
    )
    assert selectors.page_text(slug="which-one").title == "Physio or massage?"
    assert selectors.page_text(slug="missing") is None


# --- The team ----------------------------------------------------------------------------


def test_the_team_shows_only_registrations_in_force_today_that_permit_practice(
    django_assert_num_queries,
):
    priya = make_practitioner("Priya Raman", disciplines=["physiotherapy", "acupuncture"])
    make_registration(priya, "cpo", valid_until=TODAY - timedelta(days=1), number="OLD")
    make_registration(
        priya, "cpo", valid_from=TODAY, roster_codes=["acupuncture"], number="CPO-NOW"
    )
    make_registration(priya, "ctcmpao", valid_from=TODAY + timedelta(days=1), number="NEXT")
    olivia = make_practitioner("Olivia Bennett", disciplines=["massage-therapy"])
    make_registration(olivia, "cmto", class_name="Inactive", number="ON-LEAVE")
    gone = make_practitioner("Gone Away")
    gone.active = False
    services.practitioner_save(practitioner=gone)
    acupuncture = Discipline.objects.get(slug="acupuncture")
    acupuncture.active = False
    services.configuration_save(instance=acupuncture)
    with django_assert_num_queries(4):
        shown = {
            p.display_name: (
                [d.slug for d in p.disciplines.all()],
                [
                    (
                        r.registration_number,
                        r.regulator.abbreviation,
                        r.registration_class.name,
                        [a.code for a in r.authorizations.all()],
                    )
                    for r in p.current_registrations
                ],
            )
            for p in selectors.team_for_display(today=TODAY)
        }
    assert shown == {
        "Priya Raman": (
            ["physiotherapy"],
            [("CPO-NOW", "CPO", "Courtesy", ["acupuncture"])],
        ),
        "Olivia Bennett": (["massage-therapy"], []),
    }


# --- What a location offers --------------------------------------------------------------


def test_a_location_offers_what_someone_working_there_may_deliver(pickering, milton, physio):
    make_shift(physio, pickering, Weekday.MONDAY, "09:00", "17:00")
    olivia = make_practitioner("Olivia Bennett", disciplines=["massage-therapy"])
    make_registration(olivia, "cmto")
    make_shift(olivia, milton, Weekday.MONDAY, "09:00", "17:00")
    make_service("Follow-up")
    make_service(
        "Massage",
        discipline="massage-therapy",
        tax="massage-therapy",
        qualifications=[qualification("cmto")],
    )
    assert names(selectors.services_offered_at(location=pickering, today=TODAY)) == ["Follow-up"]
    assert names(selectors.services_offered_at(location=milton, today=TODAY)) == ["Massage"]


def test_a_location_where_nobody_works_from_today_offers_nothing(pickering, physio):
    make_service("Follow-up")
    make_shift(
        physio,
        pickering,
        Weekday.MONDAY,
        "09:00",
        "17:00",
        effective_until=TODAY - timedelta(days=1),
    )
    assert selectors.services_offered_at(location=pickering, today=TODAY) == []
    make_shift(
        physio,
        pickering,
        Weekday.TUESDAY,
        "09:00",
        "17:00",
        effective_from=TODAY + timedelta(days=30),
    )
    assert names(selectors.services_offered_at(location=pickering, today=TODAY)) == ["Follow-up"]
    physio.active = False
    services.practitioner_save(practitioner=physio)
    assert selectors.services_offered_at(location=pickering, today=TODAY) == []


def test_offered_services_come_by_group_then_their_own_order_ungrouped_last(pickering, physio):
    make_shift(physio, pickering, Weekday.MONDAY, "09:00", "17:00")
    first, second = group("First group", 1), group("Second group", 2)
    in_group(make_service("Loose"), None)
    in_group(make_service("B in second"), second, order=1)
    in_group(make_service("A in second"), second, order=1)
    in_group(make_service("Only in first"), first, order=9)
    in_group(make_service("Hidden group"), group("Taken down", 0, active=False))
    assert names(selectors.services_offered_at(location=pickering, today=TODAY)) == [
        "Only in first",
        "A in second",
        "B in second",
        "Hidden group",
        "Loose",
    ]


def test_what_a_location_offers_is_read_in_the_same_queries_for_any_team(
    pickering, physio, django_assert_num_queries
):
    make_shift(physio, pickering, Weekday.MONDAY, "09:00", "17:00")
    make_service("Follow-up")
    with django_assert_num_queries(5) as few:
        selectors.services_offered_at(location=pickering, today=TODAY)
    for index in range(4):
        other = make_practitioner(f"More Physio{index}")
        make_registration(other, "cpo", roster_codes=["acupuncture"])
        make_shift(other, pickering, Weekday.TUESDAY, "09:00", "17:00")
        make_service(f"Service {index}", qualifications=[qualification("cpo", "acupuncture")])
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(selectors.services_offered_at(location=pickering, today=TODAY)) == 5
