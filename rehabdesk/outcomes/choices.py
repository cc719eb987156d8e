from __future__ import annotations

from django.db import models


class RequestPurpose(models.TextChoices):
    """Why a measure is asked (the plan's schedule, or a practitioner by hand)."""

    ASSESSMENT = "assessment", "At the assessment"
    PROGRESS = "progress", "Progress"
    DISCHARGE = "discharge", "At discharge"
    BY_HAND = "by_hand", "Asked by the practitioner"


class ResultSource(models.TextChoices):
    """Where the answers came from."""

    LINK = "link", "The patient, from the e-mailed link"
    PORTAL = "portal", "The patient, in the portal"
    PRACTITIONER = "practitioner", "Entered by the practitioner"
