"""What the clinic offers: services (who may deliver them, the rooms they need, their
price), their groups and page texts on the public site, and tax categories with their
dated rates."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from rehabdesk.clinic.choices import PatientEligibility, ServiceKind, TaxTreatment
from rehabdesk.clinic.models.colleges import Authorization, Discipline, Regulator
from rehabdesk.clinic.models.sites import ResourceKind
from rehabdesk.core.models import TimeStampedModel


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
    sends_reminders = models.BooleanField(
        default=True,
        help_text="Send the clinic's appointment reminders for this service's visits "
        "(untick for, say, a phone consultation the clinic places itself).",
    )
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
