from django.db import models


class RequestStatus(models.TextChoices):
    """Where a patient's request (access or correction) is: received, then decided once."""

    RECEIVED = "received", "Waiting for review"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


class BreachCause(models.TextChoices):
    """What kind of breach, in the categories of the IPC's annual breach statistics for
    health information custodians (docs/domain/privacy-rights.md cites the source)."""

    STOLEN = "stolen", "Stolen"
    LOST = "lost", "Lost"
    SNOOPING = "snooping", "Used without authority (snooping)"
    MISDIRECTED = "misdirected", "Disclosed without authority: misdirected"
    UNAUTHORIZED_DISCLOSURE = "unauthorized_disclosure", "Disclosed without authority: other"
    CYBERATTACK = "cyberattack", "Cyberattack"
