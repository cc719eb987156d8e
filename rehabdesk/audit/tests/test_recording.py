"""Recording an event: one row for what happened, one per patient it concerned."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from rehabdesk.audit.choices import AuditAction, AuditOutcome
from rehabdesk.audit.models import AuditEvent, AuditEventPatient
from rehabdesk.audit.services import audit_record, audit_record_denied

pytestmark = pytest.mark.django_db
MONDAY_9AM = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def test_it_records_a_day_schedule_of_30_patients_as_one_event_in_2_queries(
    olivia, django_assert_num_queries
):
    with django_assert_num_queries(2):
        event = audit_record(
            actor=olivia,
            action=AuditAction.VIEW,
            object_type="web.day_schedule",
            object_id="2026-03-02",
            patient_ids=range(101, 131),
            summary="day schedule",
            location_id=3,
            now=MONDAY_9AM,
        )
    event.refresh_from_db()
    assert event.occurred_at == MONDAY_9AM
    assert event.actor == olivia
    assert event.actor_email == "olivia@clinic.example"
    assert (event.action, event.outcome) == (AuditAction.VIEW, AuditOutcome.SUCCESS)
    assert (event.object_type, event.object_id, event.summary) == (
        "web.day_schedule",
        "2026-03-02",
        "day schedule",
    )
    assert event.location_id == 3
    assert sorted(event.patient_links.values_list("patient_id", flat=True)) == list(range(101, 131))


def test_it_links_a_patient_once_however_often_they_are_named(olivia):
    event = audit_record(
        actor=olivia,
        action=AuditAction.VIEW,
        object_type="web.patient_search",
        patient_ids=[7, 8, 7, 7, 8],
        summary="patient search results",
    )
    assert sorted(event.patient_links.values_list("patient_id", flat=True)) == [7, 8]


def test_it_records_an_event_concerning_no_patient_in_1_query(olivia, django_assert_num_queries):
    with django_assert_num_queries(1):
        audit_record(actor=olivia, action=AuditAction.EXPORT, object_type="web.report")
    assert AuditEventPatient.objects.count() == 0


def test_it_keeps_the_email_the_account_had_at_the_time(olivia):
    event = audit_record(
        actor=olivia, action=AuditAction.VIEW, object_type="patients.patient", object_id=7
    )
    olivia.email = "olivia.bennett@clinic.example"
    olivia.save()
    event.refresh_from_db()
    assert event.actor_email == "olivia@clinic.example"
    assert event.object_id == "7"


@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_it_records_someone_not_signed_in_as_no_actor(actor):
    event = audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type="patients.patient",
        object_id=7,
        patient_ids=[7],
    )
    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_email == ""


def test_it_stamps_the_time_now_when_none_is_given(olivia):
    before = datetime.now(tz=UTC)
    event = audit_record(actor=olivia, action=AuditAction.VIEW, object_type="patients.patient")
    assert before <= event.occurred_at <= datetime.now(tz=UTC)


def test_it_records_a_refusal_as_a_deny_event(olivia):
    event = audit_record_denied(
        actor=olivia, object_type="patients.patient", object_id=9, patient_ids=[9]
    )
    assert (event.action, event.outcome) == (AuditAction.DENY, AuditOutcome.DENIED)
    missing = audit_record_denied(
        actor=olivia, object_type="patients.patient", object_id=404, outcome=AuditOutcome.NOT_FOUND
    )
    assert missing.outcome == AuditOutcome.NOT_FOUND


def test_it_writes_in_the_callers_transaction_so_a_rolled_back_change_leaves_no_row(olivia):
    def change_that_fails():
        with transaction.atomic():
            audit_record(
                actor=olivia,
                action=AuditAction.CHANGE,
                object_type="patients.patient",
                object_id=7,
                patient_ids=[7],
            )
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert AuditEvent.objects.count() == 0
    assert AuditEventPatient.objects.count() == 0


@pytest.mark.parametrize(
    "mistake",
    [
        {"object_type": "patient"},
        {"object_type": "Patients.Patient"},
        {"object_type": "patients." + "x" * 60},
        {"object_id": "x" * 65},
        {"summary": "x" * 201},
        {"now": datetime(2026, 3, 2, 9, 0)},  # noqa: DTZ001 - naive on purpose
        {"patient_ids": ["7"]},
        {"action": "delete"},
    ],
    ids=lambda mistake: next(iter(mistake)),
)
def test_it_refuses_a_malformed_call_and_records_nothing(olivia, mistake):
    arguments = {
        "actor": olivia,
        "action": AuditAction.VIEW,
        "object_type": "patients.patient",
        **mistake,
    }
    with pytest.raises(ValueError):  # noqa: PT011 - each mistake has its own message
        audit_record(**arguments)
    assert AuditEvent.objects.count() == 0
