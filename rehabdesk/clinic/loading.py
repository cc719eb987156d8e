"""One way to build a clinic: a description (`clinic.description`) created through the
clinic's and accounts' own services, so whatever the demo, a benchmark dataset or a test
builds obeys every rule a manager's screens enforce, and is refused the same way.

`clinic_load` creates a whole clinic in one transaction, so a refusal anywhere leaves
nothing behind. It is made of the `*_load` functions for one part each (a location with
its hours and rooms, a practitioner with their registrations and hours, a service ...),
which the tests' builders also call for the one part a test needs: each part turns
into service calls in exactly one place.

A name the description uses that the database does not know (a college, a roster, a
kind of room) is a mistake in the description: it raises LookupError rather than being
left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar, overload

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from rehabdesk.accounts.models import User, normalize_email
from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create
from rehabdesk.clinic import services
from rehabdesk.clinic.description import (
    AccountSpec,
    ClinicSpec,
    Day,
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
)
from rehabdesk.clinic.holidays import ontario_holidays
from rehabdesk.clinic.models import (
    Authorization,
    Clinic,
    Closure,
    Discipline,
    Location,
    PageText,
    Practitioner,
    Registration,
    RegistrationClass,
    Regulator,
    ReminderRule,
    Resource,
    ResourceKind,
    Service,
    ServiceGroup,
    TaxCategory,
    TimeOff,
    WorkingHours,
)


@dataclass(frozen=True)
class LoadedClinic:
    """What `clinic_load` created, by the names the description gave."""

    clinic: Clinic
    accounts: dict[str, User]  # by e-mail address
    locations: dict[str, Location]  # by slug, in the description's order
    practitioners: dict[str, Practitioner]  # by slug
    services: dict[str, Service]  # by slug


def clinic_load(*, clinic: ClinicSpec, today: date) -> LoadedClinic | None:
    """Create the described clinic as of `today`, or nothing when a clinic with its slug
    is there already (loading it again changes nothing): None then."""
    with transaction.atomic():
        if Clinic.objects.filter(slug=clinic.slug).exists():
            return None
        row = services.configuration_save(
            instance=Clinic(
                name=clinic.name, slug=clinic.slug, phone=clinic.phone, email=clinic.email
            )
        )
        hashes: dict[str, str] = {}
        accounts = {
            account.email: account_load(account=account, hashes=hashes)
            for account in clinic.accounts
        }
        locations = {
            location.slug: location_load(clinic=row, location=location, today=today)
            for location in clinic.locations
        }
        for account in clinic.accounts:
            if account.home:
                services.home_location_set(
                    user=accounts[account.email], location=locations[account.home]
                )
        # Before anyone has hours: then no shift needs checking against a new travel time.
        for travel in clinic.travel:
            services.travel_time_set(
                location_a=locations[travel.location_a],
                location_b=locations[travel.location_b],
                minutes=travel.minutes,
                today=today,
            )
        practitioners = {
            person.slug: practitioner_load(practitioner=person, today=today, hashes=hashes)
            for person in clinic.practitioners
        }
        for order, group in enumerate(clinic.groups):
            service_group_load(group=group, display_order=order)
        for page in clinic.page_texts:
            page_text_load(page=page)
        offered = [
            service_load(service=service, today=today, display_order=order)
            for order, service in enumerate(clinic.services)
        ]
        for channel, hours in clinic.reminders:
            services.configuration_save(
                instance=ReminderRule(clinic=row, channel=channel, hours_before=hours)
            )
    return LoadedClinic(
        row, accounts, locations, practitioners, {service.slug: service for service in offered}
    )


def account_load(*, account: AccountSpec, hashes: dict[str, str] | None = None) -> User:
    """An account of the description. `hashes` (password -> its hash) lets accounts
    sharing a password have it hashed once: the first is checked and hashed, the rest
    take its hash."""
    known = hashes.get(account.password) if hashes is not None and account.password else None
    user = user_create(
        email=account.email,
        password=account.password,
        first_name=account.first_name,
        last_name=account.last_name,
        roles=account.roles,
        password_hash=known,
    )
    if hashes is not None and account.password and known is None:
        hashes[account.password] = user.password
    return user


# -- locations ------------------------------------------------------------------------


def location_load(*, clinic: Clinic, location: LocationSpec, today: date) -> Location:
    """A location with its opening hours, resources and closures."""
    with transaction.atomic():
        row = services.location_save(
            location=Location(
                clinic=clinic,
                slug=location.slug,
                name=location.name,
                street_address=location.street_address,
                city=location.city,
                postal_code=location.postal_code,
                phone=location.phone,
                email=location.email,
                time_zone=location.time_zone,
            )
        )
        services.location_set_opening_hours(
            location=row,
            hours=[
                services.WeeklySpan(weekday, _time(hours.opens), _time(hours.closes))
                for hours in location.hours
                for weekday in hours.weekdays
            ],
            today=today,
        )
        for resource in location.resources:
            resource_load(location=row, resource=resource)
        for first_day, last_day, name in _closures(location, today):
            services.closure_save(
                closure=Closure(location=row, first_day=first_day, last_day=last_day, name=name)
            )
    return row


def _closures(location: LocationSpec, today: date) -> list[tuple[date, date, str]]:
    closed = [
        (_day(closure.first_day, today), _day(closure.last_day, today), closure.name)
        for closure in location.closures
    ]
    if location.holidays_from is not None:
        first = _day(location.holidays_from, today)
        closed += [
            (day, day, name)
            for year in range(first.year, today.year + 2)
            for day, name in ontario_holidays(year)
            if day >= first
        ]
    return closed


def resource_load(*, location: Location, resource: ResourceSpec) -> Resource:
    return services.configuration_save(
        instance=Resource(
            location=location, kind=_one(ResourceKind, slug=resource.kind), name=resource.name
        )
    )


# -- practitioners --------------------------------------------------------------------


def practitioner_load(
    *, practitioner: PractitionerSpec, today: date, hashes: dict[str, str] | None = None
) -> Practitioner:
    """A practitioner with their account, registrations, time off and weekly hours."""
    spec = practitioner
    with transaction.atomic():
        user = account_load(
            account=AccountSpec(
                email=spec.email,
                first_name=spec.first_name,
                last_name=spec.last_name,
                roles=(Role.PRACTITIONER,),
                password=spec.password,
            ),
            hashes=hashes,
        )
        row = services.practitioner_save(
            practitioner=Practitioner(
                user=user,
                display_name=spec.display_name,
                slug=spec.slug,
                pronouns=spec.pronouns,
                bio=spec.bio,
                languages=spec.languages,
            ),
            disciplines=_all(Discipline.objects.all(), "slug", spec.disciplines),
        )
        for registration in spec.registrations:
            registration_load(practitioner=row, registration=registration, today=today)
        for time_off in spec.time_off:
            time_off_load(practitioner=row, time_off=time_off, today=today)
        for shift in spec.shifts:
            working_hours_load(practitioner=row, shift=shift, today=today)
    return row


def registration_load(
    *, practitioner: Practitioner, registration: RegistrationSpec, today: date
) -> Registration:
    spec = registration
    college = _one(Regulator, slug=spec.college)
    classes = RegistrationClass.objects.filter(regulator=college)
    return services.registration_save(
        registration=Registration(
            practitioner=practitioner,
            regulator=college,
            registration_number=spec.number,
            registration_class=_one(
                RegistrationClass, regulator__slug=college.slug, name=spec.class_name
            )
            if spec.class_name
            else classes.filter(permits_practice=True)[0],
            valid_from=_day(spec.valid_from, today),
            valid_until=_day(spec.valid_until, today),
            verified_on=_day(spec.verified_on, today),
            # Addresses compare without case, as they do at sign-in.
            verified_by=_one(User, email=normalize_email(spec.verified_by))
            if spec.verified_by
            else None,
        ),
        authorizations=_rosters(college, spec.rosters),
    )


def working_hours_load(
    *, practitioner: Practitioner, shift: ShiftSpec, today: date
) -> list[WorkingHours]:
    """One shift (with its breaks) for each of the spec's weekdays, all or none."""
    location = _one(Location, slug=shift.location)
    breaks = [services.TimeSpan(_time(starts), _time(ends)) for starts, ends in shift.breaks]
    with transaction.atomic():
        return [
            services.working_hours_save(
                working_hours=WorkingHours(
                    practitioner=practitioner,
                    location=location,
                    weekday=weekday,
                    starts=_time(shift.starts),
                    ends=_time(shift.ends),
                    effective_from=_day(shift.effective_from, today),
                    effective_until=_day(shift.effective_until, today),
                ),
                breaks=breaks,
            )
            for weekday in shift.weekdays
        ]


