from __future__ import annotations

from django.db import models


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DISCHARGED = "discharged", "Discharged"


class DischargeReason(models.TextChoices):
    GOALS_MET = "goals_met", "Goals met"
    PLATEAU = "plateau", "No further progress expected"
    SELF_DISCHARGED = "self_discharged", "The patient stopped coming"
    REFERRED = "referred", "Referred elsewhere"
    OTHER = "other", "Other"


class GoalOutcome(models.TextChoices):
    """A goal judged at discharge ('' while the plan is active)."""

    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"
