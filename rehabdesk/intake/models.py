"""Health intake forms as patients filled them in."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rehabdesk.intake.choices import IntakeChannel, IntakeStatus
from rehabdesk.patients.models import Patient


class IntakeResponse(models.Model):
    """A patient's answers to one version of the health intake form, filled in before
    their first visit: online (from the booking e-mail, the manage link or the portal)
    or typed in by the front desk from a paper form. A draft is saved section by
    section and can be resumed; once submitted it is part of the clinical record and
    is not changed. The answers are health information: only the access layer reads
    them (access/intake.py), and every read is audited."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="intakes")
    form_version = models.PositiveIntegerField()
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.DRAFT
    )
    channel = models.CharField(max_length=10, choices=IntakeChannel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who started it: the patient's or guardian's account, the desk; "
        "empty through an e-mailed link.",
    )
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # One intake per patient: a draft to resume, or the submitted answers.
            models.UniqueConstraint(fields=["patient"], name="intake_one_per_patient"),
            models.CheckConstraint(
                condition=(
                    models.Q(status=IntakeStatus.DRAFT, submitted_at__isnull=True)
                    | models.Q(status=IntakeStatus.SUBMITTED, submitted_at__isnull=False)
                ),
                name="intake_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=models.Q(updated_at__gte=models.F("started_at")),
                name="intake_updated_after_started",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=IntakeStatus.values),
                name="intake_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=IntakeChannel.values),
                name="intake_channel_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Health intake #{self.pk} (v{self.form_version}, {self.status})"
