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
    MOVED = "moved", "Moved"
    ARRIVED = "arrived", "Checked in"
    NOSHOW = "noshow", "Marked no-show"
    KEPT = "kept", "Kept outside changed hours"
    PATIENT_CONFIRMED = "patient_confirmed", "Confirmed by the patient"


class CancelledBy(models.TextChoices):
    PATIENT = "patient", "Patient"
    CLINIC = "clinic", "Clinic"


class SeriesScope(models.TextChoices):
    """Which occurrences of a series a change applies to."""

    THIS = "this", "This appointment only"
    FOLLOWING = "following", "This and following"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a time"
    BOOKED = "booked", "Booked"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


class OfferStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class FreedKind(models.TextChoices):
    """How time became free: a booking released it (offered to one patient), new
    hours opened it (offered to every waiting patient it fits), or the front desk
    picked it to offer one waiting patient (passed to one other if they say no)."""

    RELEASED = "released", "Released by a booking"
    OPENED = "opened", "Opened by new hours"
    DESK = "desk", "Offered by the front desk"


class DayPart(models.TextChoices):
    """Parts of the day a waitlist entry prefers, in the location's local time."""

    MORNING = "morning", "Morning (before noon)"
    AFTERNOON = "afternoon", "Afternoon (noon to 5 PM)"
    EVENING = "evening", "Evening (from 5 PM)"


class FeedKind(models.TextChoices):
    """Whose appointments a calendar feed carries."""

    PRACTITIONER = "practitioner", "A practitioner's appointments"
    PATIENT = "patient", "A patient's (and their family's) upcoming visits"


class ReminderOutcome(models.TextChoices):
    """What became of one reminder (services/reminders.py): queued in the outbox, or
    why not. Each is decided once per visit time, rule and channel."""

    QUEUED = "queued", "Queued"
    NO_CONTACT = "no_contact", "Nobody to send it to (no address, or not agreed)"
    BOOKED_LATE = "booked_late", "Booked or moved after its time (the confirmation said it)"
