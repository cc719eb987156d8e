"""Each part of a clinic's description, as the loader creates it: closures and holidays,
travel times, rooms, time off, service groups and page texts, staff accounts and their
roles, and days written as days from the load day. A name the database does not know is
a mistake in the description: LookupError, and nothing of the clinic is left. A clinic
is known by its slug: loading it again, even changed, changes nothing."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rehabdesk.accounts.errors import AccountsError
from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.clinic.choices import ServiceKind
from rehabdesk.clinic.description import (
    MON,
    TUE,
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
    ResourceSpec,
    ServiceGroupSpec,
    ServiceSpec,
    ShiftSpec,
    TimeOffSpec,
    TravelSpec,
)
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.holidays import ontario_holidays
from rehabdesk.clinic.loading import clinic_load
from rehabdesk.clinic.models import (
    Clinic,
    Closure,
    Location,
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

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 10)  # a Wednesday; Toronto's clocks go forward on Sunday the 14th
TORONTO = ZoneInfo("America/Toronto")
MANAGER = "manager@parts.example"


def place(slug: str, **changes: Any) -> LocationSpec:
    spec = LocationSpec(
        slug=slug,
        name=slug.title(),
        street_address="1 Sample Road",
        city=slug.title(),
        postal_code="L1V 0A1",
        phone="905-555-0100",
        hours=(Hours(WEEKDAYS, "08:00", "18:00"),),
    )
    return replace(spec, **changes)


PHYSIO = PractitionerSpec(
    slug="robin-physio",
    display_name="Robin Physio, PT",
    email="robin@parts.example",
    first_name="Robin",
    registrations=(RegistrationSpec("cpo", "PT-77", valid_from=-100),),
    shifts=(ShiftSpec("ajax", (MON, TUE), "09:00", "17:00"),),
)
FOLLOW_UP = ServiceSpec(
    "Follow-up",
    "physiotherapy",
    ServiceKind.FOLLOW_UP,
    minutes=30,
    price="85.00",
    tax="physiotherapy",
    qualifications=(RegisteredWith("cpo"),),
)
CLINIC = ClinicSpec(
    name="Parts Clinic",
    slug="parts-clinic",
    accounts=(AccountSpec(MANAGER, "Morgan", "Reid", (Role.MANAGER,), "a-long-passphrase-1"),),
    locations=(place("ajax"),),
    practitioners=(PHYSIO,),
    services=(FOLLOW_UP,),
)


def load(**changes: Any):
    return clinic_load(clinic=replace(CLINIC, **changes), today=TODAY)


def nothing_left() -> bool:
    return (
        not any(
            model.objects.exists()
            for model in (Clinic, Location, Practitioner, Registration, WorkingHours, Service)
        )
        and not User.objects.filter(email__endswith="@parts.example").exists()
    )


def test_closures_are_dated_as_written_or_from_the_load_day_and_no_holidays_unless_asked():
    load(
        locations=(
            place(
                "ajax",
                closures=(
                    ClosureSpec(date(2027, 5, 3), date(2027, 5, 7), "Renovation"),
                    ClosureSpec(-2, -2, "Storm"),
                ),
            ),
        )
    )

    assert list(Closure.objects.values_list("first_day", "last_day", "name")) == [
        (date(2027, 3, 8), date(2027, 3, 8), "Storm"),
        (date(2027, 5, 3), date(2027, 5, 7), "Renovation"),
    ]


@pytest.mark.parametrize("holidays_from", [date(2026, 12, 1), -99], ids=["a date", "days back"])
def test_holidays_run_from_the_day_given_to_the_end_of_next_year(holidays_from):
    load(locations=(place("ajax", holidays_from=holidays_from),))
    closed = [(c.first_day, c.name) for c in Closure.objects.order_by("first_day")]

    assert closed == [
        (day, name)
        for year in (2026, 2027, 2028)
        for day, name in ontario_holidays(year)
        if day >= date(2026, 12, 1)
    ]
    assert closed[0] == (date(2026, 12, 25), "Christmas Day")
    assert closed[-1] == (date(2028, 12, 26), "Boxing Day")


def test_a_travel_time_is_stored_once_whichever_way_it_is_written():
    load(
        locations=(place("ajax"), place("whitby")),
        travel=(TravelSpec("whitby", "ajax", 35),),
    )
    row = TravelTime.objects.select_related("location_a", "location_b").get()

    assert (row.location_a.slug, row.location_b.slug, row.minutes) == ("ajax", "whitby", 35)


def test_a_travel_time_from_a_location_to_itself_is_refused_and_nothing_is_left():
    with pytest.raises(ClinicError) as refused:
        load(travel=(TravelSpec("ajax", "ajax", 20),))

    assert refused.value.code == ClinicErrorCode.SAME_LOCATION
    assert nothing_left()


def test_each_location_gets_its_own_rooms_of_their_kinds():
    load(
        locations=(
            place("ajax", resources=(ResourceSpec("gym", "Gym"),)),
            place("whitby", resources=(ResourceSpec("treatment-room", "Room 1"),)),
        )
    )

    assert sorted(Resource.objects.values_list("location__slug", "kind__slug", "name")) == [
        ("ajax", "gym", "Gym"),
        ("whitby", "treatment-room", "Room 1"),
    ]


def test_time_off_runs_from_midnight_to_midnight_in_the_clinics_time_zone():
    # Over the night the clocks go forward: the day away is 23 hours long.
    away = replace(PHYSIO, time_off=(TimeOffSpec(date(2027, 3, 14), 1, "Move"), TimeOffSpec(5, 2)))
    load(practitioners=(away,))
    spring, course = TimeOff.objects.order_by("starts_at")

    assert spring.starts_at == datetime(2027, 3, 14, tzinfo=TORONTO)
    assert spring.ends_at - spring.starts_at == timedelta(hours=23)
    assert spring.reason == "Move"
    assert course.starts_at == datetime(2027, 3, 15, tzinfo=TORONTO)
    assert course.ends_at == datetime(2027, 3, 17, tzinfo=TORONTO)


def test_groups_and_page_texts_keep_their_words_and_the_order_they_are_listed_in():
    load(
        groups=(
            ServiceGroupSpec("massage-therapy", "Massage", "Muscles.", "Tight ones.", "A sheet."),
            ServiceGroupSpec("physiotherapy", "Physiotherapy", "Movement."),
        ),
        page_texts=(PageTextSpec("about", "About us", "Small and friendly."),),
        services=(replace(FOLLOW_UP, group="physiotherapy"),),
    )

    groups = ServiceGroup.objects.order_by("display_order")
    assert [(g.slug, g.display_order) for g in groups] == [
        ("massage-therapy", 0),
        ("physiotherapy", 1),
    ]
    assert (groups[0].summary, groups[0].who_it_helps, groups[0].what_to_expect) == (
        "Muscles.",
        "Tight ones.",
        "A sheet.",
    )
    assert PageText.objects.get(slug="about").body == "Small and friendly."
    assert Service.objects.get().group == groups[1]


def test_staff_accounts_get_their_roles_and_sign_in_only_with_a_password_given():
    loaded = load(
        accounts=(
            *CLINIC.accounts,
            AccountSpec("desk@parts.example", "Sam", roles=(Role.FRONT_DESK,), password=None),
        )
    )
    assert loaded is not None
    manager, desk = loaded.accounts[MANAGER], loaded.accounts["desk@parts.example"]
    robin = loaded.practitioners["robin-physio"].user

    assert (roles_of(manager.pk), manager.is_staff) == ({Role.MANAGER}, True)
    assert manager.check_password("a-long-passphrase-1")
    assert (roles_of(desk.pk), desk.is_staff) == ({Role.FRONT_DESK}, False)
    assert not desk.has_usable_password()  # until they set one through a link
    assert (roles_of(robin.pk), robin.email) == ({Role.PRACTITIONER}, "robin@parts.example")
    assert not robin.has_usable_password()


def test_a_password_too_weak_for_the_clinic_is_refused_and_nothing_is_left():
    weak = AccountSpec("desk@parts.example", roles=(Role.FRONT_DESK,), password="12345")

    with pytest.raises(AccountsError):
        load(accounts=(*CLINIC.accounts, weak))

    assert nothing_left()


def test_days_are_counted_from_the_load_day_where_a_number_is_written():
    robin = replace(
        PHYSIO,
        registrations=(
            RegistrationSpec(
                "cpo", "PT-77", valid_from=-100, valid_until=30, verified_on=-3, verified_by=MANAGER
            ),
        ),
        shifts=(ShiftSpec("ajax", (MON,), "09:00", "12:00", effective_from=7, effective_until=70),),
    )
    load(practitioners=(robin,))
    registration = Registration.objects.get()
    shift = WorkingHours.objects.get()

    assert (registration.valid_from, registration.valid_until, registration.verified_on) == (
        TODAY - timedelta(days=100),
        TODAY + timedelta(days=30),
        TODAY - timedelta(days=3),
    )
    assert (shift.effective_from, shift.effective_until) == (
        date(2027, 3, 17),
        date(2027, 5, 19),
    )
    assert (shift.starts, shift.ends) == (time(9), time(12))


def test_an_account_written_with_capitals_is_the_same_account():
    robin = replace(
        PHYSIO,
        registrations=(
            RegistrationSpec("cpo", "PT-77", -100, verified_on=-1, verified_by=MANAGER.upper()),
        ),
    )
    loaded = load(practitioners=(robin,))

    assert loaded is not None
    assert Registration.objects.get().verified_by == loaded.accounts[MANAGER]


def test_an_inactive_service_needs_nobody_qualified_yet():
    pelvic = replace(
        FOLLOW_UP,
        name="Pelvic floor follow-up",
        qualifications=(RegisteredWith("cpo", ("internal-pelvic",)),),
        active=False,
    )
    loaded = load(services=(FOLLOW_UP, pelvic))

    assert loaded is not None
    assert loaded.services["pelvic-floor-follow-up"].active is False


def mistake(part: str, **changes: Any) -> ClinicSpec:
    """CLINIC with one of its parts changed."""
    if part == "practitioner":
        return replace(CLINIC, practitioners=(replace(PHYSIO, **changes),))
    if part == "registration":
        registration = replace(PHYSIO.registrations[0], **changes)
        return replace(CLINIC, practitioners=(replace(PHYSIO, registrations=(registration,)),))
    if part == "service":
        return replace(CLINIC, services=(replace(FOLLOW_UP, **changes),))
    return replace(CLINIC, **changes)


@pytest.mark.parametrize(
    ("description", "name"),
    [
        (mistake("registration", college="cpso"), "cpso"),
        (mistake("registration", rosters=("dry-needling",)), "dry-needling"),
        (mistake("registration", class_name="Indepedent Practice"), "Indepedent Practice"),
        (mistake("registration", verified_by="nobody@parts.example"), "nobody@parts.example"),
        (mistake("practitioner", disciplines=("chiropractic",)), "chiropractic"),
        (
            mistake("practitioner", shifts=(ShiftSpec("oshawa", (MON,), "09:00", "12:00"),)),
            "oshawa",
        ),
        (mistake("service", discipline="osteopathy"), "osteopathy"),
        (mistake("service", tax="hst-exempt"), "hst-exempt"),
        (mistake("service", group="rehab"), "rehab"),
        (mistake("service", resource_kinds=("pool",)), "pool"),
        (mistake("service", qualifications=(RegisteredWith("cmo"),)), "cmo"),
        (
            mistake("clinic", locations=(place("ajax", resources=(ResourceSpec("sauna", "S"),)),)),
            "sauna",
        ),
        (mistake("clinic", travel=(TravelSpec("ajax", "pickering", 30),)), "pickering"),
    ],
    ids=[
        "college",
        "roster",
        "class",
        "checked by",
        "discipline",
        "shift location",
        "service discipline",
        "tax category",
        "service group",
        "room kind needed",
        "qualifying college",
        "room kind",
        "travel location",
    ],
)
def test_a_name_the_database_does_not_know_raises_lookup_error_and_leaves_nothing(
    description, name
):
    with pytest.raises(LookupError, match=name):
        clinic_load(clinic=description, today=TODAY)

    assert nothing_left()


def test_a_clinic_is_known_by_its_slug_and_a_changed_description_changes_nothing():
    load()
    users = User.objects.count()

    again = load(
        name="Parts Clinic (renamed)",
        locations=(place("ajax"), place("whitby")),
        services=(replace(FOLLOW_UP, price="95.00"),),
    )

    assert again is None
    assert Clinic.objects.get().name == "Parts Clinic"
    assert list(Location.objects.values_list("slug", flat=True)) == ["ajax"]
    assert str(Service.objects.get().price) == "85.00"
    assert User.objects.count() == users
