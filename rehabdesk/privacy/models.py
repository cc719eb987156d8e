"""A patient's privacy rights under PHIPA, and the clinic's breach log
(docs/domain/privacy-rights.md).

- AccessRequest: a patient (or the guardian managing a dependent) asks for their record;
  the privacy officer answers within 30 days (one extension of up to 30 more), releasing
  an export — a PDF and a JSON bundle, built once at release and downloaded once through
  a signed link — or refusing with a reason.
- CorrectionRequest: a patient says what is wrong and what it should say; the privacy
  officer or the note's author accepts (an amendment of the note) or refuses with a
  reason; on a refusal the patient may attach a statement of disagreement, shown with the
  record and in every export from then on.
- Breach and BreachPatient: what happened, its cause in the IPC's categories, whose
  records, when it happened and was found, how it was contained, and when each patient
  was told.

Every row is health information; every read and write is on the audit trail.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from rehabdesk.care.models import VisitNote
from rehabdesk.patients.models import Patient
from rehabdesk.privacy.choices import BreachCause, RequestStatus

TEXT_MAX = 2000


class AccessRequest(models.Model):
    """A request for one's own record. `due_on` is 30 days after receipt, or the
    extended day once the one extension is taken (with its reason, told to the patient)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField()
    details = models.TextField(blank=True, max_length=TEXT_MAX)
    due_on = models.DateField()
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True, max_length=TEXT_MAX)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    refusal_reason = models.TextField(blank=True, max_length=TEXT_MAX)
    # The export as released, kept until it is downloaded (then emptied: one copy only).
    export_json = models.TextField(blank=True)
    export_pdf = models.BinaryField(blank=True, default=b"")
    export_sha256 = models.CharField(max_length=64, blank=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=RequestStatus.RECEIVED) | Q(decided_at__isnull=False),
                name="privacy_access_decided_when",
                violation_error_message="A decided request says when it was decided.",
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.REFUSED) | ~Q(refusal_reason=""),
                name="privacy_access_refusal_reason",
                violation_error_message="A refusal says why.",
            ),
        ]

    def __str__(self) -> str:
        return f"Access request {self.pk}"

    @property
    def due(self) -> date:
        """The day the answer is owed: the extended day once extended."""
        return self.extended_to or self.due_on


class CorrectionRequest(models.Model):
    """A request to correct one's record: what is wrong, what it should say, optionally
    the note it is in. Accepted (with the amendment started on the note, if one is
    named) or refused with a reason; a refusal may get the patient's statement of
    disagreement, which the record carries from then on."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField()
    due_on = models.DateField()
    note = models.ForeignKey(
        VisitNote, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    wrong = models.TextField(max_length=TEXT_MAX)
    should_say = models.TextField(max_length=TEXT_MAX)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Why refused, or what was done when accepted.
    decision_reason = models.TextField(blank=True, max_length=TEXT_MAX)
    amendment = models.ForeignKey(
        VisitNote, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disagreement = models.TextField(blank=True, max_length=TEXT_MAX)
    disagreement_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=RequestStatus.RECEIVED) | Q(decided_at__isnull=False),
                name="privacy_correction_decided_when",
                violation_error_message="A decided request says when it was decided.",
            ),
            models.CheckConstraint(
                condition=Q(disagreement="") | Q(status=RequestStatus.REFUSED),
                name="privacy_disagreement_after_refusal",
                violation_error_message="A statement of disagreement follows a refusal.",
            ),
        ]

    def __str__(self) -> str:
        return f"Correction request {self.pk}"


class Breach(models.Model):
    """A privacy breach as the privacy officer records it."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    what = models.TextField(max_length=TEXT_MAX)
    cause = models.CharField(max_length=30, choices=BreachCause.choices)
    occurred_on = models.DateField()
    found_on = models.DateField()
    contained = models.TextField(max_length=TEXT_MAX)
    patients = models.ManyToManyField(Patient, through="BreachPatient", related_name="+")

    class Meta:
        ordering = ["-found_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(occurred_on__lte=models.F("found_on")),
                name="privacy_breach_found_after",
                violation_error_message="A breach is found on or after the day it happened.",
            ),
        ]

    def __str__(self) -> str:
        return f"Breach {self.pk}"


class BreachPatient(models.Model):
    """A patient whose record a breach concerned, and when they were told."""

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="affected")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["breach", "patient"], name="privacy_breach_patient"),
        ]

    def __str__(self) -> str:
        return f"Breach {self.breach_id}, patient {self.patient_id}"
