"""What the desk's billing page tests share: Pickering open around the clock with the
physio working all of it (the live server reads the real clock), the clinic's payers,
a product and a package offer, and visits of today checked in or missed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from rehabdesk.billing.choices import PayerKind
from rehabdesk.billing.models import PackageOffer, Payer, Product
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import Location, Service, TaxCategory
from rehabdesk.clinic.testing import make_service, make_shift
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import (
    BookingRequest,
    appointment_arrive,
    appointment_book,
    appointment_mark_noshow,
)
from rehabdesk.testing.personas import Personas

ALL_DAY = (time(0), time(23, 59))


@dataclass
class BillingWorld:
    personas: Personas
    pickering: Location
    service: Service
    insurer: Payer
    wsib: Payer
    brace: Product
    package_offer: PackageOffer


def billing_world(personas: Personas) -> BillingWorld:
    pickering = Location.objects.select_related("clinic").get(pk=personas.pickering.pk)
    clinic_services.location_set_opening_hours(
        location=pickering,
        hours=[clinic_services.WeeklySpan(day, *ALL_DAY) for day in range(7)],
        today=timezone.localdate(),
    )
    for day in range(7):
        make_shift(personas.physio, pickering, day, "00:00", "23:59")
    service = make_service("Follow-up", price="85.00")
    clinic = pickering.clinic
    return BillingWorld(
        personas=personas,
        pickering=pickering,
        service=service,
        insurer=Payer.objects.create(
            clinic=clinic, name="Sun Life", kind=PayerKind.EXTENDED_HEALTH
        ),
        wsib=Payer.objects.create(clinic=clinic, name="WSIB Ontario", kind=PayerKind.WSIB),
        brace=Product.objects.create(
            clinic=clinic,
            name="Knee brace",
            price=Decimal("40.00"),
            tax_category=TaxCategory.objects.get(code="general-taxable"),
        ),
        package_offer=PackageOffer.objects.create(
            clinic=clinic,
            name="Five follow-ups",
            service=service,
            visits=5,
            price=Decimal("400.00"),
        ),
    )


def today_at_quarter(zone: object) -> datetime:
    """A start on today's local grid, half an hour ago or just after midnight."""
    now = timezone.now().astimezone(zone)  # type: ignore[arg-type]
    midnight = datetime.combine(now.date(), time(0), tzinfo=zone)  # type: ignore[arg-type]
    quarters = max(1, int((now - midnight - timedelta(minutes=30)) / timedelta(minutes=15)))
    return min(midnight + quarters * timedelta(minutes=15), midnight + timedelta(hours=23))


def booked_today(
    world: BillingWorld, patient: Patient, start: datetime | None = None
) -> Appointment:
    start = start or today_at_quarter(world.pickering.zone)
    return appointment_book(
        request=BookingRequest(
            patient=patient,
            practitioner=world.personas.physio,
            service=world.service,
            location=world.pickering,
            start=start,
            channel=Channel.STAFF,
        ),
        actor=None,
        now=start - timedelta(hours=1),
    )


def arrived_today(world: BillingWorld, patient: Patient) -> Appointment:
    """A visit of today, started, the patient checked in."""
    visit = booked_today(world, patient)
    return appointment_arrive(
        appointment=visit, actor=world.personas.front_desk, now=max(timezone.now(), visit.start)
    )


def missed_today(world: BillingWorld, patient: Patient) -> Appointment:
    """A visit of today the patient missed: the clinic's no-show fee is due."""
    visit = booked_today(world, patient)
    return appointment_mark_noshow(
        appointment=visit, actor=world.personas.front_desk, now=max(timezone.now(), visit.start)
    )
