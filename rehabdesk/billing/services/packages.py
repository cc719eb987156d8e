"""Pre-paid packages: sold as an invoice, drawn down one visit at a time, a visit given
back when its invoice is credited. docs/algorithms/billing.md, "Packages"."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.billing.choices import InvoicePurpose, LineKind, PaymentKind, PaymentMethod
from rehabdesk.billing.errors import BillingError, BillingErrorCode
from rehabdesk.billing.models import (
    CreditNote,
    Invoice,
    InvoiceLine,
    Package,
    PackageOffer,
    PackageUse,
    Payment,
    PaymentAllocation,
)
from rehabdesk.billing.numbering import display_number
from rehabdesk.billing.services.invoices import Draft, invoice_write, line_priced
from rehabdesk.billing.services.payments import queue_behind_account
from rehabdesk.clinic.models import Location
from rehabdesk.core.money import round_money
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.models import Appointment

ZERO = Decimal("0.00")


def package_sell(
    *, patient: Patient, offer: PackageOffer, location: Location, by: User, now: datetime
) -> Package:
    """Sell a package: one invoice with one package line, taxed like the offer's
    service on the day of the sale, and the package valid `offer.valid_days` from today
    (the location's day) inclusive."""
    if not offer.active or offer.clinic_id != location.clinic_id:
        raise BillingError(
            BillingErrorCode.INVALID, f"{offer.name} is not sold any more.", field="offer"
        )
    today = now.astimezone(location.zone).date()
    with transaction.atomic():
        line = line_priced(
            kind=LineKind.PACKAGE,
            description=offer.name,
            unit_price=offer.price,
            tax_category=offer.service.tax_category,
            on=today,
            package_offer=offer,
        )
        invoice = invoice_write(
            Draft(
                location=location,
                patient=patient,
                purpose=InvoicePurpose.PACKAGE,
                on=today,
                lines=[line],
            ),
            by=by,
            now=now,
        )
        package = Package.objects.create(
            patient=patient,
            offer=offer,
            invoice=invoice,
            visits=offer.visits,
            expires_on=today + timedelta(days=offer.valid_days),
            created_at=now,
        )
        _audit(
            package,
            by,
            now,
            f"package sold on invoice {display_number(invoice.number)}",
            AuditAction.CREATE,
        )
    return package


def package_remaining(package: Package) -> int:
    used = PackageUse.objects.filter(package=package).aggregate(s=Sum("visits"))["s"] or 0
    return int(package.visits - used)


def package_line(
    *, package: Package, visit: Appointment, now: datetime
) -> tuple[InvoiceLine, Package]:
    """The visit's service line paid from the package, once the package is the
    patient's, for this service, not expired on today's business date, not used up
    and not credited; the package row locked so two visits never draw its last one.

    The line's price is the package's price shared over its visits, rounded to the
    cent, the last visit taking what rounding left; it carries no tax: the tax was
    charged on the package's own invoice."""
    # Locked alone, then read: FOR UPDATE over a join would lock the offer's service
    # and the sale's invoice too, and queue every visit of that service behind it.
    list(Package.objects.select_for_update().filter(pk=package.pk).values_list("pk"))
    # The draw writes money on the patient's account (a package-credit payment and its
    # allocation): queue behind its other writers (billing/services/payments.py) now,
    # before the invoice's number is taken and held.
    queue_behind_account([package.patient_id])
    locked = Package.objects.select_related("offer__service", "invoice").get(pk=package.pk)
    if locked.patient_id != visit.patient_id:
        raise BillingError(
            BillingErrorCode.PACKAGE_NOT_PATIENTS,
            "That package is another patient's.",
            field="package",
        )
    if locked.offer.service_id != visit.service_id:
        raise BillingError(
            BillingErrorCode.PACKAGE_NOT_FOR_SERVICE,
            f"That package is for {locked.offer.service.name}.",
            field="package",
        )
    if now.astimezone(visit.location.zone).date() > locked.expires_on:
        raise BillingError(
            BillingErrorCode.PACKAGE_EXPIRED,
            f"That package expired on {locked.expires_on.isoformat()}.",
            field="package",
        )
    remaining = package_remaining(locked)
    if remaining <= 0 or _sale_credited(locked):
        raise BillingError(
            BillingErrorCode.PACKAGE_USED_UP, "That package has no visits left.", field="package"
        )
    sold_for = locked.invoice.subtotal - locked.invoice.discount
    # The last visit left takes what is left of the price, so the visits drawn add up
    # to it exactly, whichever visits were given back on the way.
    price = (
        sold_for - _drawn_money(locked) if remaining == 1 else round_money(sold_for / locked.visits)
    )
    service = visit.service
    on = visit.start.astimezone(visit.location.zone).date()
    line = InvoiceLine(
        kind=LineKind.SERVICE,
        description=f"{service.name} (package, invoice {display_number(locked.invoice.number)})"[
            :200
        ],
        quantity=1,
        unit_price=price,
        discount=ZERO,
        tax_treatment=service.tax_category.treatment,
        tax_name="",
        tax_percent=ZERO,
        amount=price,
        tax=ZERO,
        total=price,
        service=service,
        practitioner=visit.practitioner,
        service_date=on,
        duration_minutes=service.duration_minutes,
        package_offer=locked.offer,
    )
    return line, locked


def _drawn_money(package: Package) -> Decimal:
    """Package credit paid out to visits, less what credited visits gave back."""
    money = Payment.objects.filter(package=package, method=PaymentMethod.PACKAGE_CREDIT)
    paid = money.filter(kind=PaymentKind.PAYMENT).aggregate(s=Sum("amount"))["s"] or ZERO
    refunded = money.filter(kind=PaymentKind.REFUND).aggregate(s=Sum("amount"))["s"] or ZERO
    return paid - refunded


def _sale_credited(package: Package) -> bool:
    credited = CreditNote.objects.filter(invoice=package.invoice_id).aggregate(s=Sum("total"))["s"]
    return bool(credited)


def package_draw(
    *, package: Package, invoice: Invoice, line: InvoiceLine, by: User, now: datetime
) -> PackageUse:
    """Pay the visit's line from the package (a package-credit payment allocated to the
    invoice) and count the visit used; `package_line` queued behind the account."""
    if line.total > 0:
        payment = Payment.objects.create(
            clinic_id=invoice.clinic_id,
            location=invoice.location,
            patient=invoice.patient,
            kind=PaymentKind.PAYMENT,
            method=PaymentMethod.PACKAGE_CREDIT,
            amount=line.total,
            reference=f"Package, invoice {display_number(package.invoice.number)}",
            package=package,
            received_at=now,
            business_date=now.astimezone(invoice.location.zone).date(),
            recorded_by=by,
        )
        PaymentAllocation.objects.create(
            payment=payment, invoice=invoice, amount=line.total, created_at=now
        )
    assert invoice.appointment_id is not None
    use = PackageUse.objects.create(
        package=package,
        appointment_id=invoice.appointment_id,
        visits=1,
        used_at=now,
        used_by=by,
    )
    _audit(package, by, now, f"visit drawn on invoice {display_number(invoice.number)}")
    return use


def package_give_back(
    *,
    invoice: Invoice,
    released: dict[int, Decimal],
    visit_back: bool,
    reason: str,
    by: User,
    now: datetime,
) -> None:
    """After a credit note: package-credit money it released from the invoice
    (`released`: payment id -> amount) is refunded to the package, never left as the
    patient's credit (it was never cash); a visit drawn from a package and credited
    (`visit_back`) goes back to it (a -1 use)."""
    payments = Payment.objects.filter(
        pk__in=list(released), method=PaymentMethod.PACKAGE_CREDIT
    ).select_related("package")
    for payment in payments:
        Payment.objects.create(
            clinic_id=payment.clinic_id,
            location=invoice.location,
            patient=payment.patient,
            kind=PaymentKind.REFUND,
            method=PaymentMethod.PACKAGE_CREDIT,
            amount=released[payment.pk],
            refunds=payment,
            reason=reason[:200],
            package=payment.package,
            received_at=now,
            business_date=now.astimezone(invoice.location.zone).date(),
            recorded_by=by,
        )
    if not visit_back or invoice.appointment_id is None:
        return
    use = PackageUse.objects.filter(appointment_id=invoice.appointment_id).order_by("-pk").first()
    if use is None or use.visits != 1:
        return
    PackageUse.objects.create(
        package_id=use.package_id,
        appointment_id=use.appointment_id,
        visits=-1,
        used_at=now,
        used_by=by,
    )
    _audit(use.package, by, now, f"visit given back (invoice {display_number(invoice.number)})")


def _audit(
    package: Package,
    by: User,
    now: datetime,
    summary: str,
    action: AuditAction = AuditAction.CHANGE,
) -> None:
    audit_record(
        actor=by,
        action=action,
        object_type="billing.package",
        object_id=package.pk,
        patient_ids=[package.patient_id],
        summary=summary,
        now=now,
    )
