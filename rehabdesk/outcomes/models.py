"""Outcome measures: what was asked of a patient, what they answered, and the score
computed from the answers by the versioned scoring package (outcomes/scoring,
docs/algorithms/outcome-measures.md).

Answers and scores are health information: read only through the accessors
(access.policy, VIEW_CLINICAL for practitioners in care; the patient answers their own
through ANSWER_MEASURE or the e-mailed link), every read and write audited. A result is
a fact: recorded once and never changed (outcomes/guards.py); a score is never edited by
hand, only recomputed from the answers it was computed from.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from rehabdesk.clinic.models import Clinic
from rehabdesk.outcomes.choices import RequestPurpose, ResultSource
from rehabdesk.outcomes.scoring import INSTRUMENT_CHOICES
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.models import Appointment

# How long after its due day a request may still be answered (⚠ our choice: a measure
# due before a visit still says something a week or two later; older, it is stale).
ANSWER_DAYS_AFTER_DUE = 14


class InstrumentWording(models.Model):
    """The clinic's licensed wording of an instrument whose text Rehabdesk does not ship
    (ODI, NDI, LEFS, QuickDASH: `Spec.licensed_wording`): each item's question and its
    answers, in order, as the clinic's licence gives them. Versions are kept; `current`
    marks the one patients see."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=20, choices=INSTRUMENT_CHOICES)
    version = models.PositiveIntegerField()
    # [{"text": "...", "answers": ["...", ...]}, ...], one per item in the scoring's order.
    items = models.JSONField()
    current = models.BooleanField(default=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["clinic", "instrument", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "instrument", "version"], name="outcomes_wording_version"
            ),
            models.UniqueConstraint(
                fields=["clinic", "instrument"],
                condition=Q(current=True),
                name="outcomes_wording_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} v{self.version}"


class MeasureRequest(models.Model):
    """A measure asked of a patient: due before a visit on the plan's schedule, or asked
    by a practitioner by hand. Answered once (its result points at it, uniquely), by the
    patient from the e-mailed link (its token kept only as a SHA-256 digest) or in the
    portal, or entered by the practitioner. Cancelled when the visit it was for is."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=20, choices=INSTRUMENT_CHOICES)
    purpose = models.CharField(max_length=20, choices=RequestPurpose.choices)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The plan that scheduled it (plans.TreatmentPlan's id; plans sit above outcomes).
    plan_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    due_on = models.DateField()
    token_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["patient", "due_on", "pk"]
        indexes = [models.Index(fields=["patient", "due_on"], name="outcomes_request_due")]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} due {self.due_on}"

    @property
    def closes_on(self) -> date:
        """The last day the request may be answered (its link stops working after)."""
        return self.due_on + timedelta(days=ANSWER_DAYS_AFTER_DUE)

    def is_open_on(self, today: date) -> bool:
        """Not cancelled and not past `closes_on` (whether it is answered is the
        result's to say: selectors ask the database)."""
        return self.cancelled_at is None and today <= self.closes_on


class MeasureResult(models.Model):
    """One completed measure: the answers as given, and the score, band and reasons
    for no score that `scoring_version` computed from them. Never changed or deleted."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=20, choices=INSTRUMENT_CHOICES)
    scoring_version = models.CharField(max_length=40)
    request = models.OneToOneField(
        MeasureRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="result"
    )
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The answers in the scoring's input format (docs/algorithms/outcome-measures.md).
    responses = models.JSONField()
    # PSFS: each activity's words, by the key its rating has in `responses`.
    activities = models.JSONField(default=dict, blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    # Why there is no score (codes of the scoring package), empty when scored.
    no_score_reasons = models.JSONField(default=list)
    prorated = models.BooleanField(default=False)
    # NPRS's anchor period ("now", "24h_average", ...); GROC's reference point.
    context = models.CharField(max_length=40, blank=True)
    source = models.CharField(max_length=20, choices=ResultSource.choices)
    taken_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["patient", "instrument", "taken_at"]
        indexes = [
            models.Index(
                fields=["patient", "instrument", "taken_at"], name="outcomes_result_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} {self.score}"
