"""Builders for tests: one part of a clinic at a time, through the clinic's loader.

Each builder takes only what a test cares about, fills the rest with plain values, and
hands the part to `clinic.loading`, which creates it through the real services — the
same code that loads the demo clinic and the benchmark datasets. The colleges,
disciplines, resource kinds and tax categories come from the reference data migration.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from datetime import date, time
from itertools import count

from django.utils.text import slugify

from rehabdesk.clinic import loading, services
from rehabdesk.clinic.choices import ServiceKind
from rehabdesk.clinic.description import (
    WEEKDAYS,
    ClinicSpec,
    Hours,
    LocationSpec,
    PractitionerSpec,
    RegisteredWith,
    RegistrationSpec,
    ServiceSpec,
    ShiftSpec,
)
from rehabdesk.clinic.models import (
    Authorization,
    Clinic,
    Location,
    Practitioner,
    Registration,
    Regulator,
    Service,
    WorkingHours,
)

TODAY = date(2027, 3, 10)  # a Wednesday, four days before Toronto's clocks go forward
LONG_AGO = date(2020, 1, 1)
_serial = count(1)


def hm(text: str) -> time:
    return time.fromisoformat(text)


def weekdays_open(opens: str = "08:00", closes: str = "20:00") -> list[services.WeeklySpan]:
    return [services.WeeklySpan(day, hm(opens), hm(closes)) for day in WEEKDAYS]


def sample_location(
    name: str,
    *,
    time_zone: str = "America/Toronto",
    hours: Sequence[services.WeeklySpan] | None = None,
) -> LocationSpec:
    """A location called `name`, open weekdays 08:00–20:00 unless `hours` say otherwise."""
    return LocationSpec(
        slug=slugify(name),
        name=name,
        street_address="1 Sample Road",
        city=name,
        postal_code="A1A 1A1",
        phone="905-555-0100",
        time_zone=time_zone,
        hours=tuple(
            Hours((span.weekday,), f"{span.opens:%H:%M}", f"{span.closes:%H:%M}")
            for span in (weekdays_open() if hours is None else hours)
        ),
    )


def sample_practitioner(
    name: str,
    *,
    disciplines: Sequence[str] = ("physiotherapy",),
    password: str | None = None,
    registrations: Sequence[RegistrationSpec] = (),
) -> PractitionerSpec:
    """A practitioner called `name` ("First Last"), with a slug and address of their own."""
    first, _, last = name.partition(" ")
    return PractitionerSpec(
        slug=f"{slugify(name)}-{next(_serial)}",
        display_name=name,
        email=f"{slugify(name)}-{next(_serial)}@clinic.example",
        first_name=first,
        last_name=last,
        password=password,
        disciplines=tuple(disciplines),
        registrations=tuple(registrations),
    )


def make_clinic(name: str = "Test Clinic") -> Clinic:
    loaded = loading.clinic_load(clinic=ClinicSpec(name=name, slug=slugify(name)), today=TODAY)
    assert loaded is not None, f"a clinic called {name} is there already"
    return loaded.clinic


def make_location(
    clinic: Clinic,
    name: str,
    *,
    time_zone: str = "America/Toronto",
    hours: Sequence[services.WeeklySpan] | None = None,
) -> Location:
    return loading.location_load(
        clinic=clinic,
        location=sample_location(name, time_zone=time_zone, hours=hours),
        today=TODAY,
    )


def make_practitioner(
    name: str, *, disciplines: Sequence[str] = ("physiotherapy",), password: str | None = None
) -> Practitioner:
    return loading.practitioner_load(
        practitioner=sample_practitioner(name, disciplines=disciplines, password=password),
        today=TODAY,
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
    return loading.registration_load(
        practitioner=practitioner,
        registration=RegistrationSpec(
            college=college,
            number=number or f"T-{next(_serial)}",
            valid_from=valid_from,
            valid_until=valid_until,
            class_name=class_name,
            rosters=tuple(roster_codes),
        ),
        today=TODAY,
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
    (shift,) = loading.working_hours_load(
        practitioner=practitioner,
        shift=ShiftSpec(
            location.slug,
            (weekday,),
            starts,
            ends,
            tuple(breaks),
            effective_from=effective_from,
            effective_until=effective_until,
        ),
        today=TODAY,
    )
    return shift


def qualification(college: str, *roster_codes: str) -> services.QualificationSpec:
    return loading.qualification_spec(RegisteredWith(college, roster_codes))


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
    return loading.service_load(
        service=sample_service(
            name,
            discipline=discipline,
            price=price,
            tax=tax,
            minutes=minutes,
            resource_kinds=resource_kinds,
            active=active,
        ),
        today=on,
        qualifications=qualifications,
    )


def sample_service(
    name: str,
    *,
    discipline: str = "physiotherapy",
    qualifications: Sequence[RegisteredWith] = (RegisteredWith("cpo"),),
    price: str = "85.00",
    tax: str = "physiotherapy",
    minutes: int = 30,
    buffer: int = 0,
    resource_kinds: Sequence[str] = (),
    active: bool = True,
) -> ServiceSpec:
    """A treatment called `name`, by default a 30-minute physiotherapy one at $85."""
    return ServiceSpec(
        name=name,
        discipline=discipline,
        kind=ServiceKind.TREATMENT,
        minutes=minutes,
        price=price,
        tax=tax,
        qualifications=tuple(qualifications),
        resource_kinds=tuple(resource_kinds),
        buffer=buffer,
        active=active,
    )


def png_bytes(width: int = 1, height: int = 1, rgb: tuple[int, int, int] = (11, 93, 107)) -> bytes:
    """A real PNG image of one colour (a logo or a photo for tests), made without Pillow."""
    row = b"\x00" + bytes(rgb) * width  # filter type 0, then the pixels

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
