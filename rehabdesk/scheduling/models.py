"""Appointments: who sees whom, where, when, with which rooms and equipment.

Two appointments never overlap for one practitioner or one resource while active, nor
for one patient unless the front desk booked the overlap on purpose: the booking
service checks, and the database refuses an overlap that slips past a race (exclusion
constraints on PostgreSQL, triggers on SQLite; scheduling/guards.py). Every change is
an AppointmentEvent, never an edit of history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from rehabdesk.clinic.choices import ReminderChannel
from rehabdesk.clinic.models import Location, Practitioner, Resource, Service
from rehabdesk.core.clock import utc_text
from rehabdesk.core.models import TimeStampedModel
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import (
    AppointmentStatus,
    CancelledBy,
    Channel,
    EventKind,
    FeedKind,
    FreedKind,
    OfferStatus,
    ReminderOutcome,
    WaitlistStatus,
)


class AppointmentSeries(models.Model):
    """Visits booked together on a weekly pattern, e.g. Tuesdays and Thursdays at 9:00
    for six weeks. `pattern` is a list of {"weekday": 0–6 (Monday 0), "time": "HH:MM"}
    in the location's local time; each occurrence is an ordinary Appointment."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="series")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    pattern = models.JSONField()
    first_day = models.DateField()
    weeks = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "appointment series"

    def __str__(self) -> str:
        return f"{self.service} series from {self.first_day}"


