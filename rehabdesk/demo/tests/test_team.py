"""The demo's team and locations as README.md describes them: each practitioner
registered with the college of each discipline they practise, in force and checked on
the day the demo is loaded; the rosters that allow acupuncture and internal pelvic
work; Ontario's holidays closed at both locations; time off kept free.

One demo, loaded as of NOW, is shared by the module; these tests only read it."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest

from rehabdesk.clinic.holidays import ontario_holidays
from rehabdesk.clinic.models import (
    Closure,
    Location,
    Practitioner,
    Registration,
    Service,
    TimeOff,
    TravelTime,
    WorkingHours,
)
from rehabdesk.demo.clinic import MANAGER
from rehabdesk.demo.history import HISTORY_DAYS
from rehabdesk.demo.tests.shared import NOW, TORONTO
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import availability_search

pytestmark = pytest.mark.django_db

TODAY = NOW.date()
# A discipline is practised under one college; acupuncture under either.
COLLEGES = {
    "physiotherapy": {"cpo"},
    "massage-therapy": {"cmto"},
    "acupuncture": {"cpo", "ctcmpao"},
}


def current(registrations: list[Registration], on: date) -> list[Registration]:
    return [
        r
        for r in registrations
        if r.valid_from <= on and (r.valid_until is None or on <= r.valid_until)
    ]


def team() -> list[Practitioner]:
    return list(
        Practitioner.objects.prefetch_related(
            "disciplines",
            "registrations__regulator",
            "registrations__registration_class",
            "registrations__authorizations",
            "registrations__verified_by",
        )
    )


def test_each_discipline_is_practised_under_a_current_registration_with_its_college(
    shared_demo,
):
    for person in team():
        registrations = list(person.registrations.all())
        in_force = current(registrations, TODAY)
        for discipline in person.disciplines.all():
            colleges = {r.regulator.slug for r in in_force}
            assert colleges & COLLEGES[discipline.slug], f"{person}: {discipline} unregistered"
        practised = set().union(*(COLLEGES[d.slug] for d in person.disciplines.all()))
        assert {r.regulator.slug for r in registrations} <= practised, person
        for registration in in_force:
            assert registration.registration_class.permits_practice


def test_acupuncture_under_the_physiotherapy_college_needs_its_roster(shared_demo):
    for person in team():
        if "acupuncture" not in {d.slug for d in person.disciplines.all()}:
            continue
        colleges = {
            r.regulator.slug: {a.code for a in r.authorizations.all()}
            for r in current(list(person.registrations.all()), TODAY)
        }
        assert "ctcmpao" in colleges or "acupuncture" in colleges.get("cpo", set()), person


def test_every_registration_in_force_was_checked_by_the_manager_lately(shared_demo):
    for person in team():
        for registration in current(list(person.registrations.all()), TODAY):
            assert registration.verified_by.email == MANAGER
            assert TODAY - timedelta(days=20) <= registration.verified_on <= TODAY
        for later in person.registrations.filter(valid_from__gt=TODAY):
            assert later.verified_on is None  # a renewal not yet in force: not checked


def test_the_team_is_the_one_the_readme_describes(shared_demo):
    designations = Counter(p.display_name.rsplit(", ", 1)[1] for p in team())
    rostered = {
        authorization: sorted(
            r.practitioner.display_name
            for r in Registration.objects.filter(authorizations__code=authorization)
        )
        for authorization in ("acupuncture", "internal-pelvic")
    }
    places: dict[str, set[str]] = {}
    for name, location in WorkingHours.objects.values_list(
        "practitioner__display_name", "location__slug"
    ):
        places.setdefault(name, set()).add(location)
    both = sorted(name for name, where in places.items() if len(where) == 2)

    assert designations == {"PT": 7, "RMT": 6, "R. Ac": 1}
    assert rostered == {
        "acupuncture": ["Priya Raman, PT"],
        "internal-pelvic": ["Sofia Martins, PT"],
    }
    # "physiotherapists — ... some at both locations"; two massage therapists too.
    assert [name for name in both if name.endswith("PT")] == [
        "Daniel Okafor, PT",
        "Marc Tremblay, PT",
        "Priya Raman, PT",
        "Sofia Martins, PT",
    ]
    assert TravelTime.objects.get().minutes == 60


def test_every_active_service_has_someone_working_who_may_deliver_it(shared_demo):
    qualified_at = {
        (row["practitioner"], row["location"])
        for row in WorkingHours.objects.values("practitioner", "location")
    }
    for service in Service.objects.filter(active=True):
        result = availability_search(
            service_id=service.pk,
            location_ids=list(Location.objects.values_list("pk", flat=True)),
            start=NOW + timedelta(days=40),  # past the planned calendar: any free time
            end=NOW + timedelta(days=47),
            now=NOW,
            channel=Channel.PHONE,
        )
        assert result.slots, f"{service.name}: {result.reason}"
        assert {(s.practitioner_id, s.location_id) for s in result.slots} <= qualified_at


@pytest.mark.parametrize("location", ["pickering", "milton"])
def test_each_location_is_closed_on_ontarios_holidays_since_the_history_began(
    shared_demo, location
):
    first = TODAY - timedelta(days=HISTORY_DAYS)
    expected = [
        (day, name)
        for year in range(first.year, TODAY.year + 2)
        for day, name in ontario_holidays(year)
        if day >= first
    ]
    closed = Closure.objects.filter(location__slug=location).order_by("first_day")

    assert [(c.first_day, c.name) for c in closed] == expected
    assert all(c.first_day == c.last_day for c in closed)
    assert ("Canada Day", date(2027, 7, 1)) in [(n, d) for d, n in expected]


@pytest.mark.parametrize("location", ["pickering", "milton"])
def test_nothing_is_booked_or_offered_on_good_friday(shared_demo, location):
    good_friday = date(2027, 3, 26)
    place = Location.objects.get(slug=location)
    start = datetime.combine(good_friday, time(0), tzinfo=TORONTO)
    result = availability_search(
        service_id=Service.objects.get(name="Physiotherapy follow-up, 30 minutes").pk,
        location_ids=[place.pk],
        start=start,
        end=start + timedelta(days=1),
        now=NOW,
        channel=Channel.PHONE,
    )

    assert Closure.objects.filter(location=place, first_day=good_friday, name="Good Friday")
    assert (result.slots, result.reason) == ((), "closed")
    # A Friday like any other the week before.
    assert Appointment.objects.filter(
        location=place, start__gte=start - timedelta(days=7), start__lt=start - timedelta(days=6)
    ).exists()


def test_time_off_is_dated_from_the_load_day_and_kept_free(shared_demo):
    marc = Practitioner.objects.get(slug="marc-tremblay")
    away = datetime.combine(TODAY + timedelta(days=24), time(0), tzinfo=TORONTO)
    week = {"start": away, "end": away + timedelta(days=7)}
    week_before = {"start": away - timedelta(days=7), "end": away}

    def search(window):
        return availability_search(
            service_id=Service.objects.get(name="Physiotherapy follow-up, 30 minutes").pk,
            location_ids=list(Location.objects.values_list("pk", flat=True)),
            now=NOW,
            channel=Channel.PHONE,
            practitioner_ids=[marc.pk],
            **window,
        )

    assert list(TimeOff.objects.values_list("practitioner__slug", "starts_at", "reason")) == [
        ("marc-tremblay", away, "Vacation"),
        (
            "olivia-bennett",
            datetime.combine(TODAY + timedelta(days=10), time(0), tzinfo=TORONTO),
            "Continuing education course",
        ),
    ]
    assert (search(week).slots, search(week).reason) == ((), "closed")
    assert search(week_before).slots  # a week like others: he works Monday to Friday
