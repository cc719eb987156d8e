from django.db import models


class TokenKind(models.TextChoices):
    """Whom a token acts as."""

    # A member of staff's own: it acts as them, with their role and their patients.
    PERSONAL = "personal", "Personal"
    # An integration's: it acts as a service account made for it, with one role.
    APPLICATION = "application", "Application"


class Scope(models.TextChoices):
    """What a token may be used for, route by route (docs/api-token-scopes.csv). A
    scope never widens the access policy: it narrows what the token's person may do."""

    SCHEDULE_READ = "schedule:read", "Read the schedule (appointments, waitlist, changed hours)"
    BOOKING_WRITE = "booking:write", "Book, move, cancel, check in"
    PATIENTS_READ = "patients:read", "Read patients' information"
    FHIR_READ = "fhir:read", "Read FHIR resources"