class Appointment(TimeStampedModel):
    """A patient's visit with a practitioner for a service at a location.

    The practitioner is with the patient from `start` to `end`; they and every resource
    stay held until `busy_until` (the service's buffer: notes, turnover). A hold is
    `pending` until `hold_expires_at`.
    """

    # Empty only on a hold made online before the visitor has said who they are
    # (appointment_hold_claim puts the patient on it), and on such a hold once released;
    # never on a booking.
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="appointments"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    busy_until = models.DateTimeField()
    status = models.CharField(max_length=20, choices=AppointmentStatus.choices)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    front_desk_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The same key sent again returns this appointment instead of booking twice.
    idempotency_key = models.CharField(max_length=80, blank=True, default="")
    request_fingerprint = models.CharField(max_length=64, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    cancelled_by = models.CharField(max_length=10, choices=CancelledBy.choices, blank=True)
    # Cancelled with less than the clinic's notice; the fee (late cancellation or
    # no-show) is recorded here for billing to charge later.
    late_cancellation = models.BooleanField(default=False)
    fee_due = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    series = models.ForeignKey(
        AppointmentSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    # Set when changed hours, time off, a closure or a registration leave this booking
    # outside what is allowed; cleared when it is moved, cancelled or kept on purpose.
    outside_hours_since = models.DateTimeField(null=True, blank=True)
    kept_outside_hours = models.BooleanField(default=False)
    # When the patient said they will come (a "C" replied to a text message); cleared
    # when the appointment moves, since they confirmed the old time.
    patient_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Why the front desk booked this visit over another of the same patient's on purpose
    # (a physio visit running into a massage with a second therapist); empty for every
    # other visit, which may not overlap one of the patient's (scheduling/guards.py).
    overlap_reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["start", "practitioner"]
        indexes = [
            models.Index(fields=["practitioner", "start"]),
            models.Index(fields=["location", "start"]),
            models.Index(fields=["patient", "start"]),
            models.Index(fields=["status", "hold_expires_at"]),
            models.Index(
                fields=["outside_hours_since"],
                condition=Q(outside_hours_since__isnull=False),
                name="appointment_outside_hours",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")) & Q(busy_until__gte=F("end")),
                name="appointment_times_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status=AppointmentStatus.PENDING) | Q(hold_expires_at__isnull=False),
                name="appointment_hold_expires",
            ),
            models.CheckConstraint(
                condition=Q(patient__isnull=False)
                | Q(status__in=[AppointmentStatus.PENDING, AppointmentStatus.CANCELLED]),
                name="appointment_patient_unless_held",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="appointment_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} with {self.practitioner} at {utc_text(self.start)}"


class AppointmentResource(models.Model):
    """A room or piece of equipment held for an appointment, with its own time range
    and whether it is still held (released when the appointment is cancelled)."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="resource_holds"
    )
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="holds")
    start = models.DateTimeField()
    busy_until = models.DateTimeField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["appointment", "resource"]
        indexes = [models.Index(fields=["resource", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(busy_until__gt=F("start")), name="appointment_resource_times_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} for appointment {self.appointment_id}"


class AppointmentEvent(models.Model):
    """One change in an appointment's life: held, booked, moved, cancelled … Written by
    the services, never changed afterwards."""

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="events")
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    status = models.CharField(max_length=20, choices=AppointmentStatus.choices)
    start = models.DateTimeField()
    end = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["appointment", "occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {utc_text(self.occurred_at)}"


class FreedTime(models.Model):
    """Time that became free for a practitioner at a location, waiting to be offered to
    the waitlist: released by a cancelled or moved booking, or opened by new hours. Written
    in the same transaction as the change; `processed_at` is set by whoever claims it."""

    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=FreedKind.choices)
    start = models.DateTimeField()
    # Empty for opened time: the new hours run on as far as anyone may book.
    end = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["processed_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {utc_text(self.start)}"


class WaitlistEntry(models.Model):
    """A patient waiting for a time: a service, one practitioner or any, some locations,
    preferred weekdays (0 Monday … 6 Sunday; empty: any) and parts of the day (empty:
    any), until `valid_until`. The longest-waiting matching entry is offered first."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="waitlist")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    locations = models.ManyToManyField(Location, related_name="+")
    weekdays = models.JSONField(default=list, blank=True)
    day_parts = models.JSONField(default=list, blank=True)
    valid_until = models.DateField()
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Waiting for {self.service} since {self.created_at:%Y-%m-%d}"


class WaitlistOffer(models.Model):
    """A freed time offered to one waiting patient, held for them (`appointment` is the
    hold) until `expires_at`."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.PROTECT, related_name="offers")
    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="waitlist_offer"
    )
    freed = models.ForeignKey(FreedTime, on_delete=models.PROTECT, related_name="offers")
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "expires_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status=OfferStatus.OPEN),
                name="waitlist_one_open_offer_per_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"Offer to entry {self.entry_id} until {utc_text(self.expires_at)}"


class AppointmentReminder(models.Model):
    """One reminder decided for a visit: by `channel`, `hours_before` the visit's `start`
    as it stood. Written once, in the transaction that queues the message, so a second
    scheduler cannot send it twice; a visit moved to another time is a new `start`, so
    it is reminded again (services/reminders.py)."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="reminders")
    channel = models.CharField(max_length=10, choices=ReminderChannel.choices)
    hours_before = models.PositiveSmallIntegerField()
    start = models.DateTimeField(help_text="The visit's start this reminder was for.")
    outcome = models.CharField(max_length=12, choices=ReminderOutcome.choices)
    message = models.ForeignKey(
        OutboxMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["appointment", "start", "channel", "-hours_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "channel", "hours_before", "start"],
                name="appointment_reminder_once",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=ReminderOutcome.values),
                name="appointment_reminder_outcome_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.hours_before} h before {utc_text(self.start)}: {self.outcome}"


class CalendarFeed(models.Model):
    """A private calendar subscription: a secret address a calendar program (phone,
    Outlook, Google) fetches without signing in, listing a practitioner's appointments
    or a patient's upcoming visits.

    The address carries a random secret; only its SHA-256 is kept, so the table gives
    no working address away. One live feed per person and kind: making a new address
    revokes the old one, and turning it off revokes it (`revoked_at`); rows are kept for
    the record. `last_fetched_at` says whether anything still reads it, written at most
    hourly (scheduling/services/feeds.py).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    kind = models.CharField(max_length=12, choices=FeedKind.choices)
    secret_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_live",
            ),
        ]

    def __str__(self) -> str:
        state = "live" if self.revoked_at is None else "revoked"
        return f"{self.get_kind_display()} feed ({state})"
