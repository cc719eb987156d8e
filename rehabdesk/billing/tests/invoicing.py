"""A world to invoice in, for billing's tests: the booking world's clinic with a desk
clerk, visits checked in on Monday 2027-03-08 at Pickering, products and payers.

Products, offers and payers are rows a manager keeps in the admin; tests write them
directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from rehabdesk.accounts.models import User
from rehabdesk.billing.choices import PayerKind
from rehabdesk.billing.models import PackageOffer, Payer, Product
from rehabdesk.clinic.models import Clinic, Service, TaxCategory
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import CancelledBy
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import (
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    appointment_mark_noshow,
)
from rehabdesk.scheduling.testing import NOW, BookingWorld, at, build_booking_world

# Monday 2027-03-08, Toronto: visits at 9:00, 10:00, … are booked at 8:00 and checked in.
CHECK_OUT = at(8, 16, 30)


@dataclass
class InvoiceWorld:
    booking: BookingWorld
    desk: User
    clinic: Clinic
    patient: Patient
    other_patient: Patient
    follow_up: Service  # physiotherapy, $85.00, HST exempt
    massage: Service  # massage therapy, $85.00, HST 13 %

    def visit(
        self,
        hour: int,
        *,
        service: Service | None = None,
        patient: Patient | None = None,
        day: int = 8,
        minute: int = 0,
    ) -> Appointment:
        """A visit booked on Monday morning and checked in at its time."""
        service = service or self.follow_up
        practitioner = (
            self.booking.massage_therapist if service == self.massage else self.booking.physio
        )
        booked = appointment_book(
            request=self.booking.request(
                at(day, hour, minute), patient=patient, service=service, practitioner=practitioner
            ),
            actor=self.desk,
            now=NOW,
            tell=False,
        )
        return appointment_arrive(appointment=booked, actor=self.desk, now=at(day, hour, minute))

    def booked(self, hour: int, *, day: int = 8, service: Service | None = None) -> Appointment:
        service = service or self.follow_up
        practitioner = (
            self.booking.massage_therapist if service == self.massage else self.booking.physio
        )
        return appointment_book(
            request=self.booking.request(at(day, hour), service=service, practitioner=practitioner),
            actor=self.desk,
            now=NOW,
            tell=False,
        )

    def no_show(self, hour: int) -> Appointment:
        """A visit the patient missed: the clinic's fee (100 % of $85) recorded."""
        return appointment_mark_noshow(
            appointment=self.booked(hour), actor=self.desk, now=at(8, hour, 30)
        )

    def late_cancel(self, hour: int, *, day: int = 9) -> Appointment:
        """Cancelled by the patient with less than 24 hours' notice: 50 % of $85."""
        return appointment_cancel(
            appointment=self.booked(hour, day=day),
            actor=self.desk,
            now=at(day, hour) - timedelta(hours=14),
            by=CancelledBy.PATIENT,
        )

    def product(self, name: str, price: str, tax: str = "general-taxable") -> Product:
        return Product.objects.create(
            clinic=self.clinic,
            name=name,
            price=Decimal(price),
            tax_category=TaxCategory.objects.get(code=tax),
        )

    def payer(self, name: str = "Sun Life", kind: PayerKind = PayerKind.EXTENDED_HEALTH) -> Payer:
        return Payer.objects.create(clinic=self.clinic, name=name, kind=kind)

    def offer(
        self, *, visits: int = 5, price: str = "400.00", valid_days: int = 365
    ) -> PackageOffer:
        return PackageOffer.objects.create(
            clinic=self.clinic,
            name=f"{visits} massages",
            service=self.massage,
            visits=visits,
            price=Decimal(price),
            valid_days=valid_days,
        )


def build_invoice_world(personas: object) -> InvoiceWorld:
    booking = build_booking_world(personas)
    return InvoiceWorld(
        booking=booking,
        desk=personas.front_desk,  # type: ignore[attr-defined]
        clinic=booking.pickering.clinic,
        patient=booking.patient,
        other_patient=booking.other_patient,
        follow_up=booking.follow_up,
        massage=booking.massage,
    )


def later(minutes: int) -> datetime:
    return CHECK_OUT + timedelta(minutes=minutes)
