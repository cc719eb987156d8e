"""Builders for tests: clinic configuration made through the real services.

Each builder takes only what a test cares about and fills the rest with plain values.
The colleges, disciplines, resource kinds and tax categories come from the reference
data migration.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from decimal import Decimal
from itertools import count

from django.utils.text import slugify

from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create
from rehabdesk.clinic import services
from rehabdesk.clinic.choices import ServiceKind, Weekday
from rehabdesk.clinic.models import (
    Authorization,
    Clinic,
    Discipline,
    Location,
    Practitioner,
    Registration,
    RegistrationClass,
    Regulator,
    ResourceKind,
    Service,
    TaxCategory,
    WorkingHours,
)

TODAY = date(2027, 3, 10)  # a Wednesday, four days before Toronto's clocks go forward
LONG_AGO = date(2020, 1, 1)
_serial = count(1)


def hm(text: str) -> time:
    return time.fromisoformat(text)


def weekdays_open(opens: str = "08:00", closes: str = "20:00") -> list[services.WeeklySpan]:
    return [
        services.WeeklySpan(day, hm(opens), hm(closes))
        for day in (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY)
    ] + [services.WeeklySpan(Weekday.FRIDAY, hm(opens), hm(closes))]


def make_clinic(name: str = "Test Clinic") -> Clinic:
    return services.configuration_save(instance=Clinic(name=name, slug=slugify(name)))


def make_location(
    clinic: Clinic,
    name: str,
    *,
    time_zone: str = "America/Toronto",
    hours: Sequence[services.WeeklySpan] | None = None,
) -> Location:
    location = services.location_save(
        location=Location(
            clinic=clinic,
            name=name,
            slug=slugify(name),
            street_address="1 Sample Road",
            city=name,
            postal_code="A1A 1A1",
            phone="905-555-0100",
            time_zone=time_zone,
        )
    )
    services.location_set_opening_hours(
        location=location, hours=weekdays_open() if hours is None else hours, today=TODAY
    )
    return location


def make_practitioner(
    name: str, *, disciplines: Sequence[str] = ("physiotherapy",)
) -> Practitioner:
    first, _, last = name.partition(" ")
    user = user_create(
        email=f"{slugify(name)}-{next(_serial)}@clinic.example",
        password=None,
        first_name=first,
        last_name=last,
        roles=[Role.PRACTITIONER],
    )
    return services.practitioner_save(
        practitioner=Practitioner(
            user=user, display_name=name, slug=f"{slugify(name)}-{next(_serial)}"
        ),
        disciplines=Discipline.objects.filter(slug__in=disciplines),
    )


def regulator(slug: str) -> Regulator:
    return Regulator.objects.get(slug=slug)


def rosters(college: str, *codes: str) -> list[Authorization]:
    return list(Authorization.objects.filter(regulator__slug=college, code__in=codes))


def make_registration(
    practitioner: Practitioner,
    college: str = "cpo",
    *,
    valid_from: date = LONG_AGO,
    valid_until: date | None = None,
    class_name: str | None = None,
    roster_codes: Sequence[str] = (),
    number: str | None = None,
) -> Registration:
    college_row = regulator(college)
    classes = RegistrationClass.objects.filter(regulator=college_row)
    registration_class = (
        classes.get(name=class_name) if class_name else classes.filter(permits_practice=True)[0]
    )
    return services.registration_save(
        registration=Registration(
            practitioner=practitioner,
            regulator=college_row,
            registration_number=number or f"T-{next(_serial)}",
            registration_class=registration_class,
            valid_from=valid_from,
            valid_until=valid_until,
        ),
        authorizations=rosters(college, *roster_codes),
    )


def make_shift(
    practitioner: Practitioner,
    location: Location,
    weekday: int,
    starts: str,
    ends: str,
    *,
    effective_from: date = LONG_AGO,
    effective_until: date | None = None,
    breaks: Sequence[tuple[str, str]] = (),
) -> WorkingHours:
    return services.working_hours_save(
        working_hours=WorkingHours(
            practitioner=practitioner,
            location=location,
            weekday=weekday,
            starts=hm(starts),
            ends=hm(ends),
            effective_from=effective_from,
            effective_until=effective_until,
        ),
        breaks=[services.TimeSpan(hm(a), hm(b)) for a, b in breaks],
    )


def qualification(college: str, *roster_codes: str) -> services.QualificationSpec:
    return services.QualificationSpec(
        regulator(college), frozenset(rosters(college, *roster_codes))
    )


def make_service(
    name: str,
    *,
    discipline: str = "physiotherapy",
    qualifications: Sequence[services.QualificationSpec] | None = None,
    price: str = "85.00",
    tax: str = "physiotherapy",
    minutes: int = 30,
    resource_kinds: Sequence[str] = (),
    active: bool = True,
    on: date = TODAY,
) -> Service:
    return services.service_save(
        service=Service(
            discipline=Discipline.objects.get(slug=discipline),
            name=name,
            slug=slugify(name),
            kind=ServiceKind.TREATMENT,
            duration_minutes=minutes,
            price=Decimal(price),
            tax_category=TaxCategory.objects.get(code=tax),
            active=active,
        ),
        on=on,
        resource_kinds=ResourceKind.objects.filter(slug__in=resource_kinds),
        qualifications=[qualification("cpo")] if qualifications is None else qualifications,
    )
