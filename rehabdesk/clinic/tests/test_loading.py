"""A clinic described as data is created through the services: each part obeys the
same rules as a manager's screens, loading it again changes nothing, and a refusal
anywhere leaves nothing of it behind."""

from dataclasses import replace
from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.clinic.choices import ServiceKind
from rehabdesk.clinic.description import (
    MON,
    SAT,
    WEEKDAYS,
    AccountSpec,
    ClinicSpec,
    ClosureSpec,
    Hours,
    LocationSpec,
    PageTextSpec,
    PractitionerSpec,
    RegisteredWith,
    RegistrationSpec,
    ServiceGroupSpec,
    ServiceSpec,
    ShiftSpec,
    TimeOffSpec,
    TravelSpec,
    resources,
)
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.loading import clinic_load
from rehabdesk.clinic.models import (
    Clinic,
    Closure,
    Location,
    OpeningHours,
    PageText,
    Practitioner,
    Registration,
    Resource,
    Service,
    ServiceGroup,
    TimeOff,
    TravelTime,
    WorkingHours,
)
from rehabdesk.clinic.qualifications import practitioners_qualified

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 10)
MANAGER = "manager@small.example"


def _location(slug: str, name: str) -> LocationSpec:
    return LocationSpec(
        slug=slug,
        name=name,
        street_address="1 Sample Road",
        city=name,
        postal_code="L1V 0A1",
        phone="905-555-0100",
        hours=(Hours(WEEKDAYS, "08:00", "20:00"), Hours((SAT,), "09:00", "14:00")),
    )


PRIYA = PractitionerSpec(
    slug="priya-raman",
    display_name="Priya Raman, PT",
    email="priya@small.example",
    first_name="Priya",
    last_name="Raman",
    registrations=(
        RegistrationSpec(
            "cpo",
            "PT-1",
            valid_from=-400,
            valid_until=21,
            rosters=("acupuncture",),
            verified_on=-20,
            verified_by=MANAGER,
        ),
    ),
    shifts=(
        # Mondays at both locations, with the 45 minutes' drive between.
        ShiftSpec("ajax", (MON,), "08:00", "12:00", effective_from=date(2027, 1, 4)),
        ShiftSpec("whitby", (MON,), "12:45", "17:00", (("14:30", "15:00"),), date(2027, 1, 4)),
    ),
    time_off=(TimeOffSpec(7, 2, "Course"),),
)
ACUPUNCTURE = ServiceSpec(
    "Acupuncture",
    "physiotherapy",
    ServiceKind.TREATMENT,
    minutes=45,
    price="85.00",
    tax="physiotherapy",
    qualifications=(RegisteredWith("cpo", ("acupuncture",)),),
    resource_kinds=("treatment-room",),
    buffer=10,
    group="physiotherapy",
)
SMALL = ClinicSpec(
    name="Small Clinic",
    slug="small-clinic",
    accounts=(AccountSpec(MANAGER, "Morgan", roles=(Role.MANAGER,), password=None),),
    locations=(
        replace(
            _location("ajax", "Ajax"),
            resources=resources("treatment-room", "Room 1", "Room 2"),
            closures=(ClosureSpec(3, 4, "Renovation"),),
        ),
        replace(_location("whitby", "Whitby"), holidays_from=-30),
    ),
    travel=(TravelSpec("ajax", "whitby", 45),),
    practitioners=(PRIYA,),
    groups=(ServiceGroupSpec("physiotherapy", "Physiotherapy", "Movement, less pain."),),
    page_texts=(PageTextSpec("about", "About us", "A small clinic."),),
    services=(replace(ACUPUNCTURE, name="Acupuncture, first visit"), ACUPUNCTURE),
)


def counts() -> list[int]:
    return [
        model.objects.count()
        for model in (
            Clinic,
            User,
            Location,
            OpeningHours,
            Resource,
            Closure,
            TravelTime,
            Practitioner,
            Registration,
            WorkingHours,
            TimeOff,
            ServiceGroup,
            PageText,
            Service,
        )
    ]


NOTHING = [0] * 14


