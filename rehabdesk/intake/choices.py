from django.db import models


class IntakeStatus(models.TextChoices):
    """Where a patient's health intake stands: all the front desk may know of it."""

    DRAFT = "draft", "Started, not sent yet"
    SUBMITTED = "submitted", "Complete"


class IntakeChannel(models.TextChoices):
    """Who typed the answers in."""

    ONLINE = "online", "Online, by the patient or their guardian"
    PAPER = "paper", "From a paper form, by the front desk"
