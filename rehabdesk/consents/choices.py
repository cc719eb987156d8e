from django.db import models


class ConsentChannel(models.TextChoices):
    """Where the patient gave their consent."""

    ONLINE = "online", "Online booking"
    STAFF = "staff", "At the front desk"
    PAPER = "paper", "On paper"
