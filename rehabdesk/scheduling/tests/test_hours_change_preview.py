"""Before a manager saves new hours, the preview names the bookings they would leave
out — the same ones the save then marks — and writes nothing; afterwards the manager
tells those patients (with other free times) or moves them to the waitlist."""

from __future__ import annotations

from datetime import date

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import WorkingHours
from rehabdesk.clinic.testing import hm
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import AppointmentStatus, CancelledBy, WaitlistStatus
from rehabdesk.scheduling.models import Appointment, WaitlistEntry, WaitlistOffer
from rehabdesk.scheduling.selectors import ProposedShift, hours_change_preview
from rehabdesk.scheduling.services import (
    appointment_book,
    outside_hours_tell,
    outside_hours_to_waitlist,
)
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock_at_now(monkeypatch):
    """Saving working hours reviews the bookings still to come by the real clock
    (clinic.signals.announce), which passes the fixed Mondays of March 2027 one day.
    Held at NOW, the Monday morning before them, like the preview."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


FROM = date(2027, 3, 22)  # a Monday


def book(world, start, patient) -> Appointment:
    return appointment_book(request=world.request(start, patient=patient), actor=None, now=NOW)


@pytest.fixture
def mondays(world, personas):
    """The physio's Mondays: one visit before the change, one the change leaves out
    (9:00 on the 22nd) and one it keeps (4:00 PM)."""
    return {
        "before": book(world, at(15, 9), personas.patient_a),
        "left_out": book(world, at(22, 9), personas.patient_b),
        "kept": book(world, at(22, 16), personas.guardian),
    }


def monday_shift(world) -> WorkingHours:
    return WorkingHours.objects.get(practitioner=world.physio, weekday=0)


def proposed_at(world) -> ProposedShift:
    """Mondays 10:00 AM–6:00 PM (lunch at 1:00 PM) from the 22nd."""
    return ProposedShift(
        location_id=world.pickering.pk,
        weekday=0,
        starts=hm("10:00"),
        ends=hm("18:00"),
        effective_from=FROM,
        effective_until=None,
        breaks=[(hm("13:00"), hm("13:30"))],
    )


def preview(world, proposed: ProposedShift | None) -> list[Appointment]:
    return hours_change_preview(
        practitioner_id=world.physio.pk,
        changed_shift_id=monday_shift(world).pk,
        proposed=proposed,
        from_day=FROM,
        now=NOW,
    )


def save(world) -> None:
    shift = monday_shift(world)
    shift.starts, shift.ends, shift.effective_from = hm("10:00"), hm("18:00"), FROM
    clinic_services.working_hours_change(
        working_hours=shift,
        breaks=[clinic_services.TimeSpan(hm("13:00"), hm("13:30"))],
        today=NOW.date(),
    )


def test_the_preview_names_what_the_save_then_marks_and_writes_nothing(world, mondays):
    before = (WorkingHours.objects.count(), AuditEvent.objects.count())
    shown = preview(world, proposed_at(world))
    assert [a.pk for a in shown] == [mondays["left_out"].pk]
    assert (WorkingHours.objects.count(), AuditEvent.objects.count()) == before
    assert not Appointment.objects.filter(outside_hours_since__isnull=False).exists()
    save(world)
    marked = Appointment.objects.filter(outside_hours_since__isnull=False)
    assert [a.pk for a in marked] == [a.pk for a in shown]


def test_removing_the_mondays_from_a_day_leaves_out_every_monday_from_then(world, mondays):
    shown = preview(world, None)
    assert [a.pk for a in shown] == [mondays["left_out"].pk, mondays["kept"].pk]


def test_the_patients_are_told_once_with_other_free_times(world, mondays, personas):
    save(world)
    left_out = mondays["left_out"]
    outcome = outside_hours_tell(appointments=[left_out], actor=personas.manager, now=NOW)
    assert outcome.done == 1
    (message,) = OutboxMessage.objects.filter(kind="booking_outside_hours")
    assert message.recipient == personas.patient_b.email
    assert "Monday, March 22, 2027 at 9:00 AM" in message.body_text
    assert "These times are free:" in message.body_text
    assert message.body_text.count(", 2027 at ") >= 3  # the booking and other times
    outside_hours_tell(appointments=[left_out], actor=personas.manager, now=NOW)
    assert OutboxMessage.objects.filter(kind="booking_outside_hours").count() == 1
    left_out.refresh_from_db()
    assert left_out.status == AppointmentStatus.BOOKED
    assert AuditEvent.objects.filter(
        object_id=str(left_out.pk), summary="appointment (patient told: outside hours)"
    ).exists()


def test_a_booking_back_inside_the_hours_is_passed_over(world, mondays, personas):
    outcome = outside_hours_tell(appointments=[mondays["kept"]], actor=personas.manager, now=NOW)
    assert outcome.done == 0
    assert not OutboxMessage.objects.filter(kind="booking_outside_hours").exists()


def test_moving_them_to_the_waitlist_cancels_and_offers_a_new_time(world, mondays, personas):
    save(world)
    left_out = mondays["left_out"]
    outcome = outside_hours_to_waitlist(appointments=[left_out], actor=personas.manager, now=NOW)
    assert outcome.done == 1
    left_out.refresh_from_db()
    assert (left_out.status, left_out.cancelled_by) == (
        AppointmentStatus.CANCELLED,
        CancelledBy.CLINIC,
    )
    entry = WaitlistEntry.objects.get(patient=personas.patient_b)
    assert (entry.service_id, entry.practitioner_id) == (left_out.service_id, world.physio.pk)
    assert entry.status == WaitlistStatus.OFFERED
    assert outcome.offers == 1
    offer = WaitlistOffer.objects.get(entry=entry)
    assert offer.appointment.practitioner_id == world.physio.pk
    assert OutboxMessage.objects.filter(kind="booking_cancelled").exists()
    assert OutboxMessage.objects.filter(kind="waitlist_offer").exists()
