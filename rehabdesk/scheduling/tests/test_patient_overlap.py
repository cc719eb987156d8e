"""One patient, one visit at a time: an active booking may not overlap another active
booking of the same patient, whoever the practitioners and wherever the locations —
unless the desk books the overlap on purpose and says why. Back to back is touching,
not overlapping: the patient's time is [start, end), and the practitioner's buffer
after a visit is the practitioner's, not the patient's."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from django.db import IntegrityError, transaction

from rehabdesk.audit.models import AuditEvent
from rehabdesk.scheduling.choices import AppointmentStatus, Channel, EventKind
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import Appointment, WaitlistOffer
from rehabdesk.scheduling.services import (
    HOLD_DURATION,
    SeriesConflict,
    SeriesPlan,
    Wish,
    appointment_book,
    appointment_cancel,
    appointment_hold,
    appointment_hold_claim,
    appointment_reschedule,
    freed_time_process,
    series_book,
    waitlist_add,
)
from rehabdesk.scheduling.testing import NOW, at, massage_at_milton

pytestmark = pytest.mark.django_db


@pytest.fixture
def milton_massage(world):
    return massage_at_milton(world)


def massage(world, start, *, at_milton=None, **kwargs) -> Appointment:
    """A 60-minute massage (10 minutes' buffer): at Pickering with the world's massage
    therapist, or at Milton with `at_milton`."""
    where = (
        {"practitioner": at_milton, "location": world.milton}
        if at_milton
        else {"practitioner": world.massage_therapist}
    )
    request = world.request(start, service=world.massage, **where, **kwargs)
    return appointment_book(request=request, actor=None, now=NOW)


def refused(code, call, *args, **kwargs) -> SchedulingError:
    before = list(Appointment.objects.values())
    with pytest.raises(SchedulingError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert list(Appointment.objects.values()) == before
    return caught.value


def test_a_patient_is_not_booked_into_two_massages_at_once_at_two_locations(world, milton_massage):
    massage(world, at(10, 9))
    refusal = refused(
        SchedulingErrorCode.PATIENT_BUSY, massage, world, at(10, 9), at_milton=milton_massage
    )
    assert "Alice Anders already has a booking then" in refusal.message
    assert "Pickering" in refusal.message
    # Someone else may have that time at Milton.
    other = massage(world, at(10, 9), at_milton=milton_massage, patient=world.other_patient)
    assert other.status == AppointmentStatus.BOOKED


def test_a_visit_that_starts_inside_another_is_refused_however_short(world):
    massage(world, at(10, 9))
    refused(
        SchedulingErrorCode.PATIENT_BUSY,
        appointment_book,
        request=world.request(at(10, 9, 45)),
        actor=None,
        now=NOW,
    )


def test_back_to_back_visits_touch_and_are_booked(world):
    """A 30-minute follow-up at 9:00 keeps the physio until 9:40 (the buffer), but the
    patient is free at 9:30: a massage with someone else may start then."""
    physio = appointment_book(request=world.request(at(10, 9)), actor=None, now=NOW)
    after = massage(world, at(10, 9, 30))
    assert (physio.end, after.start) == (at(10, 9, 30), at(10, 9, 30))
    assert after.overlap_reason == ""
    next_visit = appointment_book(request=world.request(at(10, 10, 30)), actor=None, now=NOW)
    assert next_visit.start == after.end


def test_a_cancelled_visit_leaves_the_patient_free(world, milton_massage):
    first = massage(world, at(10, 9))
    appointment_cancel(appointment=first, actor=None, now=NOW)
    assert massage(world, at(10, 9), at_milton=milton_massage).status == AppointmentStatus.BOOKED


def test_the_desk_books_a_deliberate_overlap_with_its_reason_on_file(world, milton_massage):
    massage(world, at(10, 9))
    request = replace(
        world.request(
            at(10, 9, 30), service=world.massage, practitioner=milton_massage, location=world.milton
        ),
        overlap_reason="Two therapists, four hands: planned with the patient",
    )
    paired = appointment_book(request=request, actor=None, now=NOW)
    assert paired.overlap_reason == "Two therapists, four hands: planned with the patient"
    event = paired.events.get()
    assert event.kind == EventKind.BOOKED
    assert "Two therapists, four hands" in event.detail
    summary = AuditEvent.objects.latest("pk").summary
    assert "overlap" in summary
    assert "four hands" not in summary  # the audit trail names, never quotes


def test_an_override_where_nothing_overlaps_is_not_marked(world):
    request = replace(world.request(at(10, 9)), overlap_reason="Just in case")
    assert appointment_book(request=request, actor=None, now=NOW).overlap_reason == ""


def test_online_bookings_never_override(world, milton_massage):
    massage(world, at(10, 9))
    request = replace(
        world.request(
            at(10, 9),
            service=world.massage,
            practitioner=milton_massage,
            location=world.milton,
            channel=Channel.ONLINE,
        ),
        overlap_reason="I want both",
    )
    refusal = refused(
        SchedulingErrorCode.INVALID, appointment_book, request=request, actor=None, now=NOW
    )
    assert refusal.field == "overlap_reason"


def test_a_move_onto_the_patient_s_other_visit_is_refused_and_changes_nothing(
    world, milton_massage
):
    massage(world, at(10, 9))
    later = massage(world, at(10, 14), at_milton=milton_massage)
    refusal = refused(
        SchedulingErrorCode.PATIENT_BUSY,
        appointment_reschedule,
        appointment=later,
        start=at(10, 9, 30),
        actor=None,
        now=NOW,
        channel=Channel.STAFF,
    )
    assert "Pickering" in refusal.message
    # A move within its own time is no overlap with itself; and the desk may pair them.
    appointment_reschedule(
        appointment=later, start=at(10, 14, 30), actor=None, now=NOW, channel=Channel.STAFF
    )
    moved = appointment_reschedule(
        appointment=later,
        start=at(10, 9, 30),
        actor=None,
        now=NOW,
        channel=Channel.STAFF,
        overlap_reason="Paired on purpose",
    )
    assert moved.overlap_reason == "Paired on purpose"
    # Moved away again without a reason: nothing overlaps, nothing is marked.
    again = appointment_reschedule(
        appointment=later, start=at(10, 15), actor=None, now=NOW, channel=Channel.STAFF
    )
    assert again.overlap_reason == ""


def test_a_hold_keeps_the_patient_busy_until_it_expires(world, milton_massage):
    at_milton = world.request(
        at(10, 9), service=world.massage, practitioner=milton_massage, location=world.milton
    )
    hold = appointment_hold(request=at_milton, actor=None, now=NOW)
    refused(SchedulingErrorCode.PATIENT_BUSY, massage, world, at(10, 9))
    at_pickering = world.request(
        at(10, 9), service=world.massage, practitioner=world.massage_therapist
    )
    # Nobody swept the expired hold: the booking releases it in its own transaction.
    booked = appointment_book(request=at_pickering, actor=None, now=NOW + HOLD_DURATION)
    assert booked.status == AppointmentStatus.BOOKED
    hold.refresh_from_db()
    assert hold.status == AppointmentStatus.CANCELLED


def test_claiming_a_time_held_online_respects_the_patient_s_other_visits(world, milton_massage):
    massage(world, at(10, 9))
    for_nobody = replace(
        world.request(
            at(10, 9, 30),
            service=world.massage,
            practitioner=milton_massage,
            location=world.milton,
            channel=Channel.ONLINE,
        ),
        patient=None,
    )
    held = appointment_hold(request=for_nobody, actor=None, now=NOW)
    refused(
        SchedulingErrorCode.PATIENT_BUSY,
        appointment_hold_claim,
        appointment=held,
        patient=world.patient,
        actor=None,
        now=NOW,
    )
    # Anyone else may have it.
    claimed = appointment_hold_claim(
        appointment=held, patient=world.other_patient, actor=None, now=NOW
    )
    assert claimed.patient == world.other_patient


def test_a_series_names_the_dates_the_patient_is_busy(world):
    massage(world, at(16, 9))  # the second Tuesday
    plan = SeriesPlan(
        patient=world.patient,
        practitioner=world.physio,
        service=world.follow_up,
        location=world.pickering,
        channel=Channel.STAFF,
        pattern=[(1, time(9))],
        first_day=date(2027, 3, 9),
        weeks=3,
    )
    with pytest.raises(SeriesConflict) as conflict:
        series_book(plan=plan, actor=None, now=NOW)
    assert [c.start for c in conflict.value.conflicts] == [at(16, 9)]
    assert "already has a booking then" in conflict.value.conflicts[0].message
    assert Appointment.objects.filter(service=world.follow_up).count() == 0


def test_a_waitlist_offer_passes_over_a_patient_busy_at_the_freed_time(world, personas):
    """The freed 9:45 follow-up fits only at 9:45; the first on the list is in a massage
    then, so the offer goes to the next."""
    starts = [at(10, 9) + timedelta(minutes=45 * n) for n in range(4)]
    day = [
        appointment_book(request=world.request(s, patient=personas.guardian), actor=None, now=NOW)
        for s in starts
    ]
    massage(world, at(10, 9, 30))  # world.patient, 9:30–10:30

    def wait(patient, when):
        return waitlist_add(
            wish=Wish(
                patient=patient,
                service=world.follow_up,
                practitioner=world.physio,
                locations=[world.pickering],
                weekdays=(),
                day_parts=(),
                valid_until=date(2027, 4, 30),
            ),
            actor=None,
            now=when,
        )

    wait(world.patient, NOW)
    second = wait(world.other_patient, NOW + timedelta(minutes=1))
    appointment_cancel(appointment=day[1], actor=None, now=NOW)
    freed_time_process(now=NOW)
    (offer,) = WaitlistOffer.objects.all()
    assert (offer.entry, offer.appointment.start) == (second, at(10, 9, 45))


def test_the_database_refuses_a_patient_overlap_the_service_did_not_see(world, milton_massage):
    massage(world, at(10, 9))  # Pickering, 9:00–10:00

    def raw(start, minutes=60, **fields):
        values = {
            "patient": world.patient,
            "practitioner": milton_massage,
            "service": world.massage,
            "location": world.milton,
            "start": start,
            "end": start + timedelta(minutes=minutes),
            "busy_until": start + timedelta(minutes=minutes + 10),
            "status": AppointmentStatus.BOOKED,
            "channel": Channel.STAFF,
        } | fields
        return Appointment.objects.create(**values)

    held = {"status": AppointmentStatus.PENDING, "hold_expires_at": NOW}
    with pytest.raises(IntegrityError), transaction.atomic():
        raw(at(10, 9, 59))
    with pytest.raises(IntegrityError), transaction.atomic():
        raw(at(10, 8, 1), **held)
    # Touching before and after; another patient then; a cancelled visit then; two
    # holds for nobody yet at once: none is refused.
    raw(at(10, 10))
    raw(at(10, 8))
    physio = {"practitioner": world.physio, "service": world.follow_up}
    physio |= {"location": world.pickering}
    raw(at(10, 9), 30, patient=world.other_patient, **physio)
    raw(at(10, 9), 30, status=AppointmentStatus.CANCELLED, **physio)
    raw(at(10, 11), 30, patient=None, **held, **physio)
    raw(at(10, 11, 15), patient=None, **held)
    # A pairing the desk made on purpose is left alone, and only while it is marked.
    paired = raw(at(10, 9, 45), 30, overlap_reason="Paired at the desk", **physio)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=paired.pk).update(overlap_reason="")
