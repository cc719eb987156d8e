"""A clinic described as plain data, for `clinic.loading` to create through the services.

The demo clinic, the benchmark datasets and the tests' clinics are each a description
like this, loaded by the one loader, so there is one way to build a clinic. A
description names everything by slug or e-mail address — colleges, rosters, disciplines,
kinds of resource, tax categories, locations, accounts — never by database id, so it can
be written out by hand or generated from a few sizes.

Dates (`Day`) are either a date or a whole number of days from the day the clinic is
loaded: the demo is loaded on any day, and "a registration ending in 21 days" must still
end in 21 days. Wall-clock times are "HH:MM" at the location, in its time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

from rehabdesk.accounts.roles import Role
from rehabdesk.clinic.choices import PatientEligibility, ServiceKind

Day: TypeAlias = date | int

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = (MON, TUE, WED, THU, FRI)


@dataclass(frozen=True)
class AccountSpec:
    """Someone who signs in: staff, or (through `PractitionerSpec`) a practitioner."""

    email: str
    first_name: str = ""
    last_name: str = ""
    roles: tuple[Role, ...] = ()
    # None: they cannot sign in by password until they set one through a reset link.
    password: str | None = None
    # The slug of the location they usually work at (their desk opens there), or "".
    home: str = ""


@dataclass(frozen=True)
class Hours:
    """The same opening hours on each of `weekdays`, e.g. Monday to Friday 08:00–20:00."""

    weekdays: tuple[int, ...]
    opens: str
    closes: str


@dataclass(frozen=True)
class ResourceSpec:
    """A room or piece of equipment; `kind` is a resource kind's slug ("gym")."""

    kind: str
    name: str


def resources(kind: str, *names: str) -> tuple[ResourceSpec, ...]:
    """Several resources of one kind: `resources("massage-room", "Room 1", "Room 2")`."""
    return tuple(ResourceSpec(kind, name) for name in names)


@dataclass(frozen=True)
class ClosureSpec:
    first_day: Day
    last_day: Day
    name: str


@dataclass(frozen=True)
class LocationSpec:
    slug: str
    name: str
    street_address: str
    city: str
    postal_code: str
    phone: str
    email: str = ""
    time_zone: str = "America/Toronto"
    hours: tuple[Hours, ...] = ()
    resources: tuple[ResourceSpec, ...] = ()
    closures: tuple[ClosureSpec, ...] = ()
    # Closed on Ontario's public holidays (clinic/holidays.py) from this day to the end
    # of next year; None for no holidays.
    holidays_from: Day | None = None


@dataclass(frozen=True)
class TravelSpec:
    """Minutes between two locations (slugs), door to door."""

    location_a: str
    location_b: str
    minutes: int


@dataclass(frozen=True)
class RegistrationSpec:
    """A registration with a college (a regulator's slug: "cpo", "cmto", "ctcmpao")."""

    college: str
    number: str
    valid_from: Day
    valid_until: Day | None = None
    # None: the college's first class that permits practice.
    class_name: str | None = None
    rosters: tuple[str, ...] = ()
    # Checked on the college's public register, on that day, by that account (e-mail).
    verified_on: Day | None = None
    verified_by: str = ""


@dataclass(frozen=True)
class ShiftSpec:
    """The same working hours, with the same breaks, at one location on each of
    `weekdays`, from `effective_from` (by default the day the clinic is loaded)."""

    location: str
    weekdays: tuple[int, ...]
    starts: str
    ends: str
    breaks: tuple[tuple[str, str], ...] = ()
    effective_from: Day = 0
    effective_until: Day | None = None


@dataclass(frozen=True)
class TimeOffSpec:
    """Whole days away, from midnight on `first_day` in the clinic's time zone."""

    first_day: Day
    days: int
    reason: str = ""


@dataclass(frozen=True)
class PractitionerSpec:
    """A practitioner, their account (with the practitioner's role), registrations,
    weekly hours and time off."""

    slug: str
    display_name: str
    email: str
    first_name: str = ""
    last_name: str = ""
    password: str | None = None
    disciplines: tuple[str, ...] = ("physiotherapy",)
    pronouns: str = ""
    bio: str = ""
    languages: str = "English"
    registrations: tuple[RegistrationSpec, ...] = ()
    shifts: tuple[ShiftSpec, ...] = ()
    time_off: tuple[TimeOffSpec, ...] = ()


@dataclass(frozen=True)
class RegisteredWith:
    """One way to be qualified for a service: a registration with `college` that holds
    every one of `rosters`."""

    college: str
    rosters: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceSpec:
    """A service; its slug is its name's. `group` is a service group's slug."""

    name: str
    discipline: str
    kind: ServiceKind
    minutes: int
    price: str
    tax: str
    qualifications: tuple[RegisteredWith, ...]
    resource_kinds: tuple[str, ...] = ()
    buffer: int = 0
    eligibility: PatientEligibility = PatientEligibility.ANYONE
    online: bool = True
    active: bool = True
    group: str | None = None
    description: str = ""
    what_to_bring: str = ""
    reminders: bool = True  # the clinic's appointment reminders go for its visits


@dataclass(frozen=True)
class ServiceGroupSpec:
    """A public page grouping services ("Massage therapy")."""

    slug: str
    name: str
    summary: str
    who_it_helps: str = ""
    what_to_expect: str = ""


@dataclass(frozen=True)
class PageTextSpec:
    slug: str
    title: str
    body: str


@dataclass(frozen=True)
class ClinicSpec:
    """A whole clinic. Groups and services are listed in the order the public pages
    show them; locations before the travel times between them."""

    name: str
    slug: str
    phone: str = ""
    email: str = ""
    accounts: tuple[AccountSpec, ...] = ()
    locations: tuple[LocationSpec, ...] = ()
    travel: tuple[TravelSpec, ...] = ()
    practitioners: tuple[PractitionerSpec, ...] = ()
    groups: tuple[ServiceGroupSpec, ...] = ()
    page_texts: tuple[PageTextSpec, ...] = ()
    services: tuple[ServiceSpec, ...] = ()
    # The reminder policy for all services: (channel, hours before), e.g. ("sms", 24).
    reminders: tuple[tuple[str, int], ...] = ()
