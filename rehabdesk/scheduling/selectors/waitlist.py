"""Reads of the waitlist: who is waiting, a patient's places and the offers open to
them, and one entry or offer (authorized by rehabdesk.access before a page shows it)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Prefetch

from rehabdesk.scheduling.choices import AppointmentStatus, OfferStatus, WaitlistStatus
from rehabdesk.scheduling.models import Appointment, WaitlistEntry, WaitlistOffer

# The most entries the desk's list answers at once.
ENTRIES_LISTED = 500


def waitlist_entries(
    *, status: WaitlistStatus, location_id: int | None = None
) -> list[WaitlistEntry]:
    """Who is on the waitlist with this status (at a location when it is given), longest
    wait first, with the locations each would go to."""
    entries = WaitlistEntry.objects.filter(status=status).prefetch_related("locations")
    if location_id is not None:
        entries = entries.filter(locations=location_id)
    return list(entries.order_by("created_at", "id")[:ENTRIES_LISTED])


def waitlist_open(
    *, location_id: int | None = None, service_id: int | None = None
) -> list[WaitlistEntry]:
    """Everyone still on the waitlist (waiting, or offered a time), longest wait first,
    at a location and for a service when given: with their patient, service, the
    practitioner wished for, the locations, and every offer made (newest first, with the
    time held). Four queries, however many entries."""
    entries = WaitlistEntry.objects.filter(
        status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
    )
    if location_id is not None:
        entries = entries.filter(locations=location_id)
    if service_id is not None:
        entries = entries.filter(service_id=service_id)
    offers = WaitlistOffer.objects.select_related(
        "appointment__practitioner", "appointment__location"
    ).order_by("-created_at", "-id")
    return list(
        entries.select_related("patient", "service", "practitioner")
        .prefetch_related("locations", Prefetch("offers", queryset=offers, to_attr="offers_made"))
        .order_by("created_at", "id")
        .distinct()[:ENTRIES_LISTED]
    )


def waitlist_for_patient(*, patient_id: int, now: datetime) -> list[WaitlistEntry]:
    """The patient's places still waiting or offered, oldest first, each with the offers
    they can still answer (`open_offers`)."""
    return waitlist_for_patients(patient_ids=[patient_id], now=now)


def waitlist_for_patients(*, patient_ids: Iterable[int], now: datetime) -> list[WaitlistEntry]:
    """waitlist_for_patient for several patients at once (a family), with each place's
    patient."""
    return list(
        WaitlistEntry.objects.filter(
            patient_id__in=list(patient_ids),
            status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED],
        )
        .select_related("service", "practitioner", "patient")
        .prefetch_related(
            Prefetch(
                "offers",
                queryset=WaitlistOffer.objects.filter(status=OfferStatus.OPEN, expires_at__gt=now),
                to_attr="open_offers",
            )
        )
        .order_by("created_at")
    )


def waitlist_entry(*, entry_id: int) -> WaitlistEntry | None:
    return WaitlistEntry.objects.filter(pk=entry_id).prefetch_related("locations").first()


def offer_detail(*, offer_id: int) -> WaitlistOffer | None:
    """One offer with its patient and the time held for them."""
    return (
        WaitlistOffer.objects.filter(pk=offer_id)
        .select_related("entry__patient", "appointment__location")
        .first()
    )


def waitlist_offer_open(*, appointment: Appointment, now: datetime) -> WaitlistOffer | None:
    """The waitlist offer this held appointment is, while it can still be answered."""
    if appointment.status != AppointmentStatus.PENDING:
        return None
    return WaitlistOffer.objects.filter(
        appointment=appointment, status=OfferStatus.OPEN, expires_at__gt=now
    ).first()


def appointment_was_offered(*, appointment_id: int) -> bool:
    """Whether this time was held as a waitlist offer (answered or not)."""
    return WaitlistOffer.objects.filter(appointment_id=appointment_id).exists()
