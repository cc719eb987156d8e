"""Treatment plans: after an assessment, the practitioner's problems, measurable goals,
the course of visits per discipline (say physiotherapy twice a week for six weeks,
massage every two weeks), when to reassess and which outcome measures to ask when; the
plan is booked as whole series through the scheduling services, followed (visits
planned, booked, attended; falling behind) and closed by a discharge summary.
docs/algorithms/treatment-plans.md

Plans are health information: read and written only through the accessors
(access.policy, VIEW_CLINICAL / CHANGE_CLINICAL for practitioners in care), every read
and write audited. A discharged plan never changes (plans/guards.py).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from rehabdesk.care.models import VisitNote
from rehabdesk.clinic.models import Discipline, Location, Practitioner, Service
from rehabdesk.core.models import TimeStampedModel
from rehabdesk.outcomes.scoring import INSTRUMENT_CHOICES
from rehabdesk.patients.models import Patient
from rehabdesk.plans.choices import DischargeReason, GoalOutcome, PlanStatus
from rehabdesk.scheduling.models import AppointmentSeries

MAX_PLAN_WEEKS = 52  # a plan longer than a year is refused


class TreatmentPlan(TimeStampedModel):
    """One course of care for one patient, written by a practitioner from an
    assessment. `revision` rises with every change, so two tabs cannot overwrite each
    other. Discharge sets `discharged_at` and the summary; from then on the plan stands."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    assessment_note = models.ForeignKey(
        VisitNote, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    # The problem list, one entry per problem, in the practitioner's words.
    problems = models.JSONField(default=list)
    starts_on = models.DateField()
    # Reassess on a date, or after a number of visits (either or both).
    reassess_on = models.DateField(null=True, blank=True)
    reassess_after_visits = models.PositiveSmallIntegerField(null=True, blank=True)
    discharge_criteria = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    discharged_at = models.DateTimeField(null=True, blank=True)
    discharged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    discharge_reason = models.CharField(max_length=20, choices=DischargeReason.choices, blank=True)
    discharge_summary = models.TextField(blank=True)

    class Meta:
        ordering = ["patient", "-starts_on", "-pk"]
        indexes = [models.Index(fields=["patient", "status"], name="plans_plan_patient")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=PlanStatus.ACTIVE, discharged_at__isnull=True)
                | Q(status=PlanStatus.DISCHARGED, discharged_at__isnull=False),
                name="plans_plan_discharged_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan from {self.starts_on}"


class PlanGoal(models.Model):
    """A measurable goal with a target date, optionally tied to an outcome measure and
    a target score ("ODI from 42 % to 20 % or less by March 1"). Judged at discharge."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="goals")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    instrument = models.CharField(max_length=20, choices=INSTRUMENT_CHOICES, blank=True)
    target = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    target_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=GoalOutcome.choices, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="plans_goal_position"),
        ]

    def __str__(self) -> str:
        return self.text


class PlanCourse(models.Model):
    """The visits one discipline plans: `visits` every `every_weeks` weeks for `weeks`
    weeks (2 every 1 for 6: twice a week for six weeks; 1 every 2 for 8: every second
    week for eight weeks), with this practitioner and service, at the preferred
    location. `series` are the bookings made when the plan was booked."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="courses")
    discipline = models.ForeignKey(Discipline, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    visits = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    every_weeks = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    weeks = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PLAN_WEEKS)]
    )
    series = models.ManyToManyField(AppointmentSeries, blank=True, related_name="+")

    class Meta:
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return f"{self.visits} every {self.every_weeks} week(s) for {self.weeks} weeks"

    @property
    def planned_visits(self) -> int:
        return self.visits * -(-self.weeks // self.every_weeks)


class PlanMeasure(models.Model):
    """An outcome measure on the plan's schedule: at the assessment, every N visits,
    at discharge (any combination)."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="measures")
    instrument = models.CharField(max_length=20, choices=INSTRUMENT_CHOICES)
    at_start = models.BooleanField(default=True)
    every_visits = models.PositiveSmallIntegerField(null=True, blank=True)
    at_discharge = models.BooleanField(default=True)

    class Meta:
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "instrument"], name="plans_measure_once"),
        ]

    def __str__(self) -> str:
        return self.get_instrument_display()
