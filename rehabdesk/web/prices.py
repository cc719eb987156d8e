"""A service's price as pages show it: before tax, what tax adds (clinic/tax.py through
clinic.selectors.service_price_on), and the total. The public price lists, the online
booking's first step and the desk's booking confirmation say it the same way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rehabdesk.clinic import selectors
from rehabdesk.clinic.choices import PatientEligibility, TaxTreatment
from rehabdesk.clinic.models import Service
from rehabdesk.core.money import format_money


@dataclass(frozen=True)
class PricedService:
    """A service as a patient reads it: the price before tax and what tax adds."""

    service: Service
    price: str
    tax: str
    total: str | None
    existing_patients_only: bool


def priced(services: Iterable[Service], on: date) -> list[PricedService]:
    rows = []
    for service in services:
        quote = selectors.service_price_on(service=service, on=on)
        if quote.treatment == TaxTreatment.EXEMPT:
            tax, total = "HST exempt", None
        elif quote.treatment == TaxTreatment.ZERO_RATED:
            tax, total = "no HST (zero-rated)", None
        else:
            tax = " + ".join(f"{format_money(line.amount)} {line.name}" for line in quote.lines)
            tax, total = f"+ {tax}", format_money(quote.total)
        rows.append(
            PricedService(
                service=service,
                price=format_money(quote.price),
                tax=tax,
                total=total,
                existing_patients_only=service.patient_eligibility
                == PatientEligibility.EXISTING_ONLY,
            )
        )
    return rows