def test_it_creates_every_part_of_the_described_clinic():
    loaded = clinic_load(clinic=SMALL, today=TODAY)

    assert loaded is not None
    assert list(loaded.locations) == ["ajax", "whitby"]
    ajax = Location.objects.get(slug="ajax")
    assert ajax.opening_hours.count() == 6
    assert sorted(ajax.resources.values_list("name", flat=True)) == ["Room 1", "Room 2"]
    assert list(ajax.closures.values_list("first_day", "last_day", "name")) == [
        (date(2027, 3, 13), date(2027, 3, 14), "Renovation")
    ]
    # Ontario's holidays from 30 days back to the end of next year.
    whitby_closed = Closure.objects.filter(location__slug="whitby")
    assert whitby_closed.earliest("first_day").name == "Family Day"
    assert whitby_closed.latest("first_day").first_day == date(2028, 12, 26)
    assert TravelTime.objects.get().minutes == 45


def test_it_dates_registrations_and_time_off_from_the_day_it_is_loaded():
    loaded = clinic_load(clinic=SMALL, today=TODAY)

    assert loaded is not None
    priya = loaded.practitioners["priya-raman"]
    registration = priya.registrations.get()
    assert (registration.valid_from, registration.valid_until) == (
        TODAY - timedelta(days=400),
        TODAY + timedelta(days=21),
    )
    assert registration.verified_on == TODAY - timedelta(days=20)
    assert registration.verified_by == loaded.accounts[MANAGER]
    assert [a.code for a in registration.authorizations.all()] == ["acupuncture"]
    off = TimeOff.objects.get()
    local = off.starts_at.astimezone(loaded.locations["ajax"].zone)
    assert (local.date(), local.time()) == (date(2027, 3, 17), time(0))
    assert off.ends_at - off.starts_at == timedelta(days=2)
    assert roles_of(priya.user_id) == {Role.PRACTITIONER}


def test_it_gives_each_shift_its_breaks_and_each_service_its_place():
    loaded = clinic_load(clinic=SMALL, today=TODAY)

    assert loaded is not None
    afternoon = WorkingHours.objects.get(location__slug="whitby")
    assert [(b.starts, b.ends) for b in afternoon.breaks.all()] == [(time(14, 30), time(15))]
    assert afternoon.effective_from == date(2027, 1, 4)
    first_visit, acupuncture = (
        loaded.services["acupuncture-first-visit"],
        loaded.services["acupuncture"],
    )
    assert (first_visit.display_order, acupuncture.display_order) == (0, 1)
    assert acupuncture.group == ServiceGroup.objects.get(slug="physiotherapy")
    assert (acupuncture.price, acupuncture.buffer_after_minutes) == (Decimal("85.00"), 10)
    assert practitioners_qualified(service=acupuncture, on=TODAY) == [
        loaded.practitioners["priya-raman"]
    ]


def test_loading_it_again_changes_nothing():
    clinic_load(clinic=SMALL, today=TODAY)
    before = counts()

    assert clinic_load(clinic=SMALL, today=TODAY + timedelta(days=1)) is None
    assert counts() == before


def test_a_shift_outside_opening_hours_is_refused_and_nothing_is_left():
    late = ShiftSpec("ajax", (MON,), "18:00", "21:00")
    refused = replace(SMALL, practitioners=(replace(PRIYA, shifts=(*PRIYA.shifts, late)),))

    with pytest.raises(ClinicError) as caught:
        clinic_load(clinic=refused, today=TODAY)

    assert caught.value.code == ClinicErrorCode.OUTSIDE_OPENING_HOURS
    assert counts() == NOTHING


def test_shifts_without_the_travel_time_between_them_are_refused():
    rushed = replace(SMALL, travel=(TravelSpec("ajax", "whitby", 60),))

    with pytest.raises(ClinicError) as caught:
        clinic_load(clinic=rushed, today=TODAY)

    assert caught.value.code == ClinicErrorCode.TRAVEL_TIME_TOO_SHORT
    assert counts() == NOTHING


def test_a_service_nobody_is_qualified_for_is_refused():
    pelvic = replace(
        ACUPUNCTURE,
        name="Pelvic floor assessment",
        qualifications=(RegisteredWith("cpo", ("internal-pelvic",)),),
    )

    with pytest.raises(ClinicError) as caught:
        clinic_load(clinic=replace(SMALL, services=(pelvic,)), today=TODAY)

    assert caught.value.code == ClinicErrorCode.NOBODY_QUALIFIED
    assert counts() == NOTHING


def test_a_name_the_clinic_does_not_know_is_a_mistake_in_the_description():
    typo = replace(ACUPUNCTURE, qualifications=(RegisteredWith("cpo", ("acupunture",)),))

    with pytest.raises(LookupError, match="acupunture"):
        clinic_load(clinic=replace(SMALL, services=(typo,)), today=TODAY)

    assert counts() == NOTHING
