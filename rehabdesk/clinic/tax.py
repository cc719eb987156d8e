"""Sales tax on a service: one pure function over data (docs/algorithms/tax.md).

The clinic's tax categories and their rates are rows a manager edits; this module only
computes. It takes plain values so billing, the booking flow and receipts all get the
same answer, and so it can be tested without a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rehabdesk.clinic.choices import TaxTreatment
from rehabdesk.core.money import round_money

HUNDRED = Decimal(100)


class TaxConfigurationError(Exception):
    """A taxable category has no rate in force on the date asked for."""


@dataclass(frozen=True)
class RatePeriod:
    """One tax (e.g. HST 13 %) in force from `valid_from` to `valid_until` inclusive."""

    name: str
    percent: Decimal
    valid_from: date
    valid_until: date | None = None

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class TaxLine:
    name: str
    percent: Decimal
    amount: Decimal


@dataclass(frozen=True)
class TaxQuote:
    """What a price comes to on a day: the price, each tax line, and the total."""

    treatment: TaxTreatment
    price: Decimal
    lines: tuple[TaxLine, ...]

    @property
    def tax(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.price + self.tax


def tax_for(
    *, price: Decimal, treatment: TaxTreatment, rates: Iterable[RatePeriod], on: date
) -> TaxQuote:
    """The tax on `price` for a supply of this treatment, charged on day `on`.

    Exempt supplies carry no tax and no tax line. Zero-rated supplies carry a line at
    0 % so receipts can say so. Taxable supplies carry one line per rate in force that
    day, each rounded to the cent; a taxable category with no rate in force is a
    configuration error, never a silent zero.
    """
    price = round_money(price)
    if treatment == TaxTreatment.EXEMPT:
        return TaxQuote(treatment, price, ())
    in_force = sorted((r for r in rates if r.in_force_on(on)), key=lambda r: r.name)
    if treatment == TaxTreatment.ZERO_RATED:
        names = [rate.name for rate in in_force] or ["GST/HST"]
        lines = tuple(TaxLine(name, Decimal(0), Decimal("0.00")) for name in names)
        return TaxQuote(treatment, price, lines)
    if not in_force:
        raise TaxConfigurationError(f"No tax rate is in force on {on.isoformat()}.")
    lines = tuple(
        TaxLine(rate.name, rate.percent, round_money(price * rate.percent / HUNDRED))
        for rate in in_force
    )
    return TaxQuote(treatment, price, lines)
