"""How a clinic is set up: where it works, what it offers, and who may deliver it.

Everything here is configuration a manager edits. Rules that span rows (hours that
overlap, a practitioner who cannot be at two locations at once, a service nobody is
qualified for) live in services.py; rules about one row are field validators and
database constraints, so the database refuses what the forms would.
"""

from __future__ import annotations

import zoneinfo
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from rehabdesk.clinic.choices import PatientEligibility, ServiceKind, TaxTreatment, Weekday
from rehabdesk.core.models import TimeStampedModel


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "“%(value)s” is not a known time zone; use an IANA name such as America/Toronto.",
            code="unknown_time_zone",
            params={"value": value},
        )


class Clinic(TimeStampedModel):
    """A practice: one name, one set of policies, one or more locations."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
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
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


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


class Discipline(models.Model):
    """A kind of care the clinic offers, e.g. physiotherapy or massage therapy, with
    the description patients read."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(unique=True)
    public_description = models.TextField(blank=True)
    display_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name


class Regulator(models.Model):
    """A regulatory college that registers practitioners, e.g. the College of
    Physiotherapists of Ontario. Data, not code: other provinces add theirs."""

    name = models.CharField(max_length=160, unique=True)
    abbreviation = models.CharField(max_length=20)
    slug = models.SlugField(unique=True)
    province = models.CharField(max_length=2, default="ON")
    profession = models.CharField(max_length=80, help_text="e.g. Registered Massage Therapist")
    designation = models.CharField(max_length=20, help_text="Letters after the name, e.g. RMT")
    website = models.URLField(blank=True)
    register_url = models.URLField(blank=True, help_text="The college's public register.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.abbreviation


class RegistrationClass(models.Model):
    """A certificate class a college issues, e.g. Independent Practice or Inactive.
    Some classes do not allow practising at all."""

    regulator = models.ForeignKey(Regulator, on_delete=models.CASCADE, related_name="classes")
    name = models.CharField(max_length=120)
    permits_practice = models.BooleanField(
        default=True, help_text="Untick for classes such as Inactive: no patients may be seen."
    )

    class Meta:
        ordering = ["regulator", "name"]
        verbose_name_plural = "registration classes"
        constraints = [
            models.UniqueConstraint(
                fields=["regulator", "name"], name="registration_class_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regulator.abbreviation}: {self.name}"


class Authorization(models.Model):
    """An activity a college lets a member perform only once rostered for it, e.g. a
    physiotherapist's acupuncture or internal pelvic examination roster."""

    regulator = models.ForeignKey(
        Regulator, on_delete=models.CASCADE, related_name="authorizations"
    )
    code = models.SlugField()
    name = models.CharField(max_length=160)

    class Meta:
        ordering = ["regulator", "name"]
        constraints = [
            models.UniqueConstraint(fields=["regulator", "code"], name="authorization_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.regulator.abbreviation}: {self.name}"


class TaxCategory(models.Model):
    """How a kind of supply is taxed, e.g. physiotherapy (exempt) or massage therapy
    (taxable). Rates belong to the category and change over time."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    treatment = models.CharField(max_length=12, choices=TaxTreatment.choices)
    legal_basis = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "tax categories"

    def __str__(self) -> str:
        return self.name


class TaxRate(models.Model):
    """A tax charged on a taxable category during a period, e.g. HST 13 % from
    2010-07-01. Several rates in force at once are charged as separate lines."""

    category = models.ForeignKey(TaxCategory, on_delete=models.CASCADE, related_name="rates")
    name = models.CharField(max_length=40, help_text="As printed on receipts, e.g. HST.")
    percent = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True, help_text="Last day; empty if current.")

    class Meta:
        ordering = ["category", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="tax_rate_percent_range"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="tax_rate_period_ordered",
                violation_error_message="A rate cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.percent.normalize()} %"


class ServiceGroup(models.Model):
    """A family of services patients look for by name, each with its own public page:
    physiotherapy, massage therapy, acupuncture, electrotherapy, pelvic floor
    rehabilitation, custom joint braces. The texts are the clinic's own words."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(unique=True, help_text="The page's address: /services/<slug>/.")
    summary = models.TextField(help_text="What it is, in a few sentences.")
    who_it_helps = models.TextField(blank=True)
    what_to_expect = models.TextField(blank=True, help_text="What a visit is like.")
    display_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Untick to take the page down.")

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self) -> str:
        return self.name


class PageText(models.Model):
    """A text on the public site that is not about one service, e.g. "Physiotherapy or
    massage therapy?". Paragraphs are separated by a blank line."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    body = models.TextField()

    class Meta:
        ordering = ["slug"]
        verbose_name = "public page text"

    def __str__(self) -> str:
        return self.title


class Service(TimeStampedModel):
    """Something a patient can book: a physiotherapy assessment, a 60-minute massage.

    Duration is the time with the patient; the buffer after it keeps the practitioner
    and rooms free for notes and turnover. Who may deliver it is a list of
    qualification alternatives (see Qualification).
    """

    discipline = models.ForeignKey(Discipline, on_delete=models.PROTECT, related_name="services")
    group = models.ForeignKey(
        ServiceGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
        help_text="The public page that lists this service.",
    )
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=ServiceKind.choices)
    public_description = models.TextField(blank=True)
    what_to_bring = models.TextField(
        blank=True,
        help_text="What to bring and how to prepare, as booking e-mails and the calendar "
        "entry say it. Empty: the clinic's general advice.",
    )
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5, "A service lasts at least 5 minutes.")]
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(default=0)
    price = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0), "A price cannot be negative.")],
        help_text="In CAD, before tax.",
    )
    tax_category = models.ForeignKey(TaxCategory, on_delete=models.PROTECT, related_name="services")
    resource_kinds = models.ManyToManyField(
        ResourceKind,
        blank=True,
        related_name="services",
        help_text="One resource of each kind is held for the whole appointment.",
    )
    online_bookable = models.BooleanField(default=True)
    patient_eligibility = models.CharField(
        max_length=16, choices=PatientEligibility.choices, default=PatientEligibility.ANYONE
    )
    display_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["discipline", "display_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5), name="service_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="service_price_not_negative",
                violation_error_message="A price cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Qualification(models.Model):
    """One way to be allowed to deliver a service: a registration with this college,
    holding (at least) these rosters. A service lists alternatives; meeting any one is
    enough — acupuncture: a physiotherapist rostered for acupuncture, OR a registered
    acupuncturist."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="qualifications")
    regulator = models.ForeignKey(Regulator, on_delete=models.PROTECT, related_name="+")
    authorizations = models.ManyToManyField(
        Authorization, blank=True, related_name="+", verbose_name="rosters required"
    )

    class Meta:
        ordering = ["service", "id"]

    def __str__(self) -> str:
        return f"{self.regulator.abbreviation} registration"


class Practitioner(TimeStampedModel):
    """A clinician patients book with: a physiotherapist, a massage therapist, an
    acupuncturist. What they may deliver comes from their registrations, not from
    their disciplines, which only say how they present themselves."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practitioner"
    )
    display_name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    pronouns = models.CharField(max_length=30, blank=True)
    bio = models.TextField(blank=True)
    languages = models.CharField(
        max_length=200, default="English", help_text="Comma-separated, e.g. English, French."
    )
    disciplines = models.ManyToManyField(Discipline, related_name="practitioners")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def language_list(self) -> list[str]:
        return [language.strip() for language in self.languages.split(",") if language.strip()]


class Registration(TimeStampedModel):
    """A practitioner's registration with a college for a period: number, certificate
    class and rosters. The number is kept exactly as the college's register shows it.

    `valid_until` is the last day the registration is in force (inclusive); empty means
    no end date is recorded.
    """

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="registrations"
    )
    regulator = models.ForeignKey(Regulator, on_delete=models.PROTECT, related_name="+")
    registration_number = models.CharField(max_length=40)
    registration_class = models.ForeignKey(
        RegistrationClass, on_delete=models.PROTECT, related_name="+"
    )
    authorizations = models.ManyToManyField(
        Authorization, blank=True, related_name="+", verbose_name="rosters held"
    )
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    verified_on = models.DateField(
        null=True, blank=True, help_text="When someone checked it on the college's register."
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["practitioner", "regulator", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="registration_period_ordered",
                violation_error_message="A registration cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regulator.abbreviation} #{self.registration_number}"

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class WorkingHours(TimeStampedModel):
    """A practitioner's regular shift at one location on one weekday, in the location's
    local time, for a range of dates. Breaks inside the shift are not bookable."""

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="working_hours"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()
    effective_from = models.DateField()
    effective_until = models.DateField(
        null=True, blank=True, help_text="Last day these hours apply; empty if open-ended."
    )

    class Meta:
        ordering = ["practitioner", "weekday", "starts"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")),
                name="working_hours_end_after_start",
                violation_error_message="A shift must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True)
                | Q(effective_until__gte=F("effective_from")),
                name="working_hours_period_ordered",
                violation_error_message="The last day cannot be before the first day.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.practitioner}: {self.get_weekday_display()} "
            f"{self.starts:%H:%M}–{self.ends:%H:%M} at {self.location}"
        )

    def applies_on(self, day: date) -> bool:
        return (
            day.weekday() == self.weekday
            and self.effective_from <= day
            and (self.effective_until is None or day <= self.effective_until)
        )


class Break(models.Model):
    """A pause inside a shift (lunch): not bookable."""

    working_hours = models.ForeignKey(WorkingHours, on_delete=models.CASCADE, related_name="breaks")
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["working_hours", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")),
                name="break_end_after_start",
                violation_error_message="A break must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"


class TimeOff(models.Model):
    """A period a practitioner is away (holiday, course, appointment), as real instants."""

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="time_off"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=120, blank=True, help_text="Staff only.")

    class Meta:
        ordering = ["practitioner", "starts_at"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="time_off_end_after_start",
                violation_error_message="Time off must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.practitioner}: {self.starts_at:%Y-%m-%d %H:%M} – {self.ends_at:%Y-%m-%d %H:%M}"
        )


class ConfigurationStamp(models.Model):
    """One row, whose stamp the database replaces whenever the configuration a free-time
    search reads changes (clinic/change_stamp.py), so that it can be kept between
    requests (clinic/calendar_configuration.py)."""

    stamp = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"configuration stamp {self.stamp}"
