from django.db import models


class FamilyRelationship(models.TextChoices):
    PARENT = "parent", "Parent"
    LEGAL_GUARDIAN = "legal_guardian", "Legal guardian"
    SUBSTITUTE_DECISION_MAKER = "substitute", "Substitute decision-maker"
    SPOUSE = "spouse", "Spouse or partner"
    CAREGIVER = "caregiver", "Caregiver"


class HolderRelationship(models.TextChoices):
    """How the patient is related to the person who holds the insurance plan."""

    SELF = "self", "Self"
    SPOUSE = "spouse", "Spouse or partner"
    CHILD = "child", "Child"
    OTHER = "other", "Other dependant"
