"""The manager's "who touched this record" list for one patient."""

from datetime import UTC, datetime, timedelta

import pytest

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.selectors import patient_access_log
from rehabdesk.audit.services import audit_record, audit_record_denied

pytestmark = pytest.mark.django_db
MONDAY_9AM = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def at(minutes):
    return MONDAY_9AM + timedelta(minutes=minutes)


def test_it_lists_every_event_concerning_the_patient_newest_first_with_who(
    olivia, morgan, django_assert_num_queries
):
    chart = audit_record(
        actor=olivia,
        action=AuditAction.VIEW,
        object_type="patients.patient",
        object_id=7,
        patient_ids=[7],
        summary="patient record",
        now=at(0),
    )
    schedule = audit_record(
        actor=morgan,
        action=AuditAction.VIEW,
        object_type="web.day_schedule",
        patient_ids=[5, 7, 9],
        summary="day schedule",
        now=at(30),
    )
    audit_record(  # someone else's chart
        actor=olivia, action=AuditAction.VIEW, object_type="patients.patient", patient_ids=[9]
    )
    refused = audit_record_denied(
        actor=None, object_type="patients.patient", object_id=7, patient_ids=[7], now=at(45)
    )
    note = audit_record(
        actor=olivia,
        action=AuditAction.CHANGE,
        object_type="patients.patient",
        object_id=7,
        patient_ids=[7],
        summary="phone",
        now=at(10),
    )
    with django_assert_num_queries(1):
        rows = [
            (event.pk, event.actor.email if event.actor else None)
            for event in patient_access_log(patient_id=7)
        ]
    assert rows == [
        (refused.pk, None),
        (schedule.pk, "morgan@clinic.example"),
        (note.pk, "olivia@clinic.example"),
        (chart.pk, "olivia@clinic.example"),
    ]


def test_it_reads_many_events_in_one_query(olivia, django_assert_num_queries):
    for minutes in range(40):
        audit_record(
            actor=olivia,
            action=AuditAction.VIEW,
            object_type="patients.patient",
            patient_ids=[7],
            now=at(minutes),
        )
    with django_assert_num_queries(1):
        events = [
            (event.occurred_at, event.actor.email) for event in patient_access_log(patient_id=7)
        ]
    assert [occurred_at for occurred_at, _ in events] == [at(m) for m in reversed(range(40))]


def test_it_lists_nothing_for_a_patient_nobody_touched(olivia):
    audit_record(actor=olivia, action=AuditAction.VIEW, object_type="web.x", patient_ids=[7])
    assert list(patient_access_log(patient_id=8)) == []
