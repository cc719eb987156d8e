"""The demo clinic's books: its HST number, the payers it bills directly, the products
and packages it sells, and an invoice for every past visit with the money taken for
it — so the desk's pages, receipts, statements and every report have something to show.

Written in bulk, like the calendars (the append-only guards allow an INSERT), already
consistent as the services would have left them (docs/algorithms/billing.md):

- every visit done before `unbilled_from` (by default today: today's visits wait for
  the desk's "Check out") has one invoice, issued at check-out, numbered without gaps
  in the order issued, the DocumentSequence at the last number given; each line taxed
  by clinic.tax.tax_for with its category's rates on the service date;
- the patient's share paid at check-out by a realistic mix of methods, or left owing
  (more often in the last weeks, a little in every month);
- about 15 % of patients' visits billed directly to their insurer (on the plan the demo
  gives them), the WSIB or an auto insurer (a claim number for the last two), the payer
  paying by EFT a few weeks later (the last weeks' still owing);
- missed appointments carry the clinic's no-show fee: most charged, some waived with a
  reason; never billed to a payer;
- some patients bought a package and drew their visits from it (a package-credit
  payment for the visit's line, a PackageUse);
- a few old unpaid invoices written off by a credit note, numbered in their own sequence;
- a few products sold at check-out, a few discounts with their reason;
- every past business day with payments closed at each location, counted per method.

Deterministic for a seed; invented, like the patients.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.billing.choices import (
    COUNTED_METHODS,
    FeeKind,
    InvoicePurpose,
    LineKind,
    PayerKind,
    PaymentKind,
    PaymentMethod,
    SequenceKind,
)
from rehabdesk.billing.models import (
    CreditNote,
    CreditNoteLine,
    DayClose,
    DayCount,
    DocumentSequence,
    FeeWaiver,
    Invoice,
    InvoiceLine,
    Package,
    PackageOffer,
    PackageUse,
    Payer,
    Payment,
    PaymentAllocation,
    Product,
)
from rehabdesk.billing.numbering import display_number
from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.clinic.models import Clinic, Location, Service, TaxCategory
from rehabdesk.clinic.tax import RatePeriod, tax_for
from rehabdesk.core.money import round_money
from rehabdesk.demo.bulk import Row, chunks, insert_rows
from rehabdesk.patients.models import Coverage
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

ZERO = Decimal("0.00")
HST_NUMBER = "123456789 RT0001"  # a sample in the CRA's format

# (name, kind, weight among directly billed patients)
PAYERS = (
    ("Sun Life", PayerKind.EXTENDED_HEALTH, 25),
    ("Canada Life", PayerKind.EXTENDED_HEALTH, 20),
    ("Manulife", PayerKind.EXTENDED_HEALTH, 20),
    ("Green Shield Canada", PayerKind.EXTENDED_HEALTH, 15),
    ("WSIB", PayerKind.WSIB, 12),
    ("Northbridge Auto Insurance", PayerKind.AUTO, 8),
)
# (name, SKU, price) — taxable goods (HST 13 %)
PRODUCTS = (
    ("Kinesiology tape, roll", "TAPE-5M", "15.00"),
    ("Massage gel, 250 ml", "GEL-250", "12.00"),
    ("Resistance band, medium", "BAND-M", "10.00"),
    ("Knee brace, hinged", "BRACE-KNEE", "85.00"),
    ("Ankle brace", "BRACE-ANKLE", "60.00"),
)
PRODUCTS_TAX = "general-taxable"
# (name, service slug, visits, price before tax)
OFFERS = (
    ("Five 60-minute massages", "massage-therapy-60-minutes", 5, "500.00"),
    ("Ten 30-minute physiotherapy follow-ups", "physiotherapy-follow-up-30-minutes", 10, "800.00"),
)

DIRECT_BILLED = 0.15  # of patients: their visits billed to a payer
EXTENDED_HEALTH_SHARE = Decimal("0.80")  # of the total; the patient pays the rest
PAYER_PAYS_AFTER = timedelta(days=18)  # EFT runs on the first weekday after this
PACKAGE_BUYERS = 0.08  # of patients who have the offer's service, paying themselves
PRODUCT_SHARE = 0.06  # of visits, a product bought at check-out
DISCOUNT_SHARE = 0.04
DISCOUNTS = (("Senior discount", Decimal("0.10")), ("Staff family discount", Decimal("0.20")))
RECENT = timedelta(days=45)
UNPAID = (0.10, 0.012)  # of patient shares left owing: recent, older
PART_PAID = (0.04, 0.004)
WRITE_OFF_AFTER = timedelta(days=100)
WRITE_OFF_SHARE = 0.3  # of old unpaid invoices
FEE_WAIVED = 0.3
FEE_UNPAID = 0.35
FEE_WAIVE_REASONS = (
    "First missed visit: reminded of the policy",
    "Family emergency",
    "Snowstorm: roads closed",
    "Hospital stay",
)
# (method, weight) for the patient's share
METHODS = (
    (PaymentMethod.DEBIT, 33),
    (PaymentMethod.CREDIT_CARD, 37),
    (PaymentMethod.CASH, 7),
    (PaymentMethod.E_TRANSFER, 14),
    (PaymentMethod.CHEQUE, 3),
    (PaymentMethod.GIFT_CARD, 3),
)
CLOSED_AT = time(20, 45)  # the desk closes the day once the last visit has checked out
COUNT_OFF_SHARE = 0.03  # of closed days, the cash drawer a little off


@dataclass
class _Line:
    kind: str
    description: str
    unit_price: Decimal
    category: int
    on: date
    quantity: int = 1
    discount: Decimal = ZERO
    discount_reason: str = ""
    service_id: int | None = None
    practitioner_id: int | None = None
    duration: int | None = None
    product_id: int | None = None
    offer_id: int | None = None
    treatment: str = ""
    tax_name: str = ""
    tax_percent: Decimal = ZERO
    amount: Decimal = ZERO
    tax: Decimal = ZERO
    total: Decimal = ZERO
    drawn_from: _Sold | None = None  # a visit paid from a package


@dataclass
class _Pay:
    method: str
    amount: Decimal
    received_at: datetime
    payer_id: int | None = None
    package: _Sold | None = None
    reference: str = ""


@dataclass
class _Sold:
    """A package sold on an invoice, and the visits drawn from it."""

    offer: PackageOffer
    expires_on: date
    created_at: datetime
    left: int
    per_visit: Decimal
    last_visit: Decimal
    uses: list[tuple[int, datetime]] = field(default_factory=list)  # (appointment, when)
    number: str = ""  # the sale's invoice number, as printed
    pk: int = 0  # once written


@dataclass
class _Doc:
    issued_at: datetime
    location_id: int
    patient_id: int
    purpose: str
    appointment_id: int | None
    lines: list[_Line]
    payer_id: int | None = None
    claim_number: str = ""
    payer_share: Decimal = ZERO
    pays: list[_Pay] = field(default_factory=list)
    sells: _Sold | None = None
    written_off_at: datetime | None = None
    pk: int = 0  # once written

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), ZERO)


@dataclass(frozen=True)
class _Visit:
    pk: int
    patient_id: int
    practitioner_id: int
    service_id: int
    location_id: int
    start: datetime
    end: datetime
    status: str


@dataclass(frozen=True)
class BillingSummary:
    invoices: int
    credit_notes: int
    payments: int
    closed_days: int


def billing_setup(*, clinic: Clinic) -> None:
    """The clinic's HST number, its payers, products and package offers."""
    Clinic.objects.filter(pk=clinic.pk).update(hst_number=HST_NUMBER)
    Payer.objects.bulk_create(
        Payer(clinic=clinic, name=name, kind=kind, email=f"claims@{_slug(name)}.example")
        for name, kind, _weight in PAYERS
    )
    category = TaxCategory.objects.get(code=PRODUCTS_TAX)
    Product.objects.bulk_create(
        Product(clinic=clinic, name=name, sku=sku, price=Decimal(price), tax_category=category)
        for name, sku, price in PRODUCTS
    )
    services = {s.slug: s for s in Service.objects.all()}
    PackageOffer.objects.bulk_create(
        PackageOffer(
            clinic=clinic,
            name=name,
            service=services[slug],
            visits=visits,
            price=Decimal(price),
            valid_days=365,
        )
        for name, slug, visits, price in OFFERS
        if slug in services
    )


