"""What the datasets are made of: the demo clinic with a fully booked physiotherapist,
and a ten-location clinic with a hundred practitioners and about 170,000 appointments.

Everything is written through the same services the product uses (clinic, accounts,
patients, scheduling.history), so the data obeys every rule the product enforces.
Imported only in a child process, after Django is set up (bench/datasets.py).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create
from rehabdesk.clinic import services
from rehabdesk.clinic.holidays import ontario_holidays
from rehabdesk.clinic.models import (
    Authorization,
    Clinic,
    Closure,
    Discipline,
    Location,
    Practitioner,
    Registration,
    RegistrationClass,
    Regulator,
    Resource,
    ResourceKind,
    Service,
    TaxCategory,
    TimeOff,
    WorkingHours,
)
from rehabdesk.demo.clinic import EMAIL_DOMAIN as DEMO_DOMAIN
from rehabdesk.demo.clinic import SERVICES, DemoService, load_demo
from rehabdesk.demo.history import AREA, FIRST, LAST, load_history
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import patients_import
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.history import Offering, Planned, appointments_import, plan_calendar

# The service the availability cases search for, and the fully booked practitioner.
FOLLOW_UP = "physiotherapy-follow-up-30-minutes"
FULLY_BOOKED = "fully-booked"
FULLY_BOOKED_DAYS = 60

MON, TUE, WED, THU, FRI, SAT = range(6)
WEEKDAYS = (MON, TUE, WED, THU, FRI)


def _t(text: str) -> time:
    return time.fromisoformat(text)


# -- the fully booked physiotherapist (both datasets) ---------------------------------


def add_fully_booked(
    *,
    location: Location,
    verifier: User,
    actor: User,
    patients: Sequence[int],
    now: datetime,
    seed: int,
) -> Practitioner:
    """A physiotherapist working weekdays 08:00–16:00 at `location` whose next
    FULLY_BOOKED_DAYS days are booked solid with 30-minute follow-ups (nothing cancelled,
    nothing missed), so their first free time comes after that. Called before anyone
    else's future is planned there, so a treatment room is free for every one of them."""
    today = timezone.localdate(now)
    practitioner = _practitioner(
        first="Fully",
        last="Booked",
        slug=FULLY_BOOKED,
        email=f"fully.booked@{location.clinic.slug}.example",
        discipline="physiotherapy",
        designation="PT",
    )
    _registration(practitioner, "cpo", "BENCH-PT-FULL", today, -900, 400, verifier)
    for weekday in WEEKDAYS:
        _shift(practitioner, location, weekday, ("08:00", "16:00", ("12:00", "12:30")), today)
    rng = random.Random(seed)  # noqa: S311 - seeded sample data
    planned = plan_calendar(
        location=location,
        offerings={practitioner.pk: [Offering(Service.objects.get(slug=FOLLOW_UP), 1.0)]},
        patients={practitioner.pk: patients},
        first_day=today,
        last_day=today + timedelta(days=FULLY_BOOKED_DAYS),
        now=now,
        occupancy=1.0,
        rng=rng,
    )
    # plan_calendar cancels a few and marks a few no-shows, which would free their time.
    solid = [_kept(item, now) for item in planned]
    appointments_import(planned=solid, now=now, actor=actor)
    return practitioner


def _kept(item: Planned, now: datetime) -> Planned:
    status = AppointmentStatus.BOOKED if item.start >= now else AppointmentStatus.FULFILLED
    return replace(item, status=status)


# -- two-clinic: the demo clinic --------------------------------------------------------


def build_two_clinic(today: date) -> bool:
    """The demo clinic as `load_demo` makes it (two years of history, 90 days ahead),
    with a fully booked physiotherapist at Pickering, booked before the history is."""
    now = timezone.now()
    with transaction.atomic():
        if not load_demo(now=now, history_days=0, future_days=0).created:
            return False
        front_desk = User.objects.get(email=f"frontdesk.pickering@{DEMO_DOMAIN}")
        add_fully_booked(
            location=Location.objects.select_related("clinic").get(slug="pickering"),
            verifier=User.objects.get(email=f"manager@{DEMO_DOMAIN}"),
            actor=front_desk,
            # The demo's own patients: the history's are created with the history.
            patients=list(Patient.objects.values_list("pk", flat=True)),
            now=now,
            seed=60,
        )
        load_history(front_desk=front_desk, now=now)
    return True


