"""Safety alerts that follow a patient, and the red-flag reviews practitioners decide.

Both are part of the clinical record: health information, shown only to practitioners
in the patient's care (access.policy, VIEW_CLINICAL) and audited whenever shown or
changed. Neither is ever deleted. A cleared alert and a decided review never change
again, and the database itself refuses it (safety/guards.py), whatever code asks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from rehabdesk.clinic.models import Practitioner
from rehabdesk.patients.models import Patient
from rehabdesk.safety.choices import (
    OPEN_STATES,
    AlertLevel,
    AlertSource,
    AlertState,
    RedFlagDecision,
)
from rehabdesk.safety.modalities import modality_names

URGENCY = {
    "emergency": "Emergency",
    "doctor_today": "Doctor today",
    "doctor_first": "Doctor first",
}


class Alert(models.Model):
    """Something every practitioner treating this patient must know before touching
    them: "do not use electrotherapy: pacemaker", "lighter pressure: blood thinners".

    Raised by a rule of the rule set from the patient's answers (`rule` and
    `ruleset_version` say which), or added by hand by a practitioner (`rule` empty,
    `created_by` says who). `modalities` are the treatment modalities it covers
    (rehabdesk.guidance.rules' vocabulary); a do-not-treat alert in force holds any
    booking of a service using one of them until a practitioner clears it.
    Active -> acknowledged (seen, still in force) -> cleared (with a reason).
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="safety_alerts")
    level = models.CharField(max_length=20, choices=AlertLevel.choices)
    modalities = models.JSONField(default=list, help_text="Modality codes, sorted.")
    reason = models.TextField(help_text="Why, in the clinic's words.")
    rule = models.CharField(max_length=80, blank=True, help_text="Empty: added by hand.")
    ruleset_version = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=AlertSource.choices)
    # The intake response or red-flag review it came from. Intake sits above safety in
    # the layers, so its response is named by id, not by a foreign key.
    source_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(max_length=20, choices=AlertState.choices, default=AlertState.ACTIVE)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cleared_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["patient", "created_at", "pk"]
        indexes = [models.Index(fields=["patient", "state"])]
        constraints = [
            # One alert in force per rule and patient: raising it again changes nothing.
            models.UniqueConstraint(
                fields=["patient", "rule"],
                condition=Q(state__in=OPEN_STATES) & ~Q(rule=""),
                name="safety_alert_one_open_per_rule",
            ),
            models.CheckConstraint(
                condition=Q(source=AlertSource.MANUAL, rule="", created_by__isnull=False)
                | (~Q(source=AlertSource.MANUAL) & ~Q(rule="")),
                name="safety_alert_rule_or_by_hand",
            ),
            models.CheckConstraint(
                condition=Q(state=AlertState.ACTIVE, acknowledged_at__isnull=True)
                | Q(
                    state=AlertState.ACKNOWLEDGED,
                    acknowledged_at__isnull=False,
                    acknowledged_by__isnull=False,
                )
                | Q(state=AlertState.CLEARED),
                name="safety_alert_acknowledged_when",
            ),
            models.CheckConstraint(
                condition=Q(
                    state=AlertState.CLEARED,
                    cleared_at__isnull=False,
                    cleared_by__isnull=False,
                )
                & ~Q(cleared_reason="")
                | (~Q(state=AlertState.CLEARED) & Q(cleared_at__isnull=True, cleared_reason="")),
                name="safety_alert_cleared_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(level__in=AlertLevel.values), name="safety_alert_level_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} alert #{self.pk}"

    @property
    def by_hand(self) -> bool:
        return not self.rule

    @property
    def in_force(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def covers(self) -> str:
        """The modalities, in words."""
        return modality_names(self.modalities)


class RedFlagReview(models.Model):
    """A red flag in a patient's answers, waiting for a practitioner's decision: refer
    to emergency, refer to the family doctor, or clear for treatment, with a reason.

    Red flags alone diagnose nothing (domain reference §2.1); they prompt a clinician
    to look and to put the decision on record. Until decided, hands-on bookings wait.
    Once decided, the row is part of the clinical record and never changes; no row is
    ever deleted (the database refuses both).
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="red_flag_reviews")
    rule = models.CharField(max_length=80, help_text="The red-flag rule, or question, raised.")
    urgency = models.CharField(max_length=20, help_text="The rule's level: emergency, …")
    clinician_text = models.TextField(help_text="What the flag may mean, for the clinician.")
    # The answers that raised it: {question code: answer}.
    answers = models.JSONField(default=dict)
    ruleset_version = models.PositiveIntegerField()
    source = models.CharField(max_length=20, choices=AlertSource.choices)
    source_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    decision = models.CharField(max_length=30, choices=RedFlagDecision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by_practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["patient", "created_at", "pk"]
        indexes = [models.Index(fields=["patient", "decision"])]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "rule"],
                condition=Q(decision=""),
                name="safety_review_one_open_per_rule",
            ),
            models.CheckConstraint(
                condition=Q(
                    decision="",
                    decision_reason="",
                    decided_at__isnull=True,
                    decided_by__isnull=True,
                    decided_by_practitioner__isnull=True,
                )
                | (
                    Q(
                        decision__in=RedFlagDecision.values,
                        decided_at__isnull=False,
                        decided_by__isnull=False,
                        decided_by_practitioner__isnull=False,
                    )
                    & ~Q(decision_reason="")
                ),
                name="safety_review_decided_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"Red-flag review #{self.pk}"

    @property
    def decided(self) -> bool:
        return bool(self.decision)

    @property
    def urgency_label(self) -> str:
        return URGENCY.get(self.urgency, self.urgency)