def time_off_load(*, practitioner: Practitioner, time_off: TimeOffSpec, today: date) -> TimeOff:
    zone = timezone.get_default_timezone()
    first = _day(time_off.first_day, today)
    return services.time_off_save(
        time_off=TimeOff(
            practitioner=practitioner,
            starts_at=datetime.combine(first, time(0), tzinfo=zone),
            ends_at=datetime.combine(first + timedelta(days=time_off.days), time(0), tzinfo=zone),
            reason=time_off.reason,
        )
    )


# -- services and the public pages ----------------------------------------------------


def service_load(
    *,
    service: ServiceSpec,
    today: date,
    display_order: int = 0,
    qualifications: Sequence[services.QualificationSpec] | None = None,
) -> Service:
    """A service, with someone qualified to deliver it on `today` unless it is inactive.
    `qualifications`, when given, are used as they are instead of the description's
    (a test may want to offer the service a wrong one)."""
    spec = service
    return services.service_save(
        service=Service(
            discipline=_one(Discipline, slug=spec.discipline),
            group=None if spec.group is None else _one(ServiceGroup, slug=spec.group),
            name=spec.name,
            slug=slugify(spec.name),
            kind=spec.kind,
            public_description=spec.description,
            what_to_bring=spec.what_to_bring,
            duration_minutes=spec.minutes,
            buffer_after_minutes=spec.buffer,
            price=Decimal(spec.price),
            tax_category=_one(TaxCategory, code=spec.tax),
            online_bookable=spec.online,
            sends_reminders=spec.reminders,
            patient_eligibility=spec.eligibility,
            display_order=display_order,
            active=spec.active,
        ),
        on=today,
        resource_kinds=_all(ResourceKind.objects.all(), "slug", spec.resource_kinds),
        qualifications=[qualification_spec(q) for q in spec.qualifications]
        if qualifications is None
        else qualifications,
    )


