"""The test suite, and only the test suite, may empty the audit tables between
transactional tests (see `_flush_lifts_audit_triggers` in rehabdesk/conftest.py)."""

import pytest
from django.db import DatabaseError, connection, transaction

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.audit.services import audit_record
from rehabdesk.audit.testing import triggers_lifted


def record(patient_id):
    return audit_record(
        actor=None,
        action=AuditAction.VIEW,
        object_type="patients.patient",
        object_id=patient_id,
        patient_ids=[patient_id],
    )


def assert_update_refused(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")


# serialized_rollback as DEVELOPERS.md asks of transactional tests: without it the flush
# re-creates content types under new ids, and a later serialized (browser) test then
# fails to restore its reference data.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestTransactionalTestsEachStartWithAnEmptyTrail:
    """Whichever of these runs second would find the first one's rows, or fail its
    teardown, if the flush between them could not empty the audit tables."""

    def test_it_starts_empty_and_commits_rows(self):
        assert AuditEvent.objects.count() == 0
        record(7)
        record(8)
        assert AuditEvent.objects.count() == 2

    def test_it_starts_empty_again_and_commits_rows(self):
        assert AuditEvent.objects.count() == 0
        record(9)
        assert AuditEvent.objects.count() == 1

    def test_the_trail_is_append_only_again_after_a_flush(self):
        assert_update_refused(record(10))


@pytest.mark.django_db
def test_lifting_the_triggers_puts_them_back_afterwards():
    event = record(7)
    with triggers_lifted(connection):
        AuditEvent.objects.filter(pk=event.pk).update(summary="lifted")
    assert_update_refused(event)
    event.refresh_from_db()
    assert event.summary == "lifted"


@pytest.mark.django_db
def test_a_failure_while_lifted_rolls_back_and_keeps_the_triggers():
    event = record(7)

    def flush_that_fails():
        with triggers_lifted(connection):
            AuditEvent.objects.filter(pk=event.pk).update(summary="lifted")
            raise RuntimeError("the flush failed")

    with pytest.raises(RuntimeError):
        flush_that_fails()
    event.refresh_from_db()
    assert event.summary == ""
    assert_update_refused(event)