def books_load(
    *,
    clinic: Clinic,
    now: datetime,
    desk: User,
    desks: Mapping[int, User] | None = None,
    unbilled_from: date | None = None,
    seed: int = 2028,
) -> BillingSummary:
    """Write the clinic's books (billing_setup first) for its visits done before
    `unbilled_from` (by default `now`'s local day). `desks`: who stands at each
    location's desk (location id -> user), `desk` elsewhere. Call inside the caller's
    transaction, once."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not security
    weights = {name: weight for name, _kind, weight in PAYERS}
    payers = [
        (p, weights.get(p.name, 1)) for p in Payer.objects.filter(clinic=clinic).order_by("pk")
    ]
    zones = {loc.pk: loc.zone for loc in Location.objects.filter(clinic=clinic)}
    if unbilled_from is None:
        unbilled_from = now.astimezone(next(iter(zones.values()))).date()
    books = _Books(
        rng=rng,
        now=now,
        zones=zones,
        services={s.pk: s for s in Service.objects.all()},
        rates=_rates(),
        payers=payers,
        products=list(Product.objects.filter(clinic=clinic).order_by("pk")),
        offers={o.service_id: o for o in PackageOffer.objects.filter(clinic=clinic)},
        no_show_percent=clinic.no_show_fee_percent,
    )
    books.plan(_visits(clinic, now), unbilled_from)
    by_location = {pk: (desks or {}).get(pk, desk) for pk in zones}
    return books.write(clinic=clinic, desks=by_location, desk=desk)


def _slug(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _rates() -> dict[int, tuple[TaxTreatment, list[RatePeriod]]]:
    return {
        category.pk: (
            TaxTreatment(category.treatment),
            [
                RatePeriod(r.name, r.percent, r.valid_from, r.valid_until)
                for r in category.rates.all()
            ],
        )
        for category in TaxCategory.objects.prefetch_related("rates")
    }


def _visits(clinic: Clinic, now: datetime) -> list[_Visit]:
    rows = (
        Appointment.objects.filter(
            location__clinic=clinic,
            start__lt=now,
            status__in=(
                AppointmentStatus.FULFILLED,
                AppointmentStatus.ARRIVED,
                AppointmentStatus.NOSHOW,
            ),
            patient__isnull=False,
        )
        .order_by("start", "pk")
        .values_list(
            "pk",
            "patient_id",
            "practitioner_id",
            "service_id",
            "location_id",
            "start",
            "end",
            "status",
        )
    )
    return [_Visit(*row) for row in rows]


T = TypeVar("T")


def _weighted(rng: random.Random, choices: Sequence[tuple[T, int]]) -> T:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


class _Books:
    def __init__(
        self,
        *,
        rng: random.Random,
        now: datetime,
        zones: Mapping[int, ZoneInfo],
        services: Mapping[int, Service],
        rates: Mapping[int, tuple[TaxTreatment, list[RatePeriod]]],
        payers: list[tuple[Payer, int]],
        products: list[Product],
        offers: Mapping[int, PackageOffer],
        no_show_percent: int,
    ) -> None:
        self.rng, self.now, self.zones = rng, now, zones
        self.services, self.rates = services, rates
        self.payers, self.products, self.offers = payers, products, offers
        self.no_show_percent = no_show_percent
        self.docs: list[_Doc] = []
        self.fees: dict[Decimal, list[int]] = defaultdict(list)  # fee -> no-shows
        self.waivers: list[tuple[int, str, datetime]] = []
        self.coverage: dict[int, tuple[Payer, str] | None] = {}
        self.packages: dict[tuple[int, int], _Sold | None] = {}  # (patient, service)

    # -- planning ------------------------------------------------------------------

    def plan(self, visits: Iterable[_Visit], unbilled_from: date) -> None:
        for visit in visits:
            waiting = self._day(visit) >= unbilled_from
            if visit.status == AppointmentStatus.NOSHOW:
                self._no_show(visit, charge=not waiting)
            elif not waiting:
                self._visit(visit)
        for doc in self.docs:
            self._settle(doc)

    def _day(self, visit: _Visit) -> date:
        return visit.start.astimezone(self.zones[visit.location_id]).date()

    def _priced(self, line: _Line) -> _Line:
        treatment, rates = self.rates[line.category]
        line.amount = round_money(line.unit_price * line.quantity - line.discount)
        quote = tax_for(price=line.amount, treatment=treatment, rates=rates, on=line.on)
        line.treatment = treatment.value
        line.tax = quote.tax
        line.total = line.amount + line.tax
        if quote.lines:
            line.tax_name = quote.lines[0].name
            line.tax_percent = quote.lines[0].percent
        return line

    def _payer_of(self, patient_id: int) -> tuple[Payer, str] | None:
        if patient_id not in self.coverage:
            chosen = None
            if self.rng.random() < DIRECT_BILLED:
                payer = _weighted(self.rng, self.payers)
                claim = ""
                if payer.kind == PayerKind.WSIB:
                    claim = f"{self.rng.randint(10_000_000, 39_999_999)}"
                elif payer.kind == PayerKind.AUTO:
                    claim = f"NB-{self.rng.randint(100_000, 999_999)}-{self.rng.randint(1, 9)}"
                chosen = (payer, claim)
            self.coverage[patient_id] = chosen
        return self.coverage[patient_id]

    def _service_line(self, visit: _Visit, price: Decimal) -> _Line:
        service = self.services[visit.service_id]
        return _Line(
            kind=LineKind.SERVICE,
            description=service.name,
            unit_price=price,
            category=service.tax_category_id,
            on=self._day(visit),
            service_id=service.pk,
            practitioner_id=visit.practitioner_id,
            duration=service.duration_minutes,
        )

    def _visit(self, visit: _Visit) -> None:
        service = self.services[visit.service_id]
        issued = visit.end + timedelta(minutes=self.rng.randint(1, 9))
        doc = _Doc(issued, visit.location_id, visit.patient_id, InvoicePurpose.VISIT, visit.pk, [])
        coverage = self._payer_of(visit.patient_id)
        package = self._package_for(visit, issued) if coverage is None else None
        if package is not None:
            # Its share of the package's price, untaxed: the tax was on the package.
            price = package.per_visit if package.left > 1 else package.last_visit
            line = self._service_line(visit, price)
            line.treatment = self.rates[line.category][0].value
            line.amount = line.total = price
            line.offer_id, line.drawn_from = package.offer.pk, package
            package.left -= 1
            package.uses.append((visit.pk, issued))
            doc.pays.append(_Pay(PaymentMethod.PACKAGE_CREDIT, price, issued, package=package))
        else:
            line = self._service_line(visit, service.price)
            if self.rng.random() < DISCOUNT_SHARE:
                reason, rate = self.rng.choice(DISCOUNTS)
                line.discount, line.discount_reason = round_money(service.price * rate), reason
            line = self._priced(line)
        doc.lines.append(line)
        if self.rng.random() < PRODUCT_SHARE:
            product = self.rng.choice(self.products)
            doc.lines.append(
                self._priced(
                    _Line(
                        kind=LineKind.PRODUCT,
                        description=product.name,
                        unit_price=product.price,
                        category=product.tax_category_id,
                        on=line.on,
                        product_id=product.pk,
                    )
                )
            )
        if coverage is not None:
            payer, claim = coverage
            doc.payer_id, doc.claim_number = payer.pk, claim
            share = Decimal(1) if payer.kind != PayerKind.EXTENDED_HEALTH else EXTENDED_HEALTH_SHARE
            doc.payer_share = round_money(line.total * share)
        self.docs.append(doc)

    def _package_for(self, visit: _Visit, issued: datetime) -> _Sold | None:
        """The patient's package for this service, sold now if they are one of the
        buyers and have none yet; None when they pay visit by visit."""
        offer = self.offers.get(visit.service_id)
        if offer is None:
            return None
        key = (visit.patient_id, visit.service_id)
        day = self._day(visit)
        if key in self.packages:
            sold = self.packages[key]
            usable = sold is not None and sold.left > 0 and day <= sold.expires_on
            return sold if usable else None
        if self.rng.random() >= PACKAGE_BUYERS:
            self.packages[key] = None
            return None
        per_visit = round_money(offer.price / offer.visits)
        sold = _Sold(
            offer=offer,
            expires_on=day + timedelta(days=offer.valid_days),
            created_at=visit.start - timedelta(minutes=5),
            left=offer.visits,
            per_visit=per_visit,
            last_visit=offer.price - per_visit * (offer.visits - 1),
        )
        self.packages[key] = sold
        line = _Line(
            kind=LineKind.PACKAGE,
            description=offer.name,
            unit_price=offer.price,
            category=self.services[visit.service_id].tax_category_id,
            on=day,
            offer_id=offer.pk,
        )
        sale = _Doc(
            sold.created_at,
            visit.location_id,
            visit.patient_id,
            InvoicePurpose.PACKAGE,
            None,
            [self._priced(line)],
        )
        sale.sells = sold
        self.docs.append(sale)
        return sold

    def _no_show(self, visit: _Visit, *, charge: bool) -> None:
        """The fee recorded; then, unless the desk has yet to decide (today), charged
        or waived."""
        service = self.services[visit.service_id]
        if not self.no_show_percent:
            return
        fee = round_money(service.price * self.no_show_percent / 100)
        self.fees[fee].append(visit.pk)
        if not charge:
            return
        when = visit.start + timedelta(minutes=20)
        if self.rng.random() < FEE_WAIVED:
            self.waivers.append((visit.pk, self.rng.choice(FEE_WAIVE_REASONS), when))
            return
        line = self._service_line(visit, fee)
        line.kind, line.description = LineKind.FEE, f"{FeeKind.NO_SHOW.label} fee: {service.name}"
        doc = _Doc(
            when,
            visit.location_id,
            visit.patient_id,
            InvoicePurpose.NO_SHOW,
            visit.pk,
            [self._priced(line)],
        )
        self.docs.append(doc)

    def _settle(self, doc: _Doc) -> None:
        """The patient's share paid at check-out, or not (yet); the payer's by EFT."""
        total = doc.total
        if doc.purpose == InvoicePurpose.PACKAGE:
            method = self.rng.choice((PaymentMethod.CREDIT_CARD, PaymentMethod.DEBIT))
            doc.pays.append(_Pay(method, total, doc.issued_at, reference=self._ref(method)))
            return
        if doc.purpose == InvoicePurpose.NO_SHOW:
            # Charged to the card on file, or left for the next visit.
            if self.rng.random() >= FEE_UNPAID:
                doc.pays.append(
                    _Pay(PaymentMethod.CREDIT_CARD, total, doc.issued_at, reference=self._ref())
                )
            return
        due = total - doc.payer_share - sum((p.amount for p in doc.pays), ZERO)
        recent = self.now - doc.issued_at < RECENT
        unpaid, part = UNPAID[0 if recent else 1], PART_PAID[0 if recent else 1]
        roll = self.rng.random()
        if due > 0 and roll < unpaid:
            old = self.now - doc.issued_at > WRITE_OFF_AFTER
            if (
                old
                and doc.payer_id is None
                and not doc.pays
                and self.rng.random() < WRITE_OFF_SHARE
            ):
                doc.written_off_at = doc.issued_at + WRITE_OFF_AFTER
        elif due > 0:
            amount = round_money(due / 2) if roll < unpaid + part else due
            method = _weighted(self.rng, METHODS)
            doc.pays.append(_Pay(method, amount, doc.issued_at, reference=self._ref(method)))
        if doc.payer_id is not None and doc.payer_share > 0:
            paid_at = self._eft_day(doc)
            if paid_at is not None:
                reference = f"EFT {paid_at:%Y%m%d}-{doc.payer_id}"
                pay = _Pay(
                    PaymentMethod.EFT, doc.payer_share, paid_at, doc.payer_id, None, reference
                )
                doc.pays.append(pay)

    def _eft_day(self, doc: _Doc) -> datetime | None:
        zone = self.zones[doc.location_id]
        day = (doc.issued_at + PAYER_PAYS_AFTER).astimezone(zone).date()
        while day.weekday() != 1:  # insurers' EFT lands on Tuesdays
            day += timedelta(days=1)
        when = datetime.combine(day, time(10, 30), tzinfo=zone)
        today = self.now.astimezone(zone).date()
        return when if day < today else None

    def _ref(self, method: str = PaymentMethod.CREDIT_CARD) -> str:
        if method in (PaymentMethod.DEBIT, PaymentMethod.CREDIT_CARD):
            return f"AUTH {self.rng.randint(100000, 999999)}"
        if method == PaymentMethod.CHEQUE:
            return f"Cheque {self.rng.randint(100, 999)}"
        return ""

    # -- writing -------------------------------------------------------------------

    def write(self, *, clinic: Clinic, desks: Mapping[int, User], desk: User) -> BillingSummary:
        plans = self._write_coverage(desk)
        self.docs.sort(key=lambda d: (d.issued_at, d.location_id, d.patient_id))
        for number, doc in enumerate(self.docs, start=1):
            if doc.sells is not None:
                doc.sells.number = display_number(number)
        for doc in self.docs:
            for line in doc.lines:
                if line.drawn_from is not None:
                    line.description = (
                        f"{line.description} (package, invoice {line.drawn_from.number})"[:200]
                    )
            for pay in doc.pays:
                if pay.package is not None:
                    pay.reference = f"Package, invoice {pay.package.number}"
        invoices = insert_rows(
            Invoice,
            (
                {
                    "clinic_id": clinic.pk,
                    "location_id": doc.location_id,
                    "number": number,
                    "issued_at": doc.issued_at,
                    "issued_by_id": desks[doc.location_id].pk,
                    "patient_id": doc.patient_id,
                    "purpose": doc.purpose,
                    "appointment_id": doc.appointment_id,
                    "payer_id": doc.payer_id,
                    "coverage_id": plans.get(doc.patient_id) if doc.payer_id else None,
                    "claim_number": doc.claim_number,
                    "subtotal": sum((ln.unit_price * ln.quantity for ln in doc.lines), ZERO),
                    "discount": sum((ln.discount for ln in doc.lines), ZERO),
                    "tax": sum((ln.tax for ln in doc.lines), ZERO),
                    "total": doc.total,
                    "payer_share": doc.payer_share,
                }
                for number, doc in enumerate(self.docs, start=1)
            ),
        )
        for doc, invoice in zip(self.docs, invoices, strict=True):
            doc.pk = invoice
        lines = iter(insert_rows(InvoiceLine, self._line_rows()))
        line_ids = {id(line): next(lines) for doc in self.docs for line in doc.lines}
        self._write_packages(desks)
        payments = self._write_payments(clinic, desks)
        credit_notes = self._write_credit_notes(clinic, desks, line_ids)
        self._write_fees(desks)
        closed = self._close_days(desks)
        DocumentSequence.objects.bulk_create(
            [
                DocumentSequence(
                    clinic_id=clinic.pk, kind=SequenceKind.INVOICE, last_number=len(self.docs)
                ),
                DocumentSequence(
                    clinic_id=clinic.pk, kind=SequenceKind.CREDIT_NOTE, last_number=credit_notes
                ),
            ]
        )
        audit_record(
            actor=desk,
            action=AuditAction.CREATE,
            object_type="billing.invoice",
            patient_ids=sorted({doc.patient_id for doc in self.docs}),
            summary="invoices, payments and packages (imported)",
        )
        return BillingSummary(len(self.docs), credit_notes, payments, closed)

    def _write_coverage(self, desk: User) -> dict[int, int]:
        """The extended-health plan of each patient whose visits are billed to their
        insurer (the WSIB and auto insurers are claims, not plans). Returns patient id
        -> coverage id."""
        insured = sorted(
            (patient_id, chosen[0])
            for patient_id, chosen in self.coverage.items()
            if chosen is not None and chosen[0].kind == PayerKind.EXTENDED_HEALTH
        )
        made = Coverage.objects.bulk_create(
            Coverage(
                patient_id=patient_id,
                insurer=payer.name,
                policy_number=f"G{self.rng.randint(10000, 99999)}",
                member_id=f"{self.rng.randint(100000000, 999999999)}",
            )
            for patient_id, payer in insured
        )
        if made:
            audit_record(
                actor=desk,
                action=AuditAction.CREATE,
                object_type="patients.coverage",
                patient_ids=[patient_id for patient_id, _payer in insured],
                summary="insurance coverage (imported)",
            )
        return {coverage.patient_id: coverage.pk for coverage in made}

    def _line_rows(self) -> Iterable[Row]:
        for doc in self.docs:
            for position, line in enumerate(doc.lines, start=1):
                yield {
                    "invoice_id": doc.pk,
                    "position": position,
                    "kind": line.kind,
                    "description": line.description,
                    "service_id": line.service_id,
                    "practitioner_id": line.practitioner_id,
                    "service_date": line.on if line.service_id else None,
                    "duration_minutes": line.duration,
                    "product_id": line.product_id,
                    "package_offer_id": line.offer_id,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "discount": line.discount,
                    "discount_reason": line.discount_reason,
                    "tax_treatment": line.treatment,
                    "tax_name": line.tax_name,
                    "tax_percent": line.tax_percent,
                    "amount": line.amount,
                    "tax": line.tax,
                    "total": line.total,
                }

    def _write_packages(self, desks: Mapping[int, User]) -> None:
        sales = [(doc, doc.sells) for doc in self.docs if doc.sells is not None]
        packages = insert_rows(
            Package,
            (
                {
                    "patient_id": doc.patient_id,
                    "offer_id": sold.offer.pk,
                    "invoice_id": doc.pk,
                    "visits": sold.offer.visits,
                    "expires_on": sold.expires_on,
                    "created_at": doc.issued_at,
                }
                for doc, sold in sales
            ),
        )
        for (_doc, sold), package in zip(sales, packages, strict=True):
            sold.pk = package
        insert_rows(
            PackageUse,
            (
                {
                    "package_id": sold.pk,
                    "appointment_id": appointment,
                    "visits": 1,
                    "used_at": when,
                    "used_by_id": desks[doc.location_id].pk,
                }
                for doc, sold in sales
                for appointment, when in sold.uses
            ),
        )

    def _write_payments(self, clinic: Clinic, desks: Mapping[int, User]) -> int:
        pays = [(doc, pay) for doc in self.docs for pay in doc.pays if pay.amount > 0]
        self.counted: dict[tuple[int, date], dict[str, Decimal]] = defaultdict(
            lambda: dict.fromkeys(COUNTED_METHODS, ZERO)
        )
        rows = []
        for doc, pay in pays:
            day = pay.received_at.astimezone(self.zones[doc.location_id]).date()
            counts = self.counted[(doc.location_id, day)]
            if pay.method in counts:
                counts[pay.method] += pay.amount
            rows.append(
                {
                    "clinic_id": clinic.pk,
                    "location_id": doc.location_id,
                    "patient_id": doc.patient_id,
                    "payer_id": pay.payer_id,
                    "kind": PaymentKind.PAYMENT,
                    "method": pay.method,
                    "amount": pay.amount,
                    "reference": pay.reference,
                    "package_id": pay.package.pk if pay.package else None,
                    "received_at": pay.received_at,
                    "business_date": day,
                    "recorded_by_id": desks[doc.location_id].pk,
                }
            )
        payments = insert_rows(Payment, rows)
        insert_rows(
            PaymentAllocation,
            (
                {
                    "payment_id": payment,
                    "invoice_id": doc.pk,
                    "amount": pay.amount,
                    "created_at": pay.received_at,
                }
                for (doc, pay), payment in zip(pays, payments, strict=True)
            ),
        )
        return len(payments)

    def _write_credit_notes(
        self, clinic: Clinic, desks: Mapping[int, User], line_ids: Mapping[int, int]
    ) -> int:
        """Old unpaid invoices written off, in the order the credit notes were issued."""
        off = sorted(
            (
                (doc.written_off_at, doc)
                for doc in self.docs
                if doc.written_off_at is not None and not doc.pays
            ),
            key=lambda pair: (pair[0], pair[1].pk),
        )
        notes = insert_rows(
            CreditNote,
            (
                {
                    "clinic_id": clinic.pk,
                    "location_id": doc.location_id,
                    "number": number,
                    "invoice_id": doc.pk,
                    "issued_at": when,
                    "issued_by_id": desks[doc.location_id].pk,
                    "reason": "Written off: unpaid after three reminders",
                    "amount": sum((line.amount for line in doc.lines), ZERO),
                    "tax": sum((line.tax for line in doc.lines), ZERO),
                    "total": doc.total,
                }
                for number, (when, doc) in enumerate(off, start=1)
            ),
        )
        insert_rows(
            CreditNoteLine,
            (
                {
                    "credit_note_id": note,
                    "invoice_line_id": line_ids[id(line)],
                    "amount": line.amount,
                    "tax": line.tax,
                    "total": line.total,
                }
                for (_when, doc), note in zip(off, notes, strict=True)
                for line in doc.lines
                if line.total > 0
            ),
        )
        return len(notes)

    def _write_fees(self, desks: Mapping[int, User]) -> None:
        """The no-show fee on each missed visit, as appointment_mark_noshow records it;
        the waived ones with their reason."""
        for fee, ids in self.fees.items():
            for chunk in chunks(ids, 500):
                Appointment.objects.filter(pk__in=chunk).update(fee_due=fee)
        located = dict(
            Appointment.objects.filter(pk__in=[pk for pk, _r, _w in self.waivers]).values_list(
                "pk", "location_id"
            )
        )
        insert_rows(
            FeeWaiver,
            (
                {
                    "appointment_id": pk,
                    "kind": FeeKind.NO_SHOW,
                    "reason": reason,
                    "waived_at": when,
                    "waived_by_id": desks[located[pk]].pk,
                }
                for pk, reason, when in self.waivers
            ),
        )

    def _close_days(self, desks: Mapping[int, User]) -> int:
        """Every past business day with payments, closed at each location: what the
        desk counted per method, now and then a little off, with a note."""
        days = sorted(self.counted)
        closes = insert_rows(
            DayClose,
            (
                {
                    "location_id": location_id,
                    "business_date": day,
                    "closed_at": datetime.combine(day, CLOSED_AT, tzinfo=self.zones[location_id]),
                    "closed_by_id": desks[location_id].pk,
                }
                for location_id, day in days
            ),
        )
        counts = []
        for close, key in zip(closes, days, strict=True):
            off = self.rng.random() < COUNT_OFF_SHARE
            for method, expected in self.counted[key].items():
                difference = ZERO
                if off and method == PaymentMethod.CASH:
                    difference = self.rng.choice((Decimal("-5.00"), Decimal("10.00")))
                counts.append(
                    {
                        "day_close_id": close,
                        "method": method,
                        "expected": expected,
                        "counted": expected + difference,
                        "difference": difference,
                        "note": "Change given wrong; drawer recounted" if difference else "",
                    }
                )
        insert_rows(DayCount, counts)
        return len(closes)
