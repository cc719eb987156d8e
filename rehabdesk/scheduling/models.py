"""Appointments: who sees whom, where, when, with which rooms and equipment.

Two appointments never overlap for one practitioner or one resource while active: the
booking service checks with the availability engine, and the database refuses an
overlap that slips past a race (an exclusion constraint on PostgreSQL, a trigger on
SQLite; scheduling/guards.py). Every change is an AppointmentEvent, never an edit of
history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from rehabdesk.clinic.models import Location, Practitioner, Resource, Service
from rehabdesk.core.models import TimeStampedModel
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import AppointmentStatus, Channel, EventKind


class Appointment(TimeStampedModel):
    """A patient's visit with a practitioner for a service at a location.

    The practitioner is with the patient from `start` to `end`; they and every resource
    stay held until `busy_until` (the service's buffer: notes, turnover). A hold is
    `pending` until `hold_expires_at`.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
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

    class Meta:
        ordering = ["start", "practitioner"]
        indexes = [
            models.Index(fields=["practitioner", "start"]),
            models.Index(fields=["location", "start"]),
            models.Index(fields=["patient", "start"]),
            models.Index(fields=["status", "hold_expires_at"]),
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
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="appointment_idempotency_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} with {self.practitioner} at {self.start:%Y-%m-%d %H:%M}"


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
        return f"{self.get_kind_display()} at {self.occurred_at:%Y-%m-%d %H:%M}"
