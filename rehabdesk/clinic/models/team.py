"""Who delivers the services: practitioners, their registrations with their colleges,
their working hours and breaks at each location, and their time off."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.models.colleges import Authorization, Discipline, RegistrationClass, Regulator
from rehabdesk.clinic.models.pictures import Picture, picture_url
from rehabdesk.clinic.models.sites import Location
from rehabdesk.core.clock import clock_span
from rehabdesk.core.models import TimeStampedModel


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
    photo = models.ForeignKey(
        Picture,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Shown to patients choosing whom to see, and on the team page.",
    )

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def photo_url(self) -> str:
        """The address of their photo, or "" when they have none (no query)."""
        return picture_url(self.photo_id)

    @property
    def initials(self) -> str:
        """What stands in for a photo: "AC" for "Dr. Alice Chen, PT" — the first letters
        of the first and last words of the name, titles and credentials left out."""
        words = [
            word
            for word in self.display_name.replace(",", " ").split()
            if word[:1].isalpha() and not word.endswith(".") and not word.isupper()
        ] or self.display_name.split()[:1]
        return "".join(word[0] for word in (words[:1] + words[1:][-1:])).upper()

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
            f"{clock_span(self.starts, self.ends)} at {self.location}"
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
        return clock_span(self.starts, self.ends)


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


class HomeLocation(models.Model):
    """Where a member of staff usually works: their desk and the schedule open there
    (any location is one choice away). Staff without one start at the first by name."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="home_location"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.user} works at {self.location}"