# -- ten-location ---------------------------------------------------------------------

TEN_SLUG = "bench-ten-locations"
TEN_DOMAIN = "tenlocations.example"
# The front desk signs in with this to book (the booking-contention case).
TEN_PASSWORD = "rehabdesk-bench"  # noqa: S105 - a throw-away bench account
TEN_FRONT_DESK = f"frontdesk@{TEN_DOMAIN}"
TEN_TOWNS = (
    "Ajax",
    "Whitby",
    "Oshawa",
    "Markham",
    "Richmond Hill",
    "Vaughan",
    "Brampton",
    "Mississauga",
    "Oakville",
    "Burlington",
)
PHYSIOTHERAPISTS = 70
MASSAGE_THERAPISTS = 30
PATIENTS = 4000
PANEL = 180
# Chosen to land near 170,000 appointments: the rooms (three treatment rooms, one
# massage room per location) are what limits how many fit in a day.
HISTORY_DAYS = 490
FUTURE_DAYS = 90
OCCUPANCY = 0.97
# Two in ten at each location (a physiotherapist and a massage therapist) work at the
# next location on Tuesdays and Thursdays.
SPLIT_EVERY = 5
# (starts, ends, lunch): three shift patterns, so a location is staffed 08:00–20:00.
PATTERNS = (
    ("08:00", "16:00", ("12:00", "12:30")),
    ("10:00", "18:00", ("13:00", "13:30")),
    ("12:00", "20:00", ("16:00", "16:30")),
)
# Only what the ten locations have rooms for: treatment rooms and massage rooms.
MIX = {
    "physiotherapy": {
        "physiotherapy-follow-up-30-minutes": 5,
        "physiotherapy-follow-up-45-minutes": 3,
        "physiotherapy-initial-assessment": 2,
        "acupuncture-treatment": 1,
    },
    "massage-therapy": {
        "massage-therapy-30-minutes": 1,
        "massage-therapy-45-minutes": 3,
        "massage-therapy-60-minutes": 4,
        "massage-therapy-90-minutes": 1,
    },
}


