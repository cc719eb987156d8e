from __future__ import annotations

from django.db import models


class GuideLevel(models.TextChoices):
    """What the guide told the visitor to do, most urgent first (the rules' Level)."""

    EMERGENCY = "emergency", "Emergency: call 911 or go to emergency now"
    DOCTOR_TODAY = "doctor_today", "See a doctor today"
    DOCTOR_FIRST = "doctor_first", "See a doctor before treatment"
    BOOK = "book", "Book a visit"
