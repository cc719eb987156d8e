"""Billing: invoices, credit notes, payments and refunds, pre-paid packages, third-party
payers, and each location's day-end count. docs/algorithms/billing.md

Money is Decimal with two places, CAD (core.money). An issued invoice, a credit note,
a payment, a refund, an allocation of money to an invoice, a package sold or drawn from,
a waived fee and a closed day are facts: once written they never change and are never
deleted, and the database itself refuses it (billing/guards.py). A correction is a new
fact that points at the old one: a credit note at its invoice, a refund at its payment,
a negative allocation at the allocation it releases.

Invoices name a patient and the services they had: health information. They are read
only through the accessors (access/billing.py), every read and write audited.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from rehabdesk.billing.choices import (
    FeeKind,
    InvoicePurpose,
    LineKind,
    PayerKind,
    PaymentKind,
    PaymentMethod,
    SequenceKind,
)
from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.clinic.models import Clinic, Location, Practitioner, Service, TaxCategory
from rehabdesk.core.models import TimeStampedModel
from rehabdesk.patients.models import Coverage, Patient
from rehabdesk.scheduling.models import Appointment

ZERO = Decimal("0.00")


def _money(**options: object) -> models.DecimalField:
    return models.DecimalField(max_digits=10, decimal_places=2, **options)  # type: ignore[arg-type]


class Payer(TimeStampedModel):
    """Someone other than the patient who pays for visits: an extended-health insurer
    the clinic bills directly, the WSIB, an auto insurer. Managers keep the list."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="payers")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=PayerKind.choices)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="payer_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Product(TimeStampedModel):
    """Something the clinic sells over the counter: a brace, a tube of gel, a band."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=120)
    sku = models.CharField("SKU", max_length=40, blank=True)
    price = _money(validators=[MinValueValidator(ZERO, "A price cannot be negative.")])
    tax_category = models.ForeignKey(TaxCategory, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="product_name_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class PackageOffer(TimeStampedModel):
    """A pre-paid package the clinic sells, e.g. five 60-minute massages for $500, valid
    for a year. Drawn down one visit of `service` at a time."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="package_offers")
    name = models.CharField(max_length=120)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="package_offers")
    visits = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    price = _money(validators=[MinValueValidator(ZERO, "A price cannot be negative.")])
    valid_days = models.PositiveSmallIntegerField(
        default=365, validators=[MinValueValidator(1)], help_text="Days from the sale."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="package_offer_name_unique"),
            models.CheckConstraint(condition=Q(visits__gte=1), name="package_offer_visits"),
            models.CheckConstraint(condition=Q(price__gte=0), name="package_offer_price"),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentSequence(models.Model):
    """The last number a clinic gave an invoice (or a credit note). Numbering locks this
    row, takes the next number and writes the document in the same transaction, so a
    rolled-back invoice gives its number back: numbers have no gaps and no repeats."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=SequenceKind.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "kind"], name="document_sequence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.last_number}"


class Invoice(models.Model):
    """An issued invoice: numbered, dated, never changed. `total` is what the lines come
    to; `payer_share` of it is billed to a third party (`payer`), the rest to the
    patient. What is owed is the total less credit notes and money allocated to it."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="invoices")
    purpose = models.CharField(max_length=20, choices=InvoicePurpose.choices)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    # An invoice issued again after its first was credited in full (a corrected price).
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    payer = models.ForeignKey(
        Payer, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    coverage = models.ForeignKey(
        Coverage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claim_number = models.CharField(max_length=60, blank=True)
    subtotal = _money()  # the lines' prices times quantities, before discounts
    discount = _money(default=ZERO)
    tax = _money(default=ZERO)
    total = _money()  # subtotal - discount + tax
    payer_share = _money(default=ZERO)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["clinic", "-number"]
        indexes = [
            models.Index(fields=["clinic", "issued_at"]),
            models.Index(fields=["location", "issued_at"]),
            models.Index(fields=["patient", "issued_at"]),
            models.Index(fields=["payer", "issued_at"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "number"], name="invoice_number_unique"),
            # Two desks invoicing the same visit: the second is refused here at the latest.
            models.UniqueConstraint(
                fields=["appointment", "purpose"],
                condition=Q(appointment__isnull=False, replaces__isnull=True),
                name="invoice_once_per_visit",
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0)
                & Q(discount__gte=0)
                & Q(tax__gte=0)
                & Q(total__gte=0)
                & Q(payer_share__gte=0),
                name="invoice_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(payer__isnull=False) | Q(payer_share=0),
                name="invoice_payer_share_needs_payer",
            ),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number}"

    @property
    def patient_share(self) -> Decimal:
        return self.total - self.payer_share


class InvoiceLine(models.Model):
    """One line of an invoice: a service given (with its practitioner and date, which
    receipts print), a fee, a product or a package, with its discount and its tax
    computed by clinic.tax.tax_for on the day of the supply, each rounded to the cent."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=LineKind.choices)
    description = models.CharField(max_length=200)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service_date = models.DateField(null=True, blank=True)  # in the location's zone
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    package_offer = models.ForeignKey(
        PackageOffer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(default=1)
    unit_price = _money()
    discount = _money(default=ZERO)
    discount_reason = models.CharField(max_length=200, blank=True)
    tax_treatment = models.CharField(max_length=12, choices=TaxTreatment.choices)
    tax_name = models.CharField(max_length=40, blank=True)  # e.g. "HST"; "" when exempt
    tax_percent = models.DecimalField(max_digits=5, decimal_places=2, default=ZERO)
    amount = _money()  # quantity * unit_price - discount
    tax = _money(default=ZERO)
    total = _money()  # amount + tax

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1)
                & Q(unit_price__gte=0)
                & Q(discount__gte=0)
                & Q(amount__gte=0)
                & Q(tax__gte=0)
                & Q(total__gte=0),
                name="invoice_line_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(discount=0) | ~Q(discount_reason=""),
                name="invoice_line_discount_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class CreditNote(models.Model):
    """A correction of an issued invoice: numbered in its own sequence, with a reason,
    never more than is left of the invoice to credit. Never changed."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=200)
    amount = _money()  # before tax
    tax = _money(default=ZERO)
    total = _money()  # amount + tax
    payer_share = _money(default=ZERO)  # of `total`, what comes off the payer's share

    class Meta:
        ordering = ["clinic", "-number"]
        indexes = [models.Index(fields=["clinic", "issued_at"])]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "number"], name="credit_note_number_unique"),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(tax__gte=0) & Q(total__gt=0) & Q(payer_share__gte=0),
                name="credit_note_amounts",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="credit_note_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Credit note {self.number}"