@dataclass(frozen=True)
class _Person:
    index: int
    discipline: str
    home: int
    pattern: tuple[str, str, tuple[str, str]]

    @property
    def physio(self) -> bool:
        return self.discipline == "physiotherapy"

    @property
    def away(self) -> int | None:
        """The second location, Tuesdays and Thursdays, for one in SPLIT_EVERY."""
        if (self.index // len(TEN_TOWNS)) % SPLIT_EVERY == SPLIT_EVERY - 1:
            return (self.home + 1) % len(TEN_TOWNS)
        return None

    def location_on(self, weekday: int) -> int:
        away = self.away
        return away if away is not None and weekday in (TUE, THU) else self.home


def _team() -> list[_Person]:
    people = []
    for index in range(PHYSIOTHERAPISTS + MASSAGE_THERAPISTS):
        physio = index < PHYSIOTHERAPISTS
        people.append(
            _Person(
                index=index,
                discipline="physiotherapy" if physio else "massage-therapy",
                home=index % len(TEN_TOWNS),
                pattern=PATTERNS[(index // len(TEN_TOWNS)) % len(PATTERNS)],
            )
        )
    return people


def build_ten_location(today: date) -> bool:
    """One clinic, ten locations, 100 practitioners, 4,000 patients and about 170,000
    appointments (HISTORY_DAYS back, FUTURE_DAYS ahead), plus a fully booked
    physiotherapist at the first location (booked before anyone else's calendar)."""
    if Clinic.objects.filter(slug=TEN_SLUG).exists():
        return False
    now = timezone.now()
    first_day = today - timedelta(days=HISTORY_DAYS)
    with transaction.atomic():
        clinic = services.configuration_save(
            instance=Clinic(
                name="Ten Locations Rehab",
                slug=TEN_SLUG,
                phone="905-555-0300",
                email=f"hello@{TEN_DOMAIN}",
            )
        )
        manager = user_create(email=f"manager@{TEN_DOMAIN}", password=None, roles=[Role.MANAGER])
        front_desk = user_create(
            email=TEN_FRONT_DESK,
            password=TEN_PASSWORD,
            first_name="Frankie",
            last_name="Desk",
            roles=[Role.FRONT_DESK],
        )
        locations = _ten_locations(clinic, today, first_day)
        team = _team()
        practitioners = {
            person.index: _ten_practitioner(person, locations, manager, today, first_day)
            for person in team
        }
        offered = _ten_services(today)
        rng = random.Random(2027)  # noqa: S311 - seeded sample data
        pool = [p.pk for p in patients_import(actor=front_desk, patients=_patients(rng, today))]
        offerings = {
            practitioners[person.index].pk: [
                Offering(offered[slug], weight)
                for slug, weight in MIX[person.discipline].items()
                if slug in offered
            ]
            for person in team
        }
        panels = {pk: rng.sample(pool, PANEL) for pk in offerings}
        add_fully_booked(
            location=locations[0],
            verifier=manager,
            actor=front_desk,
            patients=rng.sample(pool, PANEL),
            now=now,
            seed=61,
        )
        for location in locations:
            # A month at a time: each plan reads only its own month's calendar.
            month_start = first_day
            last_day = today + timedelta(days=FUTURE_DAYS)
            while month_start <= last_day:
                month_end = min(month_start + timedelta(days=30), last_day)
                planned = plan_calendar(
                    location=location,
                    offerings=offerings,
                    patients=panels,
                    first_day=month_start,
                    last_day=month_end,
                    now=now,
                    occupancy=OCCUPANCY,
                    rng=rng,
                )
                appointments_import(planned=planned, now=now, actor=front_desk)
                month_start = month_end + timedelta(days=1)
    return True


def _ten_locations(clinic: Clinic, today: date, first_day: date) -> list[Location]:
    kinds = {kind.slug: kind for kind in ResourceKind.objects.all()}
    hours = [services.WeeklySpan(d, _t("08:00"), _t("20:00")) for d in WEEKDAYS]
    hours.append(services.WeeklySpan(SAT, _t("09:00"), _t("15:00")))
    rooms = [("treatment-room", f"Treatment room {n}") for n in (1, 2, 3)]
    rooms.append(("massage-room", "Massage room"))
    locations = []
    for number, town in enumerate(TEN_TOWNS):
        location = services.location_save(
            location=Location(
                clinic=clinic,
                slug=slugify(town),
                name=town,
                street_address=f"{100 + number} Sample Road",
                city=town,
                postal_code="L1V 0A1",
                phone=f"905-555-03{number:02d}",
                email=f"{slugify(town)}@{TEN_DOMAIN}",
                time_zone="America/Toronto",
            )
        )
        services.location_set_opening_hours(location=location, hours=hours, today=today)
        for kind, name in rooms:
            services.configuration_save(
                instance=Resource(location=location, kind=kinds[kind], name=name)
            )
        for year in range(first_day.year, today.year + 2):
            for day, holiday in ontario_holidays(year):
                if day >= first_day:
                    services.closure_save(
                        closure=Closure(
                            location=location, first_day=day, last_day=day, name=holiday
                        )
                    )
        locations.append(location)
    # Before anyone has hours: then no shift needs checking against a new travel time.
    for a, first in enumerate(locations):
        for b in range(a + 1, len(locations)):
            services.travel_time_set(
                location_a=first,
                location_b=locations[b],
                minutes=min(90, 15 + 10 * (b - a)),
                today=today,
            )
    return locations


def _ten_practitioner(
    person: _Person, locations: list[Location], verifier: User, today: date, first_day: date
) -> Practitioner:
    rng = random.Random(person.index)  # noqa: S311 - seeded sample data
    first, last = rng.choice(FIRST), rng.choice(LAST)
    practitioner = _practitioner(
        first=first,
        last=last,
        slug=f"{first}-{last}-{person.index}".lower(),
        email=f"practitioner{person.index:03d}@{TEN_DOMAIN}",
        discipline=person.discipline,
        designation="PT" if person.physio else "RMT",
    )
    college, prefix = ("cpo", "PT") if person.physio else ("cmto", "RMT")
    rosters = ("acupuncture",) if person.physio and person.index % 7 == 0 else ()
    registered = (today - first_day).days + rng.randint(30, 3000)
    _registration(
        practitioner,
        college,
        f"BENCH-{prefix}-{person.index:05d}",
        today,
        -registered,
        rng.randint(120, 400),
        verifier,
        rosters,
    )
    for weekday in WEEKDAYS:
        _shift(
            practitioner,
            locations[person.location_on(weekday)],
            weekday,
            person.pattern,
            first_day,
        )
    # A week's holiday ahead for one in eleven.
    if person.index % 11 == 3:
        start = datetime.combine(
            today + timedelta(days=20 + person.index % 40), time(0), tzinfo=locations[0].zone
        )
        services.time_off_save(
            time_off=TimeOff(
                practitioner=practitioner,
                starts_at=start,
                ends_at=start + timedelta(days=7),
                reason="Vacation",
            )
        )
    return practitioner


def _ten_services(today: date) -> dict[str, Service]:
    """The demo's services that the ten locations have rooms for."""
    rooms = {"treatment-room", "massage-room"}
    return {
        service.slug: service
        for service in (_service(data, today) for data in SERVICES if set(data.resources) <= rooms)
    }


def _patients(rng: random.Random, today: date) -> list[Patient]:
    patients = []
    for index in range(PATIENTS):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        patients.append(
            Patient(
                first_name=first,
                last_name=last,
                date_of_birth=today - timedelta(days=rng.randint(6 * 365, 88 * 365)),
                phone=f"{rng.choice(AREA)}-555-{index % 10000:04d}",
                email=f"{first.lower()}.{last.lower()}.{index}@mail.example",
                city=rng.choice(TEN_TOWNS),
            )
        )
    return patients


# -- small builders, through the services ---------------------------------------------


def _practitioner(
    *, first: str, last: str, slug: str, email: str, discipline: str, designation: str
) -> Practitioner:
    # No password: practitioners never sign in here, and hashing 100 would take a minute.
    user = user_create(
        email=email, password=None, first_name=first, last_name=last, roles=[Role.PRACTITIONER]
    )
    return services.practitioner_save(
        practitioner=Practitioner(
            user=user, display_name=f"{first} {last}, {designation}", slug=slug
        ),
        disciplines=Discipline.objects.filter(slug=discipline),
    )


def _registration(
    practitioner: Practitioner,
    college: str,
    number: str,
    today: date,
    from_days: int,
    until_days: int,
    verifier: User,
    rosters: tuple[str, ...] = (),
) -> None:
    regulator = Regulator.objects.get(slug=college)
    class_name = "Independent Practice" if college == "cpo" else "General"
    services.registration_save(
        registration=Registration(
            practitioner=practitioner,
            regulator=regulator,
            registration_number=number,
            registration_class=RegistrationClass.objects.get(regulator=regulator, name=class_name),
            valid_from=today + timedelta(days=from_days),
            valid_until=today + timedelta(days=until_days),
            verified_on=today - timedelta(days=20),
            verified_by=verifier,
        ),
        authorizations=Authorization.objects.filter(regulator=regulator, code__in=rosters),
    )


def _shift(
    practitioner: Practitioner,
    location: Location,
    weekday: int,
    pattern: tuple[str, str, tuple[str, str]],
    effective_from: date,
) -> None:
    starts, ends, (lunch_starts, lunch_ends) = pattern
    services.working_hours_save(
        working_hours=WorkingHours(
            practitioner=practitioner,
            location=location,
            weekday=weekday,
            starts=_t(starts),
            ends=_t(ends),
            effective_from=effective_from,
        ),
        breaks=[services.TimeSpan(_t(lunch_starts), _t(lunch_ends))],
    )


def _service(data: DemoService, today: date) -> Service:
    """One of the demo's services, saved as rehabdesk/demo/clinic.py saves it."""
    regulators = {r.slug: r for r in Regulator.objects.all()}
    return services.service_save(
        service=Service(
            discipline=Discipline.objects.get(slug=data.discipline),
            name=data.name,
            slug=slugify(data.name),
            kind=data.kind,
            public_description=data.description,
            duration_minutes=data.minutes,
            buffer_after_minutes=data.buffer,
            price=Decimal(data.price),
            tax_category=TaxCategory.objects.get(code=data.tax),
            online_bookable=data.online,
            patient_eligibility=data.eligibility,
            display_order=SERVICES.index(data),
        ),
        on=today,
        resource_kinds=ResourceKind.objects.filter(slug__in=data.resources),
        qualifications=[
            services.QualificationSpec(
                regulators[college],
                frozenset(
                    Authorization.objects.filter(regulator=regulators[college], code__in=rosters)
                ),
            )
            for college, rosters in data.qualifications
        ],
    )
