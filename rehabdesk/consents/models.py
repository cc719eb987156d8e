"""The clinic's privacy notice, version by version, and each patient's consent to it.

Ontario's Personal Health Information Protection Act (PHIPA) lets the clinic rely on
implied consent for care, but a patient booking online is asked to read the privacy
notice and agree to it; the record keeps which version they read and when. A
withdrawal is recorded on the row (`withdrawn_at`), never by deleting it.
"""

from __future__ import annotations

from django.db import models

from rehabdesk.consents.choices import ConsentChannel
from rehabdesk.patients.models import Patient


class PrivacyNotice(models.Model):
    """One published version of the privacy notice. The latest published one is the
    one shown; earlier versions stay, because consents refer to the text they read."""

    version = models.PositiveIntegerField(unique=True, editable=False)
    body = models.TextField(help_text="Plain language; blank lines separate paragraphs.")
    published_at = models.DateTimeField(editable=False)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Privacy notice, version {self.version}"


class ConsentRecord(models.Model):
    """A patient agreed to a version of the privacy notice (and perhaps later withdrew)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="consents")
    accepted_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["patient", "accepted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("accepted_at")),
                name="consents_withdrawn_after_accepted",
            )
        ]

    def __str__(self) -> str:
        return f"Consent to notice v{self.notice.version}"
