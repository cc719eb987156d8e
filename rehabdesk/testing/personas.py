"""The people every permission test is about, built through the real services.

| persona | who |
| --- | --- |
| manager | runs the clinic: configuration, reports, the access log |
| privacy_officer | a second manager who is also the privacy officer (as in the demo) |
| front_desk | books and registers patients at both locations |
| physio | a physiotherapist caring for patient A (explicit assignment) |
| massage_therapist | a registered massage therapist with no care relationship |
| patient_a, patient_b | two unrelated adult patients who sign in |
| guardian | a parent who signs in and manages `child`'s bookings |
| child | a dependent with no sign-in of their own |
| outsider | someone with an account and no role at all |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role
from rehabdesk.clinic.description import AccountSpec, ClinicSpec, RegistrationSpec
from rehabdesk.clinic.loading import clinic_load
from rehabdesk.clinic.models import Location, Practitioner
from rehabdesk.clinic.testing import LONG_AGO, TODAY, sample_location, sample_practitioner
from rehabdesk.patients.choices import FamilyRelationship
from rehabdesk.patients.models import Coverage, Patient
from rehabdesk.patients.services import (
    care_assignment_add,
    coverage_save,
    family_link_add,
    patient_account_create,
    patient_create,
)

PASSWORD = "persona-passphrase-1"  # noqa: S105 - test accounts only


@dataclass
class Personas:
    pickering: Location
    milton: Location
    manager: User
    privacy_officer: User
    front_desk: User
    physio: Practitioner
    massage_therapist: Practitioner
    patient_a: Patient
    patient_b: Patient
    guardian: Patient
    child: Patient
    outsider: User

    def user(self, name: str) -> User | None:
        """The account a persona signs in with; None for "anonymous"."""
        if name == "anonymous":
            return None
        value = getattr(self, name)
        if isinstance(value, Practitioner):
            return value.user
        if isinstance(value, Patient):
            return value.user
        return value

    SIGNED_IN = (
        "outsider",
        "patient_a",
        "patient_b",
        "guardian",
        "front_desk",
        "physio",
        "massage_therapist",
        "manager",
        "privacy_officer",
    )
    EVERYONE = ("anonymous", *SIGNED_IN)


def _patient(
    first: str, last: str, born: date, email: str, phone: str, *, sign_in: bool
) -> Patient:
    patient = patient_create(
        actor=None,
        patient=Patient(
            first_name=first, last_name=last, date_of_birth=born, email=email, phone=phone
        ),
        confirm_not_duplicate=True,
    )
    if sign_in:
        patient_account_create(actor=None, patient=patient, password=PASSWORD)
    return patient


def _staff(email: str, first_name: str, *roles: Role, home: str = "") -> AccountSpec:
    return AccountSpec(email, first_name, roles=roles, password=PASSWORD, home=home)


def build_personas() -> Personas:
    physio = sample_practitioner(
        "Priya Physio",
        password=PASSWORD,
        registrations=[RegistrationSpec("cpo", "PERSONA-PT-1", LONG_AGO)],
    )
    massage_therapist = sample_practitioner(
        "Olivia Massage",
        disciplines=["massage-therapy"],
        password=PASSWORD,
        registrations=[RegistrationSpec("cmto", "PERSONA-RMT-1", LONG_AGO)],
    )
    clinic = clinic_load(
        clinic=ClinicSpec(
            name="Persona Clinic",
            slug="persona-clinic",
            accounts=(
                _staff("manager@persona.example", "Morgan", Role.MANAGER),
                _staff("pia@persona.example", "Pia", Role.MANAGER, Role.PRIVACY_OFFICER),
                _staff("desk@persona.example", "Sam", Role.FRONT_DESK, home="pickering"),
                _staff("outsider@persona.example", "Oscar"),
            ),
            locations=(sample_location("Pickering"), sample_location("Milton")),
            practitioners=(physio, massage_therapist),
        ),
        today=TODAY,
    )
    assert clinic is not None, "the personas' clinic is there already"
    front_desk = clinic.accounts["desk@persona.example"]

    patient_a = _patient(
        "Alice", "Anders", date(1980, 4, 2), "alice@persona.example", "905-555-0111", sign_in=True
    )
    patient_b = _patient(
        "Bob", "Brown", date(1975, 9, 30), "bob@persona.example", "905-555-0122", sign_in=True
    )
    guardian = _patient(
        "Grace", "Green", date(1985, 1, 15), "grace@persona.example", "905-555-0133", sign_in=True
    )
    child = _patient("Charlie", "Green", date(2016, 6, 1), "", "905-555-0133", sign_in=False)
    family_link_add(
        actor=None, guardian=guardian, dependent=child, relationship=FamilyRelationship.PARENT
    )
    care_assignment_add(
        actor=front_desk,
        patient=patient_a,
        practitioner=clinic.practitioners[physio.slug],
        reason="Referral",
    )
    coverage_save(
        actor=front_desk,
        coverage=Coverage(patient=patient_a, insurer="Sample Life", policy_number="P-100"),
    )
    return Personas(
        pickering=clinic.locations["pickering"],
        milton=clinic.locations["milton"],
        manager=clinic.accounts["manager@persona.example"],
        privacy_officer=clinic.accounts["pia@persona.example"],
        front_desk=front_desk,
        physio=clinic.practitioners[physio.slug],
        massage_therapist=clinic.practitioners[massage_therapist.slug],
        patient_a=patient_a,
        patient_b=patient_b,
        guardian=guardian,
        child=child,
        outsider=clinic.accounts["outsider@persona.example"],
    )
