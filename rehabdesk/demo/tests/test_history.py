"""The demo's calendars, as a clinic would read them: every visit where someone
qualified worked, about 70 % of working time booked before and after today, the past
done (with some no-shows and cancellations), the future booked, and every visit on
the appointment's history and the audit trail like any other.

One demo, loaded two weeks either side of NOW, is shared by the module; these tests
only read it."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta

import pytest

from rehabdesk.audit.models import AuditEvent, AuditEventPatient
from rehabdesk.clinic.models import Service
from rehabdesk.clinic.qualifications import (
    is_qualified,
    practitioner_credentials,
    service_requirements,
)
from rehabdesk.demo.clinic import FRONT_DESK
from rehabdesk.demo.tests.shared import DAYS_AHEAD, DAYS_BACK, NOW, TORONTO
from rehabdesk.demo.tests.working_time import total, working_time
from rehabdesk.scheduling.choices import AppointmentStatus, EventKind
from rehabdesk.scheduling.models import Appointment, AppointmentEvent
from rehabdesk.scheduling.testing import patient_overlaps

pytestmark = pytest.mark.django_db

TODAY = NOW.date()
FIRST_DAY = TODAY - timedelta(days=DAYS_BACK)
LAST_DAY = TODAY + timedelta(days=DAYS_AHEAD)
WINDOW_START = datetime.combine(FIRST_DAY, time(0), tzinfo=TORONTO)
WINDOW_END = datetime.combine(LAST_DAY + timedelta(days=1), time(0), tzinfo=TORONTO)
# Visits that kept their time: booked or done, including patients who did not come.
KEPT = {
    AppointmentStatus.BOOKED,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
}


def imported() -> list[Appointment]:
    return list(Appointment.objects.filter(events__kind=EventKind.IMPORTED))


def test_every_visit_is_in_working_time_with_someone_qualified_and_the_right_rooms(
    shared_demo,
):
    pieces = working_time(FIRST_DAY, LAST_DAY)
    credentials = practitioner_credentials(None)
    requirements = service_requirements()
    kinds = {
        service.pk: sorted(service.resource_kinds.values_list("id", flat=True))
        for service in Service.objects.all()
    }
    visits = list(
        Appointment.objects.select_related("location").prefetch_related("resource_holds__resource")
    )

    assert len(visits) == shared_demo.appointments > 500
    for visit in visits:
        assert any(
            start <= visit.start and visit.end <= end
            for start, end in pieces[visit.practitioner_id, visit.location_id]
        ), f"{visit} is outside its practitioner's working time"
        day = visit.start.astimezone(visit.location.zone).date()
        assert is_qualified(
            credentials[visit.practitioner_id], requirements[visit.service_id], day
        ), f"{visit}: not qualified that day"
        rooms = [hold.resource for hold in visit.resource_holds.all()]
        assert {room.location_id for room in rooms} <= {visit.location_id}
        assert sorted(room.kind_id for room in rooms) == kinds[visit.service_id]


@pytest.mark.parametrize(
    ("start", "end"), [(WINDOW_START, NOW), (NOW, WINDOW_END)], ids=["past", "ahead"]
)
def test_about_seventy_percent_of_working_time_is_booked(shared_demo, start, end):
    pieces = working_time(FIRST_DAY, LAST_DAY)
    worked = sum((total(p, start, end) for p in pieces.values()), timedelta(0))
    kept = Appointment.objects.filter(start__gte=start, start__lt=end, status__in=KEPT)
    # A visit keeps its time with the patient and the notes after (the service's buffer).
    held = sum((visit.busy_until - visit.start for visit in kept), timedelta(0))

    assert 0.65 < held / worked < 0.78


def test_no_patient_is_in_two_visits_at_once_and_none_overlaps_on_purpose(shared_demo):
    assert patient_overlaps() == 0
    assert not Appointment.objects.exclude(overlap_reason="").exists()


def test_the_past_is_mostly_done_with_some_no_shows_and_cancellations(shared_demo):
    past = Counter(Appointment.objects.filter(start__lt=NOW).values_list("status", flat=True))

    assert set(past) == {
        AppointmentStatus.FULFILLED,
        AppointmentStatus.NOSHOW,
        AppointmentStatus.CANCELLED,
    }
    assert past[AppointmentStatus.FULFILLED] > 0.85 * past.total()
    assert past[AppointmentStatus.NOSHOW] < 0.06 * past.total()


def test_the_future_is_booked_with_a_few_cancellations(shared_demo):
    ahead = Counter(Appointment.objects.filter(start__gte=NOW).values_list("status", flat=True))

    assert set(ahead) == {AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED}
    assert ahead[AppointmentStatus.BOOKED] > 0.9 * ahead.total()


def test_no_visit_was_cancelled_after_the_demo_was_loaded(shared_demo):
    cancelled = list(
        Appointment.objects.filter(status=AppointmentStatus.CANCELLED).prefetch_related(
            "resource_holds"
        )
    )

    assert cancelled
    for visit in cancelled:
        # The appointment page shows when it was cancelled: never a day still to come.
        assert visit.cancelled_at <= NOW, f"{visit} cancelled on {visit.cancelled_at}"
        # With at least a day's notice: no late-cancellation fee.
        assert visit.cancelled_at <= visit.start - timedelta(days=1)
        assert (visit.late_cancellation, visit.fee_due) == (False, None)
        assert not any(hold.active for hold in visit.resource_holds.all())


def test_each_imported_visit_has_its_history_and_its_patients_are_on_the_audit_trail(
    shared_demo,
):
    visits = imported()
    events = AppointmentEvent.objects.filter(kind=EventKind.IMPORTED)
    by_visit = {event.appointment_id: event for event in events}

    assert len(by_visit) == events.count() == len(visits)
    for visit in visits:
        event = by_visit[visit.pk]
        assert (event.status, event.start, event.end) == (visit.status, visit.start, visit.end)
        assert event.occurred_at == NOW
    audited = AuditEvent.objects.filter(summary="appointments (imported)")
    assert {event.actor.email for event in audited} == {FRONT_DESK}
    assert set(audited.values_list("action", flat=True)) == {"create"}
    linked = AuditEventPatient.objects.filter(event__in=audited)
    assert set(linked.values_list("patient_id", flat=True)) == {
        visit.patient_id for visit in visits
    }


def test_only_the_familys_visits_went_through_the_booking_service(shared_demo):
    booked = Appointment.objects.exclude(events__kind=EventKind.IMPORTED)

    assert sorted(booked.values_list("patient__first_name", flat=True)) == ["Charlie", "Grace"]
    assert set(
        AppointmentEvent.objects.filter(appointment__in=booked).values_list("kind", flat=True)
    ) == {EventKind.BOOKED}
