"""Reads of patient records. Callers authorize and audit through rehabdesk.access."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from rehabdesk.patients.models import CareAssignment, Coverage, FamilyLink, Patient

SEARCH_LIMIT = 50


def possible_duplicates(*, patient: Patient) -> list[Patient]:
    """Patients on file who may be this one: same name and date of birth, or the same
    phone number or e-mail address (families often share these, so it is a question
    for the person at the desk, not a refusal)."""
    same = Q(
        first_name__iexact=patient.first_name.strip(),
        last_name__iexact=patient.last_name.strip(),
        date_of_birth=patient.date_of_birth,
    )
    digits = re.sub(r"\D", "", patient.phone)
    if len(digits) >= 7:
        # "+1 416 …" (E.164, as forms now keep it) and "416 …" (older records) alike.
        national = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
        same |= Q(phone_digits__in={national, f"1{national}"})
    if patient.email:
        same |= Q(email__iexact=patient.email.strip())
    return list(Patient.objects.filter(same).exclude(pk=patient.pk).order_by("pk")[:10])


def patient_search(*, text: str = "", born_on: date | None = None) -> QuerySet[Patient]:
    """Patients by name (any part, first, preferred or last), phone digits, e-mail or
    date of birth — what a caller gives the front desk."""
    patients = Patient.objects.all()
    for word in text.split():
        digits = re.sub(r"\D", "", word)
        match = (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(email__icontains=word)
        )
        if len(digits) >= 3:
            match |= Q(phone_digits__contains=digits)
        patients = patients.filter(match)
    if born_on is not None:
        patients = patients.filter(date_of_birth=born_on)
    return patients.order_by("-active", "last_name", "first_name")[:SEARCH_LIMIT]


def patient_by_id(*, patient_id: int) -> Patient | None:
    """The patient alone, in one query (a booking needs nothing of the family)."""
    return Patient.objects.filter(pk=patient_id).first()


def patient_with_family(*, patient_id: int) -> Patient | None:
    """A patient with current family links, coverage and care team, in five queries
    (the patient, then one for each)."""
    current_links = FamilyLink.objects.filter(ended_at__isnull=True)
    return (
        Patient.objects.filter(pk=patient_id)
        .prefetch_related(
            Prefetch(
                "dependent_links",
                queryset=current_links.select_related("dependent"),
                to_attr="current_dependent_links",
            ),
            Prefetch(
                "guardian_links",
                queryset=current_links.select_related("guardian"),
                to_attr="current_guardian_links",
            ),
            "coverages",
            Prefetch(
                "care_assignments",
                queryset=CareAssignment.objects.filter(ended_at__isnull=True).select_related(
                    "practitioner"
                ),
                to_attr="current_care_assignments",
            ),
        )
        .first()
    )


def managed_patient_ids(*, patient: Patient) -> set[int]:
    """The patient and every dependent whose bookings they currently manage."""
    dependents = FamilyLink.objects.filter(
        guardian=patient, ended_at__isnull=True, manages_bookings=True
    ).values_list("dependent_id", flat=True)
    return {patient.pk, *dependents}


def patients_by_ids(*, ids: Collection[int], active_only: bool = False) -> QuerySet[Patient]:
    """These patients (a signed-in patient's family, whose ids the access policy gives),
    eldest first."""
    patients = Patient.objects.filter(pk__in=list(ids))
    if active_only:
        patients = patients.filter(active=True)
    return patients.order_by("date_of_birth", "pk")


def patient_exists(*, patient_id: int) -> bool:
    return Patient.objects.filter(pk=patient_id).exists()


def care_assignment_open(*, patient: Patient, assignment_id: int) -> CareAssignment | None:
    """One of the patient's care assignments that has not ended."""
    return CareAssignment.objects.filter(
        pk=assignment_id, patient=patient, ended_at__isnull=True
    ).first()


def family_link_open(*, patient: Patient, link_id: int) -> FamilyLink | None:
    """A family link of the patient, as guardian or dependent, that has not ended."""
    return (
        FamilyLink.objects.filter(pk=link_id, ended_at__isnull=True)
        .filter(Q(dependent=patient) | Q(guardian=patient))
        .first()
    )


def coverage_of(*, patient: Patient, coverage_id: int) -> Coverage | None:
    """One of the patient's insurance coverages, or None when the id names another's."""
    return Coverage.objects.filter(pk=coverage_id, patient=patient).first()


def patients_at_number(*, number: str) -> QuerySet[Patient]:
    """Active patients whose phone is this E.164 number, kept as E.164 or, on older
    records, as typed ("905-555-0101"): a family may share one."""
    digits = re.sub(r"\D", "", number)
    spellings = {digits}
    if len(digits) == 11 and digits.startswith("1"):  # North America: +1 and ten digits
        spellings.add(digits[1:])
    return Patient.objects.filter(active=True, phone_digits__in=spellings).order_by("pk")
