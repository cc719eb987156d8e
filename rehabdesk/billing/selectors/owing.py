"""What is still owed on invoices: the one definition every part of billing uses.

owed = total − credit notes' totals − money allocated to it (allocations are signed).
Split by party: the payer's share less what credit notes took off it and less the
payer's allocated payments; the patient's the rest.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from rehabdesk.billing.models import CreditNote, Invoice, PaymentAllocation

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=12, decimal_places=2)


def _summed(queryset, field: str):  # type: ignore[no-untyped-def]
    return Coalesce(
        Subquery(
            queryset.values("invoice").annotate(s=Sum(field)).values("s")[:1],
            output_field=_MONEY,
        ),
        Value(ZERO, output_field=_MONEY),
    )


def with_owing(queryset):  # type: ignore[no-untyped-def]
    """Annotate invoices with `credited`, `allocated` and `owing` (one query)."""
    credited = _summed(CreditNote.objects.filter(invoice=OuterRef("pk")), "total")
    allocated = _summed(PaymentAllocation.objects.filter(invoice=OuterRef("pk")), "amount")
    return queryset.annotate(credited=credited, allocated=allocated).annotate(
        owing=Coalesce("total", Value(ZERO, output_field=_MONEY)) - credited - allocated
    )


def owing_by_invoice(invoice_ids: Collection[int]) -> dict[int, Decimal]:
    """Each invoice's amount still owed (all parties), in one query."""
    rows = with_owing(Invoice.objects.filter(pk__in=list(invoice_ids))).values_list("pk", "owing")
    return {pk: Decimal(owing).quantize(Decimal("0.01")) for pk, owing in rows}
