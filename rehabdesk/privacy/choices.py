from django.db import models


class RequestStatus(models.TextChoices):
    """Where a patient's request (access or correction) is: received, then decided once."""

    RECEIVED = "received", "Waiting for review"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"


class BreachCause(models.TextChoices):
    """What kind of breach: the four categories custodians count for the IPC each year
    (O. Reg. 329/04 s.6.4: stolen, lost, used without authority, disclosed without
    authority), with the distinctions the IPC's form asks within them (a cyberattack
    among thefts, a misdirection among disclosures). docs/domain/privacy-rights.md."""

    STOLEN = "stolen", "Stolen"
    CYBERATTACK = "cyberattack", "Stolen: cyberattack (ransomware or other)"
    LOST = "lost", "Lost"
    SNOOPING = "snooping", "Used without authority (snooping)"
    MISDIRECTED = "misdirected", "Disclosed without authority: misdirected"
    UNAUTHORIZED_DISCLOSURE = "unauthorized_disclosure", "Disclosed without authority: other"


# How a cause reads under its category in the yearly report ("Stolen — of which a
# cyberattack"); a cause alone in its category is not broken down.
WITHIN_CATEGORY: dict[BreachCause, str] = {
    BreachCause.STOLEN: "other thefts",
    BreachCause.CYBERATTACK: "a cyberattack (ransomware or other)",
    BreachCause.MISDIRECTED: "misdirected",
    BreachCause.UNAUTHORIZED_DISCLOSURE: "other disclosures",
}

# The statutory categories of the yearly report, each with the causes counted in it.
REPORT_CATEGORIES: tuple[tuple[str, tuple[BreachCause, ...]], ...] = (
    ("Stolen", (BreachCause.STOLEN, BreachCause.CYBERATTACK)),
    ("Lost", (BreachCause.LOST,)),
    ("Used without authority", (BreachCause.SNOOPING,)),
    ("Disclosed without authority", (BreachCause.MISDIRECTED, BreachCause.UNAUTHORIZED_DISCLOSURE)),
)
