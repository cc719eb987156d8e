"""Where the clinic works: the clinic itself (its booking policy), its locations with
their opening hours and closures, the travel time between them, and their rooms and
equipment."""

from __future__ import annotations

import zoneinfo
from datetime import date, time
from functools import cache, cached_property

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from rehabdesk.clinic.choices import FeedPatientLabel, Weekday
from rehabdesk.clinic.models.pictures import Picture, picture_url
from rehabdesk.core.clock import clock_span
from rehabdesk.core.models import TimeStampedModel


@cache
def known_time_zones() -> frozenset[str]:
    """The IANA zones this machine knows. Read once: listing them walks the time zone
    database's files, a twentieth of a second each time a location is checked."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in known_time_zones():
        raise ValidationError(
            "“%(value)s” is not a known time zone; use an IANA name such as America/Toronto.",
            code="unknown_time_zone",
            params={"value": value},
        )


# The quiet hours' defaults are functions, not values: Django's check for a fixed default
# (fields.W161) reads a time value against the clock and warned, so `check --deploy`
# failed, for ten seconds either side of 21:00 and of 08:00 UTC each day.
def quiet_hours_start_default() -> time:
    return time(21)


def quiet_hours_end_default() -> time:
    return time(8)


class Clinic(TimeStampedModel):
    """A practice: one name, one set of policies, one or more locations."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    # ⚠ Configurable: the clinic is the GST/HST registrant here; an RMT billing on their
    # own account, or a small supplier not registered, prints none (domain-reference §3.4).
    hst_number = models.CharField(
        "GST/HST number",
        max_length=20,
        blank=True,
        help_text="Printed on every invoice and receipt that charges HST, e.g. "
        "123456789 RT0001. Empty when the clinic is not registered for HST.",
    )
    logo = models.ForeignKey(
        Picture,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Shown beside the clinic's name at the top of every page patients see.",
    )
    cancellation_notice_hours = models.PositiveSmallIntegerField(
        default=24,
        help_text="Cancelling with less notice than this counts as a late cancellation.",
    )
    # ⚠ Configurable: each clinic sets its own fees and discloses them before the first
    # visit (domain-reference.md §3.6); direct billing never carries them.
    late_cancellation_fee_percent = models.PositiveSmallIntegerField(
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="Fee for a late cancellation, as a percentage of the service's price.",
    )
    no_show_fee_percent = models.PositiveSmallIntegerField(
        default=100,
        validators=[MaxValueValidator(100)],
        help_text="Fee for a missed appointment, as a percentage of the service's price.",
    )
    waitlist_offer_minutes = models.PositiveIntegerField(
        default=120,
        validators=[MinValueValidator(5)],
        help_text="How long a time offered to a waiting patient is held for them.",
    )
    min_online_notice_minutes = models.PositiveIntegerField(
        default=120,
        help_text="Online bookings must start at least this long after they are made.",
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1)],
        help_text="How far ahead patients may book.",
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text="Appointment start times are offered on this grid, e.g. every 15 minutes.",
    )
    # ⚠ Configurable: no regulator deadline was found for physiotherapy or massage notes
    # (domain-reference.md §4.4); 24 hours is common clinic policy.
    note_due_hours = models.PositiveSmallIntegerField(
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text="A visit's note is due this many hours after the visit starts: unsigned "
        "after that it counts as overdue, and a note first written after it is marked as a "
        "late entry.",
    )
    notes_due_from = models.DateField(
        null=True,
        blank=True,
        help_text="The day the clinic began keeping its clinical notes here: visits before it "
        "were charted elsewhere (on paper, in the previous system) and are never counted as "
        "overdue. Empty: every visit is.",
    )
    # ⚠ Configurable: initials are the least that still tells a practitioner whom they
    # see next; some clinics want none at all in a calendar kept outside the clinic.
    feed_patient_label = models.CharField(
        "patients in calendar feeds",
        max_length=12,
        choices=FeedPatientLabel.choices,
        default=FeedPatientLabel.INITIALS,
        help_text="How a practitioner's calendar feed names the patient of each visit. "
        "A patient who withholds their record from that practitioner is always shown as "
        "“Booked”.",
    )

    # ⚠ Configurable: no reminder arrives between these local times (each location's
    # own zone). A reminder due then goes when they end, or the evening before when that
    # would be too close to the visit (scheduling/services/reminders.py).
    quiet_hours_start = models.TimeField(
        default=quiet_hours_start_default,
        help_text="From this local time no reminder is sent…",
    )
    quiet_hours_end = models.TimeField(
        default=quiet_hours_end_default,
        help_text="…until this local time. The same two times mean no quiet hours.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(booking_horizon_days__gte=1), name="clinic_horizon_positive"
            ),
            models.CheckConstraint(
                condition=Q(slot_step_minutes__gte=5) & Q(slot_step_minutes__lte=120),
                name="clinic_slot_step_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def logo_url(self) -> str:
        """The address of the logo, or "" when there is none (no query)."""
        return picture_url(self.logo_id)


class Location(TimeStampedModel):
    """A place where patients are seen, with its own address, hours and time zone.

    Opening hours are local wall-clock times; they are turned into real instants in the
    location's time zone, so a location's day is right across clock changes.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    street_address = models.CharField(max_length=200)
    city = models.CharField(max_length=80)
    province = models.CharField(max_length=2, default="ON")
    postal_code = models.CharField(max_length=10)
    country = models.CharField(max_length=60, default="Canada")
    phone = models.CharField(max_length=40)
    email = models.EmailField(blank=True)
    time_zone = models.CharField(
        max_length=64, default="America/Toronto", validators=[validate_time_zone]
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="location_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def address(self) -> str:
        return f"{self.street_address}, {self.city}, {self.province} {self.postal_code}"


class OpeningHours(models.Model):
    """One span of a weekday when a location is open. A weekday may have several
    spans (closed over lunch) or none (closed)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["location", "weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")),
                name="opening_hours_close_after_open",
                violation_error_message="Closing time must be after opening time.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {clock_span(self.opens, self.closes)}"


