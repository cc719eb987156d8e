"""Patients, the families who book for them, their insurance, and who cares for them.

Everything here is personal health information under PHIPA: it is written through
patients.services (each write audited), read through rehabdesk.access (each read
audited), and never deleted — a patient who leaves is deactivated, because records are
kept at least ten years after the last visit.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from rehabdesk.clinic.models import Practitioner
from rehabdesk.core.models import TimeStampedModel
from rehabdesk.patients.choices import FamilyRelationship, HolderRelationship


class Patient(TimeStampedModel):
    """Someone the clinic cares for — or a parent or guardian who books for someone.

    `user` is set when the person can sign in (the patient portal); a child usually has
    no account and is managed through a FamilyLink.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patient",
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    preferred_name = models.CharField(max_length=80, blank=True)
    pronouns = models.CharField(max_length=30, blank=True)
    date_of_birth = models.DateField()

    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    alternate_phone = models.CharField(max_length=30, blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=80, blank=True)
    province = models.CharField(max_length=2, default="ON", blank=True)
    postal_code = models.CharField(max_length=10, blank=True)

    emergency_contact_name = models.CharField(max_length=120, blank=True)
    emergency_contact_relationship = models.CharField(max_length=60, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)

    family_doctor_name = models.CharField(max_length=120, blank=True)
    family_doctor_clinic = models.CharField(max_length=120, blank=True)
    family_doctor_phone = models.CharField(max_length=30, blank=True)

    contact_by_email = models.BooleanField(default=True)
    contact_by_sms = models.BooleanField("contact by text message", default=False)
    # When a STOP reply to one of our texts unticked contact_by_sms; empty otherwise,
    # and emptied whenever the box is changed on a form. A START reply ticks the box
    # again only where this is set: a box the person unticked themselves stays off.
    sms_stopped_at = models.DateTimeField(null=True, blank=True, editable=False)
    contact_by_phone = models.BooleanField(default=True)
    preferred_language = models.CharField(max_length=40, default="English")

    # Digits only, kept by the services, so "905-555-0101" and "(905) 555 0101" match.
    phone_digits = models.CharField(max_length=30, blank=True, editable=False, db_index=True)

    active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True, editable=False)
    deactivation_reason = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["last_name", "first_name", "date_of_birth"]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["email"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sms_stopped_at__isnull=True) | Q(contact_by_sms=False),
                name="patient_sms_stopped_not_texted",
            ),
            models.CheckConstraint(
                condition=Q(active=True) | Q(deactivated_at__isnull=False),
                name="patient_deactivation_dated",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday


class FamilyLink(TimeStampedModel):
    """A parent, guardian or caregiver who may act for a dependent: book, move and
    cancel their appointments and keep their contact details up to date."""

    guardian = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="dependent_links")
    dependent = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="guardian_links")
    relationship = models.CharField(max_length=30, choices=FamilyRelationship.choices)
    manages_bookings = models.BooleanField(default=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["guardian", "dependent"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(guardian=F("dependent")),
                name="family_link_not_self",
                violation_error_message="A person cannot be their own guardian.",
            ),
            models.UniqueConstraint(
                fields=["guardian", "dependent"],
                condition=Q(ended_at__isnull=True),
                name="family_link_unique_current",
                violation_error_message="These two are already linked.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.dependent} ({self.get_relationship_display()})"


class Coverage(TimeStampedModel):
    """An extended-health plan that reimburses the patient's visits."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="coverages")
    insurer = models.CharField(max_length=120)
    policy_number = models.CharField(max_length=60, blank=True)
    member_id = models.CharField(max_length=60, blank=True)
    plan_holder_name = models.CharField(max_length=120, blank=True)
    relationship_to_holder = models.CharField(
        max_length=12, choices=HolderRelationship.choices, default=HolderRelationship.SELF
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["patient", "-active", "insurer"]
        verbose_name_plural = "coverages"

    def __str__(self) -> str:
        return self.insurer


class CareAssignment(TimeStampedModel):
    """A practitioner explicitly put in charge of a patient's care, e.g. on referral
    before the first appointment. Together with appointments, it is what lets a
    practitioner open the patient's clinical record."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="care_assignments")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="care_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["patient", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "practitioner"],
                condition=Q(ended_at__isnull=True),
                name="care_assignment_unique_current",
                violation_error_message="This practitioner is already caring for the patient.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} cares for {self.patient}"