def qualification_spec(qualification: RegisteredWith) -> services.QualificationSpec:
    """The service's qualification alternative, in the rows the service takes."""
    college = _one(Regulator, slug=qualification.college)
    return services.QualificationSpec(college, frozenset(_rosters(college, qualification.rosters)))


def service_group_load(*, group: ServiceGroupSpec, display_order: int = 0) -> ServiceGroup:
    return services.configuration_save(
        instance=ServiceGroup(
            slug=group.slug,
            name=group.name,
            summary=group.summary,
            who_it_helps=group.who_it_helps,
            what_to_expect=group.what_to_expect,
            display_order=display_order,
        )
    )


def page_text_load(*, page: PageTextSpec) -> PageText:
    return services.configuration_save(
        instance=PageText(slug=page.slug, title=page.title, body=page.body)
    )


# -- names to rows --------------------------------------------------------------------

Named = TypeVar("Named", bound=models.Model)


def _one(model: type[Named], **name: str) -> Named:
    try:
        return model._default_manager.get(**name)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        raise LookupError(f"No {model._meta.verbose_name} with {name}.") from None


def _all(rows: models.QuerySet[Named], field: str, names: Iterable[str]) -> list[Named]:
    wanted = set(names)
    found = list(rows.filter(**{f"{field}__in": wanted}))
    missing = wanted - {getattr(row, field) for row in found}
    if missing:
        raise LookupError(f"No {rows.model._meta.verbose_name} with {field} {sorted(missing)}.")
    return found


def _rosters(college: Regulator, codes: Iterable[str]) -> list[Authorization]:
    return _all(Authorization.objects.filter(regulator=college), "code", codes)


@overload
def _day(value: Day, today: date) -> date: ...
@overload
def _day(value: Day | None, today: date) -> date | None: ...
def _day(value: Day | None, today: date) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return today + timedelta(days=value)


def _time(text: str) -> time:
    return time.fromisoformat(text)