class Closure(models.Model):
    """Whole days a location is closed: statutory holidays, renovations, storms."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField()
    last_day = models.DateField()
    name = models.CharField(max_length=120, help_text="Shown to patients, e.g. “Canada Day”.")

    class Meta:
        ordering = ["location", "first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="closure_last_day_not_before_first",
                violation_error_message="The last day cannot be before the first day.",
            ),
        ]

    def __str__(self) -> str:
        if self.first_day == self.last_day:
            return f"{self.name} ({self.first_day:%Y-%m-%d})"
        return f"{self.name} ({self.first_day:%Y-%m-%d} to {self.last_day:%Y-%m-%d})"

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


class TravelTime(models.Model):
    """How long a practitioner needs to get from one location to another. The same in
    both directions; stored once, with the lower location id first."""

    location_a = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    location_b = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["location_a", "location_b"]
        constraints = [
            models.UniqueConstraint(
                fields=["location_a", "location_b"], name="travel_time_pair_unique"
            ),
            models.CheckConstraint(
                condition=Q(location_a__lt=F("location_b")),
                name="travel_time_pair_ordered",
                violation_error_message="Travel time is between two different locations.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location_a} ↔ {self.location_b}: {self.minutes} min"


class ResourceKind(models.Model):
    """A kind of room or equipment a service needs: treatment room, massage room, gym,
    pelvic-health room, electrotherapy unit. A clinic can add its own."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(unique=True)
    is_room = models.BooleanField(default=True, help_text="Rooms hold one patient at a time.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """One room or piece of equipment at a location, booked along with appointments."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="resources")
    kind = models.ForeignKey(ResourceKind, on_delete=models.PROTECT, related_name="resources")
    name = models.CharField(max_length=80)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["location", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="resource_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"
