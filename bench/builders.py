"""What the datasets are made of: the demo clinic with a fully booked physiotherapist,
a ten-location clinic with a hundred practitioners and about 170,000 appointments, and
one location with fifty practitioners, its calendar empty or five visits a day each.

Each clinic is a description (rehabdesk/clinic/description.py) created by the clinic's
loader through the services the product uses, so the data obeys every rule the product
enforces; patients go through the patients' services, and calendars are planned from
the availability engine's slots and imported in bulk under the database's guards
(rehabdesk/demo/calendars.py). Imported only in a child process, after Django is set up
(bench/datasets.py).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from bench.care_cases import long_chart_top_up
from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role
from rehabdesk.availability.intervals import wall_clock_instant
from rehabdesk.clinic.choices import ServiceKind
from rehabdesk.clinic.description import (
    SAT,
    THU,
    TUE,
    WEEKDAYS,
    AccountSpec,
    ClinicSpec,
    Hours,
    LocationSpec,
    PractitionerSpec,
    RegisteredWith,
    RegistrationSpec,
    ResourceSpec,
    ServiceSpec,
    ShiftSpec,
    TimeOffSpec,
    TravelSpec,
    resources,
)
from rehabdesk.clinic.loading import LoadedClinic, clinic_load, practitioner_load
from rehabdesk.clinic.models import Clinic, Location, Practitioner, Service
from rehabdesk.clinic.services import configuration_save
from rehabdesk.demo.billing import billing_setup, books_load
from rehabdesk.demo.calendars import Offering, Planned, appointments_import, plan_calendar
from rehabdesk.demo.care import load_demo_notes
from rehabdesk.demo.clinic import CLINIC_SLUG as DEMO_CLINIC_SLUG
from rehabdesk.demo.clinic import FRONT_DESK as DEMO_FRONT_DESK
from rehabdesk.demo.clinic import FRONT_DESK_MILTON as DEMO_FRONT_DESK_MILTON
from rehabdesk.demo.clinic import MANAGER as DEMO_MANAGER
from rehabdesk.demo.clinic import PRACTITIONERS as DEMO_PRACTITIONERS
from rehabdesk.demo.clinic import SERVICES, demo_desks, load_demo
from rehabdesk.demo.history import AREA, FIRST, LAST, MIX, load_history
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import patients_import
from rehabdesk.scheduling.choices import AppointmentStatus, Channel

# The service the availability cases search for, and the fully booked practitioner.
FOLLOW_UP = "physiotherapy-follow-up-30-minutes"
FULLY_BOOKED = "fully-booked"
FULLY_BOOKED_DAYS = 60
LUNCH = ("12:00", "12:30")


# -- the fully booked physiotherapist (both datasets) ---------------------------------


def fully_booked(*, location: Location, verified_by: str) -> PractitionerSpec:
    """A physiotherapist working weekdays 08:00–16:00 at `location` from the day the
    dataset is built."""
    return PractitionerSpec(
        slug=FULLY_BOOKED,
        display_name="Fully Booked, PT",
        email=f"fully.booked@{location.clinic.slug}.example",
        first_name="Fully",
        last_name="Booked",
        registrations=(
            RegistrationSpec(
                "cpo",
                "BENCH-PT-FULL",
                valid_from=-900,
                valid_until=400,
                class_name="Independent Practice",
                verified_on=-20,
                verified_by=verified_by,
            ),
        ),
        shifts=(ShiftSpec(location.slug, WEEKDAYS, "08:00", "16:00", (LUNCH,)),),
    )


def add_fully_booked(
    *,
    location: Location,
    verified_by: str,
    actor: User,
    patients: Sequence[int],
    now: datetime,
    seed: int,
) -> Practitioner:
    """The fully booked physiotherapist, whose next FULLY_BOOKED_DAYS days are booked
    solid with 30-minute follow-ups (nothing cancelled, nothing missed), so their first
    free time comes after that. Called before anyone else's future is planned there, so
    a treatment room is free for every one of them."""
    today = timezone.localdate(now)
    practitioner = practitioner_load(
        practitioner=fully_booked(location=location, verified_by=verified_by), today=today
    )
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


DEMO_PRACTITIONER = DEMO_PRACTITIONERS[0].email
DEMO_DESKS = (DEMO_FRONT_DESK, DEMO_FRONT_DESK_MILTON)


def build_two_clinic(today: date) -> bool:
    """The demo clinic as `load_demo` makes it (two years of history, 90 days ahead,
    the clinical notes), with a fully booked physiotherapist at Pickering, booked before
    the history is, and the demo practitioner's longest chart topped up to 100 signed
    notes (bench/care_cases.py)."""
    now = timezone.now()
    with transaction.atomic():
        if not load_demo(now=now, history_days=0, future_days=0).created:
            return False
        front_desk = User.objects.get(email=DEMO_FRONT_DESK)
        add_fully_booked(
            location=Location.objects.select_related("clinic").get(slug="pickering"),
            verified_by=DEMO_MANAGER,
            actor=front_desk,
            # The demo's own patients: the history's are created with the history.
            patients=list(Patient.objects.values_list("pk", flat=True)),
            now=now,
            seed=60,
        )
        load_history(front_desk=front_desk, now=now)
        load_demo_notes(
            practitioner=Practitioner.objects.get(user__email=DEMO_PRACTITIONER), now=now
        )
        long_chart_top_up(now=now)
        locations = {location.slug: location for location in Location.objects.all()}
        desks = {user.email: user for user in User.objects.filter(email__in=DEMO_DESKS)}
        books_load(
            clinic=Clinic.objects.get(slug=DEMO_CLINIC_SLUG),
            now=now,
            desk=front_desk,
            desks=demo_desks(locations, desks),
        )
    return True


# -- ten-location ---------------------------------------------------------------------

TEN_SLUG = "bench-ten-locations"
TEN_DOMAIN = "tenlocations.example"
TEN_MANAGER = f"manager@{TEN_DOMAIN}"
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
UNBILLED_DAYS = 7
OCCUPANCY = 0.97
# Two in ten at each location (a physiotherapist and a massage therapist) work at the
# next location on Tuesdays and Thursdays.
SPLIT_EVERY = 5
# (starts, ends, lunch): three shift patterns, so a location is staffed 08:00–20:00.
PATTERNS = (
    ("08:00", "16:00", LUNCH),
    ("10:00", "18:00", ("13:00", "13:30")),
    ("12:00", "20:00", ("16:00", "16:30")),
)
ROOMS = (
    *resources("treatment-room", "Treatment room 1", "Treatment room 2", "Treatment room 3"),
    ResourceSpec("massage-room", "Massage room"),
)


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


def ten_location_clinic() -> ClinicSpec:
    """The ten-location clinic, generated from the sizes above and dated in days from
    the day it is built: its hours begin HISTORY_DAYS back."""
    towns = [slugify(town) for town in TEN_TOWNS]
    return ClinicSpec(
        name="Ten Locations Rehab",
        slug=TEN_SLUG,
        phone="905-555-0300",
        email=f"hello@{TEN_DOMAIN}",
        accounts=(
            AccountSpec(TEN_MANAGER, roles=(Role.MANAGER,)),
            AccountSpec(TEN_FRONT_DESK, "Frankie", "Desk", (Role.FRONT_DESK,), TEN_PASSWORD),
        ),
        locations=tuple(_ten_location(number, town) for number, town in enumerate(TEN_TOWNS)),
        travel=tuple(
            TravelSpec(towns[a], towns[b], min(90, 15 + 10 * (b - a)))
            for a in range(len(towns))
            for b in range(a + 1, len(towns))
        ),
        practitioners=tuple(_ten_practitioner(person, towns) for person in _team()),
        # The demo's services that the rooms allow; the ten locations have no public pages.
        services=tuple(
            replace(service, group=None)
            for service in SERVICES
            if set(service.resource_kinds) <= {room.kind for room in ROOMS}
        ),
    )


def _ten_location(number: int, town: str) -> LocationSpec:
    return LocationSpec(
        slug=slugify(town),
        name=town,
        street_address=f"{100 + number} Sample Road",
        city=town,
        postal_code="L1V 0A1",
        phone=f"905-555-03{number:02d}",
        email=f"{slugify(town)}@{TEN_DOMAIN}",
        time_zone="America/Toronto",
        hours=(Hours(WEEKDAYS, "08:00", "20:00"), Hours((SAT,), "09:00", "15:00")),
        resources=ROOMS,
        holidays_from=-HISTORY_DAYS,
    )


def _ten_practitioner(person: _Person, towns: list[str]) -> PractitionerSpec:
    rng = random.Random(person.index)  # noqa: S311 - seeded sample data
    first, last = rng.choice(FIRST), rng.choice(LAST)
    college, prefix, class_name = (
        ("cpo", "PT", "Independent Practice") if person.physio else ("cmto", "RMT", "General")
    )
    starts, ends, lunch = person.pattern
    return PractitionerSpec(
        slug=f"{first}-{last}-{person.index}".lower(),
        display_name=f"{first} {last}, {prefix}",
        email=f"practitioner{person.index:03d}@{TEN_DOMAIN}",
        first_name=first,
        last_name=last,
        disciplines=(person.discipline,),
        registrations=(
            RegistrationSpec(
                college,
                f"BENCH-{prefix}-{person.index:05d}",
                # Registered before the calendar begins.
                valid_from=-(HISTORY_DAYS + rng.randint(30, 3000)),
                valid_until=rng.randint(120, 400),
                class_name=class_name,
                rosters=("acupuncture",) if person.physio and person.index % 7 == 0 else (),
                verified_on=-20,
                verified_by=TEN_MANAGER,
            ),
        ),
        shifts=tuple(
            ShiftSpec(
                towns[person.location_on(weekday)],
                (weekday,),
                starts,
                ends,
                (lunch,),
                effective_from=-HISTORY_DAYS,
            )
            for weekday in WEEKDAYS
        ),
        # A week's holiday ahead for one in eleven.
        time_off=(TimeOffSpec(20 + person.index % 40, 7, "Vacation"),)
        if person.index % 11 == 3
        else (),
    )


def build_ten_location(today: date) -> bool:
    """One clinic, ten locations, 100 practitioners, 4,000 patients and about 170,000
    appointments (HISTORY_DAYS back, FUTURE_DAYS ahead), plus a fully booked
    physiotherapist at the first location (booked before anyone else's calendar)."""
    now = timezone.now()
    first_day = today - timedelta(days=HISTORY_DAYS)
    clinic = ten_location_clinic()
    with transaction.atomic():
        loaded = clinic_load(clinic=clinic, today=today)
        if loaded is None:
            return False
        front_desk = loaded.accounts[TEN_FRONT_DESK]
        locations = list(loaded.locations.values())
        rng = random.Random(2027)  # noqa: S311 - seeded sample data
        pool = [p.pk for p in patients_import(actor=front_desk, patients=_patients(rng, today))]
        # The demo's mix, of the services the ten locations have rooms for.
        offerings = {
            loaded.practitioners[person.slug].pk: [
                Offering(loaded.services[slug], weight)
                for slug, weight in MIX[person.disciplines[0]].items()
                if slug in loaded.services
            ]
            for person in clinic.practitioners
        }
        panels = {pk: rng.sample(pool, PANEL) for pk in offerings}
        add_fully_booked(
            location=locations[0],
            verified_by=TEN_MANAGER,
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
        # The books: every visit invoiced up to the last UNBILLED_DAYS, left for the
        # check-out cases to invoice (bench/billing_cases.py).
        billing_setup(clinic=loaded.clinic)
        books_load(
            clinic=loaded.clinic,
            now=now,
            desk=front_desk,
            unbilled_from=today - timedelta(days=UNBILLED_DAYS),
        )
    return True


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


# -- fifty-free and fifty-booked: one location, fifty practitioners ---------------------

FIFTY_SLUG = "bench-fifty"
FIFTY_DOMAIN = "fifty.example"
FIFTY_MANAGER = f"manager@{FIFTY_DOMAIN}"
FIFTY_LOCATION = "fifty-street"
FIFTY_PRACTITIONERS = 50
# One 60-minute service everyone may deliver, offered on the hour (the clinic's grid),
# so every free time of 14 days fits in one answer (about 4,000 with nothing booked).
FIFTY_SERVICE = "assessment-60-minutes"
FIFTY_STEP_MINUTES = 60
FIFTY_HOURS = ("09:00", "17:00")
# fifty-booked: this many visits per practitioner per working day, from the day it is
# built, for long enough that the 14 days searched stay booked as the dataset ages.
FIFTY_BOOKED_PER_DAY = 5
FIFTY_BOOKED_DAYS = 42


def fifty_clinic() -> ClinicSpec:
    """One location (America/Toronto, weekdays 09:00–17:00, no rooms), fifty
    physiotherapists working all its hours, one 60-minute service that needs no room."""
    starts, ends = FIFTY_HOURS
    return ClinicSpec(
        name="Fifty Practitioners Rehab",
        slug=FIFTY_SLUG,
        accounts=(AccountSpec(FIFTY_MANAGER, roles=(Role.MANAGER,)),),
        locations=(
            LocationSpec(
                slug=FIFTY_LOCATION,
                name="Fifty Street",
                street_address="50 Sample Road",
                city="Pickering",
                postal_code="L1V 0A1",
                phone="905-555-0500",
                time_zone="America/Toronto",
                hours=(Hours(WEEKDAYS, starts, ends),),
            ),
        ),
        practitioners=tuple(
            PractitionerSpec(
                slug=f"fifty-{index:02d}",
                display_name=f"Practitioner {index:02d}, PT",
                email=f"practitioner{index:02d}@{FIFTY_DOMAIN}",
                registrations=(
                    RegistrationSpec(
                        "cpo",
                        f"BENCH-FIFTY-{index:02d}",
                        valid_from=-400,
                        valid_until=400,
                        verified_on=-20,
                        verified_by=FIFTY_MANAGER,
                    ),
                ),
                shifts=(ShiftSpec(FIFTY_LOCATION, WEEKDAYS, starts, ends),),
            )
            for index in range(FIFTY_PRACTITIONERS)
        ),
        services=(
            ServiceSpec(
                "Assessment, 60 minutes",
                "physiotherapy",
                ServiceKind.TREATMENT,
                minutes=60,
                price="120.00",
                tax="physiotherapy",
                qualifications=(RegisteredWith("cpo"),),
            ),
        ),
    )


def build_fifty(today: date, *, booked_per_day: int) -> bool:
    """The fifty-practitioner clinic, its clinic's grid set to the hour; with
    `booked_per_day`, that many visits per practitioner per working day (on the hour,
    at random hours) for FIFTY_BOOKED_DAYS from today."""
    now = timezone.now()
    with transaction.atomic():
        loaded = clinic_load(clinic=fifty_clinic(), today=today)
        if loaded is None:
            return False
        loaded.clinic.slot_step_minutes = FIFTY_STEP_MINUTES
        configuration_save(instance=loaded.clinic)
        if booked_per_day:
            manager = loaded.accounts[FIFTY_MANAGER]
            _fifty_bookings(loaded, manager, today, now, booked_per_day)
    return True


def _fifty_bookings(
    loaded: LoadedClinic, actor: User, today: date, now: datetime, per_day: int
) -> None:
    location = loaded.locations[FIFTY_LOCATION]
    service = loaded.services[FIFTY_SERVICE]
    people = sorted(person.pk for person in loaded.practitioners.values())
    rng = random.Random(50)  # noqa: S311 - seeded sample data
    # The k-th visit of a practitioner's day is with their k-th patient: nobody is
    # in two visits at once.
    patients = patients_import(
        actor=actor,
        patients=[
            Patient(
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                date_of_birth=today - timedelta(days=rng.randint(6 * 365, 88 * 365)),
                phone=f"{rng.choice(AREA)}-555-{index:04d}",
            )
            for index in range(len(people) * per_day)
        ],
    )
    first_hour = time.fromisoformat(FIFTY_HOURS[0]).hour
    hours = range(first_hour, time.fromisoformat(FIFTY_HOURS[1]).hour)
    planned = []
    for offset in range(FIFTY_BOOKED_DAYS):
        day = today + timedelta(days=offset)
        if day.weekday() not in WEEKDAYS:
            continue
        for number, person in enumerate(people):
            for k, hour in enumerate(sorted(rng.sample(hours, per_day))):
                start = wall_clock_instant(day, time(hour), location.zone)
                planned.append(
                    Planned(
                        patient_id=patients[number * per_day + k].pk,
                        practitioner_id=person,
                        service_id=service.pk,
                        location_id=location.pk,
                        start=start,
                        end=start + timedelta(minutes=60),
                        busy_until=start + timedelta(minutes=60),
                        resource_ids=(),
                        status=AppointmentStatus.BOOKED
                        if start >= now
                        else AppointmentStatus.FULFILLED,
                        channel=Channel.PHONE,
                    )
                )
    appointments_import(planned=planned, now=now, actor=actor)
