from django.db import models


class AppointmentStatus(models.TextChoices):
    """FHIR R4 Appointment.status codes, so the FHIR mapping is the identity.

    A hold — a time kept for someone while they finish booking — is `pending` with
    `hold_expires_at`.
    """

    PROPOSED = "proposed", "Proposed"
    PENDING = "pending", "Held"
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    FULFILLED = "fulfilled", "Fulfilled"
    CANCELLED = "cancelled", "Cancelled"
    NOSHOW = "noshow", "No-show"
    ENTERED_IN_ERROR = "entered-in-error", "Entered in error"


# Statuses that occupy the practitioner and the resources: the database refuses two of
# these that overlap. A no-show frees the time (a walk-in may take it).
ACTIVE_STATUSES = (
    AppointmentStatus.PENDING,
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
)


class Channel(models.TextChoices):
    ONLINE = "online", "Online"
    PHONE = "phone", "Phone"
    WALK_IN = "walk-in", "Walk-in"
    STAFF = "staff", "Staff"


class EventKind(models.TextChoices):
    HELD = "held", "Held"
    BOOKED = "booked", "Booked"
    CONFIRMED = "confirmed", "Hold confirmed"
    HOLD_EXPIRED = "hold_expired", "Hold expired"
    CANCELLED = "cancelled", "Cancelled"
    IMPORTED = "imported", "Imported"
