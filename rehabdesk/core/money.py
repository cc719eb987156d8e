"""Money is Decimal, in CAD unless a clinic says otherwise, rounded in one place."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CURRENCY = "CAD"
CENT = Decimal("0.01")


def round_money(amount: Decimal) -> Decimal:
    """Round to the cent, halves away from zero, as Canadian receipts and the CRA do."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal) -> str:
    """'$1,234.50' — for pages and e-mails in English Canada."""
    return f"${round_money(amount):,.2f}"
