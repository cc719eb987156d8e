from __future__ import annotations

from django.db import models


class AlertLevel(models.TextChoices):
    """How strongly an alert restrains treatment, strongest first (the rule set's
    caution levels, rehabdesk.guidance.rules)."""

    DO_NOT_TREAT = "do_not_treat", "Do not treat"
    AVOID_AREA = "avoid_area", "Avoid the area"
    MODIFY = "modify", "Modify treatment"
    NOTE = "note", "Note"


class AlertState(models.TextChoices):
    """Active until a practitioner acknowledges it (it stays in force), cleared when a
    practitioner says, with a reason, that it no longer applies."""

    ACTIVE = "active", "Active"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLEARED = "cleared", "Cleared"


class AlertSource(models.TextChoices):
    INTAKE = "intake", "Health intake"
    GUIDE = "guide", "Treatment guide"
    MANUAL = "manual", "Added by hand"
    RED_FLAG_REVIEW = "red_flag_review", "Red-flag review"


class RedFlagDecision(models.TextChoices):
    """What the practitioner decided about a red flag (domain reference §2.1)."""

    REFERRED_EMERGENCY = "referred_emergency", "Referred to emergency"
    REFERRED_FAMILY_DOCTOR = "referred_family_doctor", "Referred to the family doctor"
    CLEARED = "cleared", "Cleared for treatment"


# Alerts in force: shown, and (do not treat) blocking bookings they cover.
OPEN_STATES = (AlertState.ACTIVE, AlertState.ACKNOWLEDGED)
