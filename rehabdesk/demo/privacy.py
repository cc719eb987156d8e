"""The privacy officer's desk in the demo: something waiting on each of its pages.

The patient who signs in (the regular patient) asked for a copy of their record three
days ago and for a correction yesterday; a second practitioner opened another patient's
record in an emergency two days ago (the patient was told; the officer has yet to
review it); and a breach was logged last month — a visit summary e-mailed to the wrong
address, recalled the same day — with its notice sent. All through the services, so the
audit trail and the outbox hold what they would in a clinic.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rehabdesk.accounts.models import User
from rehabdesk.clinic.models import Practitioner
from rehabdesk.consents.choices import OverrideKind
from rehabdesk.consents.lockbox import override_open
from rehabdesk.patients.models import Patient
from rehabdesk.privacy.choices import BreachCause
from rehabdesk.privacy.services import (
    access_request_create,
    breach_notify,
    breach_record,
    correction_request_create,
)
from rehabdesk.scheduling.care import cares_for


def load_demo_privacy(
    *, officer: User, regular: Patient | None, practitioners: list[Practitioner], now: datetime
) -> None:
    """Requests from the regular patient, one emergency opening by the first of
    `practitioners` with a patient outside their care, and one breach, notified."""
    if regular is not None and regular.user is not None:
        access_request_create(
            actor=regular.user,
            patient=regular,
            details="Everything since my first visit, please, for my family doctor.",
            now=now - timedelta(days=3),
        )
        correction_request_create(
            actor=regular.user,
            patient=regular,
            note=None,
            wrong="My phone number on file is an old one.",
            should_say="It is the number I gave at my last visit.",
            now=now - timedelta(days=1),
        )
    opener = practitioners[0] if practitioners else None
    opened = _outside_care(opener) if opener is not None else None
    if opener is not None and opened is not None:
        override_open(
            patient=opened,
            practitioner=opener,
            kind=OverrideKind.EMERGENCY,
            reason="Felt faint in the waiting room; checked for conditions and medications.",
            actor=opener.user,
            now=now - timedelta(days=2),
        )
    told = regular or opened
    if told is not None:
        breach = breach_record(
            actor=officer,
            what="A visit summary was e-mailed to a mistyped address.",
            cause=BreachCause.MISDIRECTED,
            occurred_on=(now - timedelta(days=30)).date(),
            found_on=(now - timedelta(days=30)).date(),
            contained="The recipient confirmed deleting it the same day; addresses are now "
            "read back to patients before sending.",
            patient_ids=[told.pk],
            now=now - timedelta(days=29),
        )
        breach_notify(actor=officer, breach=breach, now=now - timedelta(days=29))


def _outside_care(practitioner: Practitioner) -> Patient | None:
    """An adult patient with a sign-in (so the notice reaches them) whom this
    practitioner does not look after."""
    for patient in Patient.objects.filter(user__isnull=False).order_by("pk")[:50]:
        if not cares_for(practitioner_id=practitioner.pk, patient_id=patient.pk):
            return patient
    return None
