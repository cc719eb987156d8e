"""What the FHIR read API (rehabdesk/fhir, docs/fhir.md) reads, with the access policy
applied: the clinic's public directory (locations, services, the team, their hours) for
anyone the edge let in, and patients, appointments and outcome scores only as far as
`policy.decide` lets the caller see them. Every page of patient data shown is audited
as one event linking every patient on it; a refused or unknown record raises
AccessDenied (the edge answers 404 and puts the attempt on file).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from rehabdesk.access import care
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action, Person, may, person_for
from rehabdesk.accounts.roles import Role
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.clinic.models import Location, Practitioner, Registration, Service, WorkingHours
from rehabdesk.outcomes.models import MeasureResult
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.models import Appointment

User = AbstractBaseUser | AnonymousUser

FHIR_PATIENT = "fhir.patient"
FHIR_APPOINTMENT = "fhir.appointment"
FHIR_OBSERVATION = "fhir.observation"


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a search: its rows and how many match in all."""

    rows: list[T]
    total: int


def fhir_reader(user: User) -> bool:
    """Whether a signed-in session may use the FHIR API: staff only (a token is decided
    by its scope, and then by the policy, like every other API call)."""
    return person_for(user).is_staff_member


# The clinic's directory: no patient information.


def fhir_locations() -> QuerySet[Location]:
    return Location.objects.select_related("clinic").order_by("pk")


def fhir_services() -> QuerySet[Service]:
    return (
        Service.objects.select_related("discipline")
        .prefetch_related("qualifications__regulator")
        .order_by("pk")
    )


def fhir_practitioners() -> QuerySet[Practitioner]:
    registrations = Registration.objects.select_related("regulator", "registration_class")
    return (
        Practitioner.objects.prefetch_related("disciplines")
        .prefetch_related(Prefetch("registrations", queryset=registrations.order_by("pk")))
        .order_by("pk")
    )


def fhir_schedule_pairs(
    *, practitioner_id: int | None = None, location_id: int | None = None
) -> list[tuple[int, int]]:
    """(practitioner, location) pairs with working hours: one Schedule (and one
    PractitionerRole) each."""
    rows = WorkingHours.objects.all()
    if practitioner_id is not None:
        rows = rows.filter(practitioner_id=practitioner_id)
    if location_id is not None:
        rows = rows.filter(location_id=location_id)
    pairs = rows.values_list("practitioner_id", "location_id").distinct()
    return sorted(set(pairs))


# Patient information: the policy decides.


def _visible_patient_ids(person: Person) -> set[int] | None:
    """Whose demographics and bookings `person` may see: None for every patient (the
    front desk, a manager), else a set (a practitioner's patients in care, a patient's
    own record and their dependents'). The same rule as `patients_for`."""
    if Role.FRONT_DESK in person.roles or Role.MANAGER in person.roles:
        return None
    allowed = set(person.managed_patient_ids)
    if person.practitioner_id is not None and Role.PRACTITIONER in person.roles:
        allowed |= care.patient_ids_in_care(practitioner_id=person.practitioner_id)
    return allowed


def _audit(user: User, object_type: str, patient_ids: Collection[int], summary: str) -> None:
    if patient_ids:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type=object_type,
            patient_ids=sorted(set(patient_ids)),
            summary=summary,
        )


def fhir_patient(*, user: User, patient_id: int) -> Patient:
    """One patient's demographics, if the policy lets `user` see them (audited)."""
    patient = Patient.objects.filter(pk=patient_id).first()
    if patient is None or not may(person_for(user), Action.VIEW_DEMOGRAPHICS, patient.pk):
        raise AccessDenied(
            object_type=FHIR_PATIENT,
            object_id=str(patient_id),
            patient_ids=[patient.pk] if patient else [],
            summary="FHIR Patient",
            found=patient is not None,
        )
    _audit(user, FHIR_PATIENT, [patient.pk], "FHIR Patient read")
    return patient


def fhir_patients(
    *, user: User, ids: Collection[int], name: str, offset: int, count: int
) -> Page[Patient]:
    """The patients `user` may see, by id and/or a part of their name (audited)."""
    allowed = _visible_patient_ids(person_for(user))
    rows = Patient.objects.order_by("pk")
    if allowed is not None:
        rows = rows.filter(pk__in=allowed)
    if ids:
        rows = rows.filter(pk__in=ids)
    if name:
        rows = rows.filter(
            Q(first_name__icontains=name)
            | Q(last_name__icontains=name)
            | Q(preferred_name__icontains=name)
        )
    page = list(rows[offset : offset + count])
    _audit(user, FHIR_PATIENT, [p.pk for p in page], "FHIR Patient search")
    return Page(page, rows.count())


