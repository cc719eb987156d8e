"""Home exercise programs: the clinic's exercise library, each patient's program
(exercises with sets, reps, hold and notes; how many sessions a day, how many days a
week), and the sessions the patient ticks off, with an optional pain score.
docs/domain/home-exercise.md

A program and its sessions are health information: practitioners in the patient's care
prescribe and read them (VIEW_CLINICAL / CHANGE_CLINICAL), the patient and their
guardian follow them (FOLLOW_PROGRAM), every read and write audited.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from rehabdesk.clinic.models import Practitioner
from rehabdesk.core.models import TimeStampedModel
from rehabdesk.exercises.choices import BodyRegion
from rehabdesk.patients.models import Patient


def dosage_text(sets: int, reps: int | None, hold_seconds: int | None) -> str:
    """ "2 sets of 10 reps, hold 5 s": the dosage as the patient reads it."""
    if reps is not None:
        said = f"{sets} set{'s' if sets != 1 else ''} of {reps} rep{'s' if reps != 1 else ''}"
    else:
        said = f"{sets} time{'s' if sets != 1 else ''}"
    if hold_seconds is not None:
        held = f"{hold_seconds // 60} min" if hold_seconds % 60 == 0 else f"{hold_seconds} s"
        said += f", hold {held}" if reps is not None else f", {held} each"
    return said


class Exercise(TimeStampedModel):
    """One exercise of the clinic's library, in plain language a patient follows alone,
    with the dosage a prescription starts from. Shipped ones come from
    exercises/library/*.toml; managers add, change and deactivate them (never delete:
    programs point at them)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    body_region = models.CharField(max_length=30, choices=BodyRegion.choices)
    instructions = models.TextField()
    default_sets = models.PositiveSmallIntegerField(default=2)
    default_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    default_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    media_url = models.URLField(blank=True, help_text="An optional picture or video link.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["body_region", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def default_dosage(self) -> str:
        return dosage_text(self.default_sets, self.default_reps, self.default_hold_seconds)


class Program(TimeStampedModel):
    """A patient's home program from one practitioner: `sessions_per_day` sessions on
    `days_per_week` days, from `starts_on` until `ends_on` or until stopped. A changed
    program keeps its past sessions; `revision` rises with every change."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    sessions_per_day = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    days_per_week = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    notes = models.TextField(blank=True)
    # The patient's daily reminder through the outbox, at this local time (None: off).
    reminder_at = models.TimeField(null=True, blank=True)
    # The local day (in the patient's zone) of the last reminder written to the outbox:
    # the scheduler's claim that makes a day's reminder go once, clock change or not.
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    revision = models.PositiveIntegerField(default=1)
    stopped_at = models.DateTimeField(null=True, blank=True)
    stop_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["patient", "-starts_on", "-pk"]
        indexes = [models.Index(fields=["patient", "stopped_at"], name="exercises_program_patient")]

    def __str__(self) -> str:
        return f"Program from {self.starts_on}"


class ProgramExercise(models.Model):
    """One exercise of a program, with its own dosage and notes. A change of the
    program closes its rows (`removed_at`) and writes the new list: what was prescribed
    when stays on file."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    sets = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    reps = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    hold_seconds = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    notes = models.CharField(max_length=300, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["program", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "position"],
                condition=models.Q(removed_at__isnull=True),
                name="exercises_item_position",
            ),
        ]

    def __str__(self) -> str:
        return str(self.exercise)

    @property
    def dosage(self) -> str:
        return dosage_text(self.sets, self.reps, self.hold_seconds)


class ProgramSession(models.Model):
    """A session the patient did: the day (in the location's zone), which of the
    day's sessions, an optional pain score 0-10. Written once; ticked by mistake is
    undone the same day (`undone_at`), never deleted."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="sessions")
    day = models.DateField()
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    pain = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    done_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["program", "day", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "day", "number"],
                condition=models.Q(undone_at__isnull=True),
                name="exercises_session_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.number} on {self.day}"
