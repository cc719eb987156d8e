from django.db import models


class AuditAction(models.TextChoices):
    """What someone did, or tried to do, with personal health information."""

    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    EXPORT = "export", "Exported"
    DENY = "deny", "Refused"
    # Signing in: a success, or a failure (outcome DENIED) with no patient concerned.
    SIGN_IN = "sign_in", "Signed in"
    # A record opened outside the care relationship or past a patient's lockbox, in an
    # emergency (break-glass), with a reason; reviewed by the privacy officer.
    EMERGENCY = "emergency", "Opened in an emergency"


class AuditOutcome(models.TextChoices):
    """How it ended: a refused or missing record is on file as much as a shown one."""

    SUCCESS = "success", "Succeeded"
    DENIED = "denied", "Denied"
    NOT_FOUND = "not_found", "Not found"