def fhir_appointment(*, user: User, appointment_id: int) -> Appointment:
    """One appointment, if `user` may see its patient's bookings (audited)."""
    appointment = (
        Appointment.objects.select_related("practitioner", "location", "service")
        .filter(pk=appointment_id, patient__isnull=False)
        .first()
    )
    if (
        appointment is None
        or appointment.patient_id is None
        or not may(person_for(user), Action.MANAGE_BOOKINGS, appointment.patient_id)
    ):
        raise AccessDenied(
            object_type=FHIR_APPOINTMENT,
            object_id=str(appointment_id),
            patient_ids=[appointment.patient_id] if appointment and appointment.patient_id else [],
            summary="FHIR Appointment",
            found=appointment is not None,
        )
    _audit(user, FHIR_APPOINTMENT, [appointment.patient_id], "FHIR Appointment read")
    return appointment


# What the FHIR Appointment is made of (fhir/mappers.py): a location's day reads only these.
APPOINTMENT_FIELDS = (
    "patient_id",
    "start",
    "end",
    "status",
    "cancelled_by",
    "late_cancellation",
    "practitioner__display_name",
    "location__name",
    "service__slug",
    "service__name",
)


@dataclass(frozen=True)
class AppointmentQuery:
    start_from: datetime | None = None  # start >= this
    start_before: datetime | None = None  # start < this
    location_ids: Collection[int] = ()
    practitioner_ids: Collection[int] = ()
    patient_ids: Collection[int] = ()
    statuses: Collection[str] = ()


def fhir_appointments(
    *, user: User, query: AppointmentQuery, offset: int, count: int
) -> Page[Appointment]:
    """The appointments of the patients `user` may see the bookings of, earliest first
    (audited: one event for the page, linking its patients)."""
    allowed = _visible_patient_ids(person_for(user))
    rows = Appointment.objects.filter(patient__isnull=False)
    if allowed is not None:
        rows = rows.filter(patient_id__in=allowed)
    if query.start_from is not None:
        rows = rows.filter(start__gte=query.start_from)
    if query.start_before is not None:
        rows = rows.filter(start__lt=query.start_before)
    if query.location_ids:
        rows = rows.filter(location_id__in=query.location_ids)
    if query.practitioner_ids:
        rows = rows.filter(practitioner_id__in=query.practitioner_ids)
    if query.patient_ids:
        rows = rows.filter(patient_id__in=query.patient_ids)
    if query.statuses:
        rows = rows.filter(status__in=query.statuses)
    page = list(
        rows.select_related("practitioner", "location", "service")
        .only(*APPOINTMENT_FIELDS)
        .order_by("start", "pk")[offset : offset + count]
    )
    shown = [a.patient_id for a in page if a.patient_id is not None]
    _audit(user, FHIR_APPOINTMENT, shown, "FHIR Appointment search")
    total = rows.count() if offset or len(page) == count else offset + len(page)
    return Page(page, total)


def fhir_observation(*, user: User, result_id: int) -> MeasureResult:
    """One outcome score, if `user` may see its patient's clinical record (audited)."""
    result = MeasureResult.objects.filter(pk=result_id).first()
    if result is None or not may(person_for(user), Action.VIEW_CLINICAL, result.patient_id):
        raise AccessDenied(
            object_type=FHIR_OBSERVATION,
            object_id=str(result_id),
            patient_ids=[result.patient_id] if result else [],
            summary="FHIR Observation",
            found=result is not None,
        )
    _audit(user, FHIR_OBSERVATION, [result.patient_id], "FHIR Observation read")
    return result


def fhir_observations(
    *, user: User, patient_ids: Collection[int], offset: int, count: int
) -> Page[MeasureResult]:
    """Scored outcome measures of the patients whose clinical record `user` may see,
    newest first: the policy is asked patient by patient (a lockbox withholds the
    record from a practitioner; the desk and a manager as such never see clinical
    content)."""
    person = person_for(user)
    # Only a practitioner sees clinical content (policy.decide), and a search only
    # among their patients in care: a record opened past that (break-glass) is read by id.
    if Role.PRACTITIONER not in person.roles or person.practitioner_id is None:
        return Page([], 0)
    in_care = care.patient_ids_in_care(practitioner_id=person.practitioner_id)
    candidates = MeasureResult.objects.filter(score__isnull=False, patient_id__in=in_care)
    if patient_ids:
        candidates = candidates.filter(patient_id__in=patient_ids)
    patients = set(candidates.values_list("patient_id", flat=True).distinct())
    clinical = {pid for pid in patients if may(person, Action.VIEW_CLINICAL, pid)}
    rows = candidates.filter(patient_id__in=clinical).order_by("-taken_at", "-pk")
    page = list(rows[offset : offset + count])
    _audit(user, FHIR_OBSERVATION, [r.patient_id for r in page], "FHIR Observation search")
    return Page(page, rows.count())
