"""The clinic's reminder policy: how long before a visit each channel reminds the
patient. scheduling/services/reminders.py sends them; docs/domain/reminders.md says how."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from rehabdesk.clinic.choices import ReminderChannel
from rehabdesk.clinic.models.catalogue import Service
from rehabdesk.clinic.models.sites import Clinic
from rehabdesk.core.models import TimeStampedModel

# ⚠ Configurable per rule, within these bounds: a reminder more than two weeks ahead is
# forgotten by the visit, one less than two hours ahead is no use for a change of plan.
REMINDER_HOURS_MIN = 2
REMINDER_HOURS_MAX = 336


class ReminderRule(TimeStampedModel):
    """One reminder: by `channel`, `hours_before` the visit starts (real hours, so a
    clock change in between does not shift it). A rule for all services applies to
    every service that has no rule of its own for that channel; a service's own rules
    replace them (a longer notice for a first assessment, say). Inactive rules are kept
    but send nothing."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="reminder_rules")
    channel = models.CharField(max_length=10, choices=ReminderChannel.choices)
    hours_before = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(REMINDER_HOURS_MIN), MaxValueValidator(REMINDER_HOURS_MAX)],
        help_text=f"Hours before the visit ({REMINDER_HOURS_MIN} to {REMINDER_HOURS_MAX}).",
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_rules",
        help_text="Empty: every service without reminders of its own by this channel.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic", "service", "channel", "-hours_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "channel", "hours_before", "service"],
                name="reminder_rule_once",
                violation_error_message="This reminder is already on file.",
            ),
            models.UniqueConstraint(
                fields=["clinic", "channel", "hours_before"],
                condition=Q(service__isnull=True),
                name="reminder_rule_once_for_all",
                violation_error_message="This reminder is already on file for all services.",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=ReminderChannel.values),
                name="reminder_rule_channel_known",
            ),
            models.CheckConstraint(
                condition=Q(hours_before__gte=REMINDER_HOURS_MIN)
                & Q(hours_before__lte=REMINDER_HOURS_MAX),
                name="reminder_rule_hours_in_range",
            ),
        ]

    def __str__(self) -> str:
        channel = ReminderChannel(self.channel).label
        whom = self.service.name if self.service is not None else "all services"
        return f"{channel} {self.hours_before} h before ({whom})"