class CreditNoteLine(models.Model):
    """What a credit note takes off one invoice line, tax included."""

    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    invoice_line = models.ForeignKey(
        InvoiceLine, on_delete=models.PROTECT, related_name="credit_lines"
    )
    amount = _money()
    tax = _money(default=ZERO)
    total = _money()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(tax__gte=0) & Q(total__gt=0),
                name="credit_note_line_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.total} off line {self.invoice_line_id}"


class Package(models.Model):
    """A package a patient bought: `visits` of the offer's service until `expires_on`
    (inclusive, the location's day), sold on `invoice`."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="packages")
    offer = models.ForeignKey(PackageOffer, on_delete=models.PROTECT, related_name="packages")
    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="package")
    visits = models.PositiveSmallIntegerField()
    expires_on = models.DateField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["patient", "-created_at"]

    def __str__(self) -> str:
        return f"{self.offer} for {self.patient}"


class PackageUse(models.Model):
    """One visit drawn from a package (`visits` = 1), or given back (-1) when the visit's
    invoice is credited. The package's balance is its visits less the sum of these."""

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="uses")
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="+")
    visits = models.SmallIntegerField()
    used_at = models.DateTimeField()
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(visits=1) | Q(visits=-1), name="package_use_one_visit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visits:+d} visit of package {self.package_id}"


class Payment(models.Model):
    """Money taken from the patient or a payer (`kind` payment), or given back (`kind`
    refund, pointing at the payment it reverses, with a reason). `amount` is always
    positive. Dated on the location's business day, which day-end counts; a closed day
    takes no more. Money not allocated to invoices is the patient's credit."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="payments")
    payer = models.ForeignKey(
        Payer, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    kind = models.CharField(max_length=10, choices=PaymentKind.choices)
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    amount = _money()
    reference = models.CharField(max_length=80, blank=True)  # terminal reference, cheque no.
    refunds = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="refunded_by"
    )
    reason = models.CharField(max_length=200, blank=True)
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    received_at = models.DateTimeField()
    business_date = models.DateField()  # received_at's day in the location's zone
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["location", "business_date"]),
            models.Index(fields=["patient", "received_at"]),
            models.Index(fields=["clinic", "received_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=(Q(kind=PaymentKind.PAYMENT) & Q(refunds__isnull=True))
                | (Q(kind=PaymentKind.REFUND) & Q(refunds__isnull=False) & ~Q(reason="")),
                name="payment_refund_points_at_payment",
            ),
            models.CheckConstraint(
                condition=~Q(method=PaymentMethod.PACKAGE_CREDIT) | Q(package__isnull=False),
                name="payment_package_credit_names_package",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.amount}"


class PaymentAllocation(models.Model):
    """Money of a payment put toward an invoice (positive), or taken back off it into the
    patient's credit (negative: after a credit note or a refund). An invoice's paid amount
    is the sum of its allocations."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = _money()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["invoice"])]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="allocation_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} to invoice {self.invoice_id}"


class FeeWaiver(models.Model):
    """A late-cancellation or no-show fee the desk chose not to charge, and why."""

    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="fee_waiver"
    )
    kind = models.CharField(max_length=20, choices=FeeKind.choices)
    reason = models.CharField(max_length=200)
    waived_at = models.DateTimeField()
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="fee_waiver_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} fee waived"


class DayClose(models.Model):
    """A location's business day closed by the desk: its payments counted by method
    against what the desk counted. No payment may be dated on a closed day."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    business_date = models.DateField()
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["location", "-business_date"]
        constraints = [
            models.UniqueConstraint(fields=["location", "business_date"], name="day_close_once"),
        ]

    def __str__(self) -> str:
        return f"{self.location_id} closed {self.business_date}"


class DayCount(models.Model):
    """One method's line of a day-end: what the payments say (`expected`, refunds
    subtracted), what the desk counted, and the difference with its explanation."""

    day_close = models.ForeignKey(DayClose, on_delete=models.PROTECT, related_name="counts")
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    expected = models.DecimalField(max_digits=12, decimal_places=2)
    counted = models.DecimalField(max_digits=12, decimal_places=2)
    difference = models.DecimalField(max_digits=12, decimal_places=2)  # counted - expected
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day_close", "method"], name="day_count_method"),
        ]

    def __str__(self) -> str:
        return f"{self.method}: {self.counted} counted, {self.expected} expected"
