"""Sample patients for the demo clinic: adults, families with children, a few who can
sign in, some with insurance, some already in a practitioner's care.

All names, dates, phone numbers (555) and e-mail addresses (.example) are invented.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count

from rehabdesk.accounts.models import User
from rehabdesk.clinic.models import Practitioner
from rehabdesk.patients.choices import FamilyRelationship
from rehabdesk.patients.models import Coverage, Patient
from rehabdesk.patients.services import (
    care_assignment_add,
    coverage_save,
    family_link_add,
    patient_account_create,
    patient_create,
)

MAIL = "mail.example"


@dataclass(frozen=True)
class DemoPatient:
    key: str
    first: str
    last: str
    born: date
    phone: str
    city: str
    insurer: str = ""
    signs_in: bool = False
    email: str | None = None  # None: first.last@mail.example; "" for none
    texts: bool = False  # agreed to text messages (reminders by text land in var/sms/)

    @property
    def address(self) -> str:
        if self.email is not None:
            return self.email
        local = unicodedata.normalize("NFKD", f"{self.first}.{self.last}".lower())
        return local.encode("ascii", "ignore").decode() + f"@{MAIL}"


PATIENTS = [
    DemoPatient(
        "grace",
        "Grace",
        "Green",
        date(1986, 3, 14),
        "905-555-0201",
        "Pickering",
        "Sample Life",
        True,
        texts=True,
    ),
    DemoPatient(
        "charlie", "Charlie", "Green", date(2015, 6, 1), "905-555-0201", "Pickering", email=""
    ),
    DemoPatient("maya", "Maya", "Green", date(2018, 11, 20), "905-555-0201", "Pickering", email=""),
    DemoPatient(
        "tunde",
        "Tunde",
        "Okonkwo",
        date(1979, 8, 2),
        "905-555-0202",
        "Milton",
        "Example Benefits",
        True,
    ),
    DemoPatient("ada", "Ada", "Okonkwo", date(2010, 1, 9), "905-555-0202", "Milton", email=""),
    DemoPatient(
        "margaret", "Margaret", "Hughes", date(1941, 5, 27), "905-555-0203", "Pickering", email=""
    ),
    DemoPatient(
        "david", "David", "Hughes", date(1968, 12, 3), "905-555-0204", "Ajax", "Sample Life", True
    ),
    DemoPatient(
        "sara",
        "Sara",
        "Lindqvist",
        date(1990, 2, 17),
        "905-555-0205",
        "Pickering",
        "Northern Mutual Demo",
        True,
    ),
    DemoPatient(
        "raj", "Raj", "Patel", date(1983, 7, 30), "905-555-0206", "Milton", "Example Benefits"
    ),
    DemoPatient(
        "lucia", "Lucía", "Fernández", date(1995, 10, 5), "905-555-0207", "Oakville", texts=True
    ),
    DemoPatient("wei", "Wei", "Liu", date(1972, 4, 11), "905-555-0208", "Milton", "Sample Life"),
    DemoPatient(
        "fatima",
        "Fatima",
        "Rahman",
        date(1988, 9, 23),
        "905-555-0209",
        "Pickering",
        "Northern Mutual Demo",
    ),
    DemoPatient("jean", "Jean-Luc", "Bouchard", date(1960, 1, 28), "905-555-0210", "Whitby"),
    DemoPatient(
        "amara", "Amara", "Nwosu", date(2001, 12, 12), "905-555-0211", "Milton", texts=True
    ),
    DemoPatient(
        "tom", "Tom", "Kowalski", date(1955, 6, 6), "905-555-0212", "Pickering", "Sample Life"
    ),
    DemoPatient(
        "nina", "Nina", "Rossi", date(1993, 3, 3), "905-555-0213", "Milton", "Example Benefits"
    ),
    DemoPatient(
        "ethan", "Ethan", "Clarke", date(2008, 8, 8), "905-555-0214", "Pickering", email=""
    ),
    DemoPatient("hana", "Hana", "Yamamoto", date(1999, 5, 19), "905-555-0215", "Milton"),
    DemoPatient(
        "omar",
        "Omar",
        "Haddad",
        date(1976, 11, 1),
        "905-555-0216",
        "Pickering",
        "Northern Mutual Demo",
    ),
    DemoPatient("zoe", "Zoë", "Martin", date(1984, 2, 29), "905-555-0217", "Milton", "Sample Life"),
]

# (guardian, dependent, relationship)
FAMILIES = [
    ("grace", "charlie", FamilyRelationship.PARENT),
    ("grace", "maya", FamilyRelationship.PARENT),
    ("tunde", "ada", FamilyRelationship.PARENT),
    # An adult son who books for his mother.
    ("david", "margaret", FamilyRelationship.SUBSTITUTE_DECISION_MAKER),
]

# (patient, practitioner slug, reason)
CARE = [
    ("sara", "priya-raman", "Referred by family doctor: low back pain"),
    ("raj", "marc-tremblay", "Post-operative knee"),
    ("margaret", "aisha-siddiqui", "Arthritis, both knees"),
    ("fatima", "sofia-martins", "Postpartum pelvic floor"),
]


def load_demo_patients(
    *, front_desk: User, password: str, password_hash: str
) -> dict[str, Patient]:
    """The demo's named patients and families. Those who sign in share the published
    `password`, hashed once by the caller (`password_hash`): hashing it for each account
    cost a second each of every demo start."""
    patients: dict[str, Patient] = {}
    for data in PATIENTS:
        patient = patient_create(
            actor=front_desk,
            patient=Patient(
                first_name=data.first,
                last_name=data.last,
                date_of_birth=data.born,
                phone=data.phone,
                email=data.address,
                contact_by_sms=data.texts,
                street_address=f"{10 + len(patients)} Sample Crescent",
                city=data.city,
                postal_code="L1V 0A1" if data.city == "Pickering" else "L9T 0A2",
            ),
            # Families share a phone number: the front desk has confirmed each one.
            confirm_not_duplicate=True,
        )
        if data.insurer:
            coverage_save(
                actor=front_desk,
                coverage=Coverage(
                    patient=patient,
                    insurer=data.insurer,
                    policy_number=f"DEMO-{1000 + len(patients)}",
                    member_id=f"M{200 + len(patients)}",
                ),
            )
        if data.signs_in:
            patient_account_create(
                actor=front_desk, patient=patient, password=password, password_hash=password_hash
            )
        patients[data.key] = patient
    for guardian, dependent, relationship in FAMILIES:
        family_link_add(
            actor=front_desk,
            guardian=patients[guardian],
            dependent=patients[dependent],
            relationship=relationship,
        )
    for key, practitioner_slug, reason in CARE:
        care_assignment_add(
            actor=front_desk,
            patient=patients[key],
            practitioner=Practitioner.objects.get(slug=practitioner_slug),
            reason=reason,
        )
    return patients


def regular_patient_signs_in(
    *, front_desk: User, password: str, password_hash: str, now: datetime
) -> Patient | None:
    """Give the portal a patient with a history: the adult among the visits' patients
    with the most invoices over the past year (an e-mail on file, no sign-in yet), so
    their receipts can be downloaded from /my/receipts/. None when the demo has no
    history (loaded without it)."""
    adult = date(now.year - 18, now.month, 1)
    regular = (
        Patient.objects.filter(user__isnull=True, date_of_birth__lte=adult)
        .exclude(email="")
        .filter(invoices__issued_at__gte=now - timedelta(days=365))
        .annotate(invoiced=Count("invoices"))
        .order_by("-invoiced", "pk")
        .first()
    )
    if regular is not None:
        patient_account_create(
            actor=front_desk, patient=regular, password=password, password_hash=password_hash
        )
    return regular


def regular_patient_email() -> str | None:
    """The e-mail the demo's regular patient signs in with, once the demo gave one."""
    return (
        Patient.objects.filter(user__isnull=False, invoices__isnull=False)
        .exclude(email__in=[data.address for data in PATIENTS])
        .order_by("pk")
        .values_list("email", flat=True)
        .first()
    )
