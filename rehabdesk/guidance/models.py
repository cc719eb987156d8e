"""Stored guide results: what a visitor chose to submit, with the rule-set version."""

from __future__ import annotations

from django.db import models

from rehabdesk.guidance.choices import GuideLevel
from rehabdesk.patients.models import Patient


class GuideResult(models.Model):
    """One answer of the public guide ("Which treatment is right for me?"), kept as it
    was told: the visitor's answers (question codes of the rule set), the rule-set
    version that read them, the level and the whole result as JSON. A later rule-set
    version never changes what an earlier visitor was told.

    Nothing identifies the visitor: no name, address, IP or session. When they go on to
    book online, the row is linked to the new booking's patient (and becomes part of
    that patient's health information, audited from then on)."""

    answers = models.JSONField(help_text="Question code → answer, as submitted.")
    ruleset_version = models.PositiveIntegerField()
    ruleset_sha256 = models.CharField(
        max_length=64, help_text="The SHA-256 of the rule file's bytes that read the answers."
    )
    level = models.CharField(max_length=20, choices=GuideLevel.choices)
    result = models.JSONField(help_text="The result as it was shown, in full.")
    created_at = models.DateTimeField()
    patient = models.ForeignKey(
        Patient,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="guide_results",
    )
    linked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["patient", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=GuideLevel.values), name="guidance_level_known"
            ),
            models.CheckConstraint(
                condition=models.Q(patient__isnull=True, linked_at__isnull=True)
                | models.Q(patient__isnull=False, linked_at__gte=models.F("created_at")),
                name="guidance_linked_with_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Guide result #{self.pk} (rule set v{self.ruleset_version}, {self.level})"
