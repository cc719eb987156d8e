"""Each audit event chains a hash of the one before it, and `manage.py verify_audit`
names the first row that was altered, removed, slipped in or given patients
afterwards (exit status 1), and says how far an intact chain goes."""

from __future__ import annotations

import importlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from rehabdesk.audit import chain
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.audit.services import audit_record
from rehabdesk.audit.testing import triggers_lifted
from rehabdesk.core import database

NOW = datetime(2027, 3, 10, 17, 0, 0, 123456, tzinfo=UTC)


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", "--batch", "2", stdout=out)
    return out.getvalue()


def broken_at() -> str:
    with pytest.raises(CommandError) as refusal:
        verify()
    return str(refusal.value)


@pytest.fixture
def trail(olivia):
    """Five events, some with patients, a minute apart."""
    return [
        audit_record(
            actor=olivia if n % 2 else None,
            action=AuditAction.VIEW,
            object_type="patients.patient",
            object_id=n,
            patient_ids=[n, n + 100] if n % 2 else [],
            summary="patient record",
            location_id=3,
            now=NOW + timedelta(minutes=n),
        )
        for n in range(5)
    ]


@pytest.mark.django_db
def test_an_untouched_trail_verifies_and_ends_at_its_last_event(trail):
    assert "5 events verified" in verify()
    last = AuditEvent.objects.get(pk=trail[-1].pk)
    assert f"last event {last.pk}, hash {last.chain_hash}" in verify()
    # The database linked what the app hashed, as chain.py says.
    first = AuditEvent.objects.get(pk=trail[0].pk)
    assert first.chain_hash == chain.link(chain.GENESIS, first.content_hash)


@pytest.mark.django_db
def test_an_empty_trail_verifies():
    assert "0 events verified" in verify()


ALTERATIONS = {
    "summary": "UPDATE audit_auditevent SET summary = 'nothing to see' WHERE id = %s",
    "actor": "UPDATE audit_auditevent SET actor_id = NULL, actor_email = '' WHERE id = %s",
    "time": "UPDATE audit_auditevent SET occurred_at = occurred_at - interval '1 day' "
    "WHERE id = %s",
    "patients": "UPDATE audit_auditeventpatient SET patient_id = 999 WHERE event_id = %s"
    " AND patient_id > 100",
}


@pytest.mark.django_db
@pytest.mark.parametrize("column", ALTERATIONS)
def test_it_catches_an_altered_row(trail, column):
    altered = trail[3]  # an actor and two patients
    statement = ALTERATIONS[column]
    if database.instants_as_text() and column == "time":
        statement = "UPDATE audit_auditevent SET occurred_at = '2020-01-01 00:00:00' WHERE id = %s"
    with triggers_lifted(connection):
        sql(statement, [altered.pk])
    message = broken_at()
    assert f"broken at event {altered.pk}" in message
    assert "altered" in message


@pytest.mark.django_db
def test_it_catches_a_removed_row_at_the_one_after_it(trail):
    with triggers_lifted(connection):
        sql("DELETE FROM audit_auditevent WHERE id = %s", [trail[2].pk])
    message = broken_at()
    assert f"broken at event {trail[3].pk} (after event {trail[1].pk})" in message
    assert "removed" in message


@pytest.mark.django_db
def test_it_catches_a_patient_slipped_into_an_event(trail):
    # INSERT is allowed, so no trigger stops this: the chain does.
    sql("INSERT INTO audit_auditeventpatient (event_id, patient_id) VALUES (%s, 55)", [trail[1].pk])
    assert f"broken at event {trail[1].pk}" in broken_at()


@pytest.mark.django_db
def test_it_catches_a_row_written_around_audit_record(trail):
    sql(
        "INSERT INTO audit_auditevent (occurred_at, actor_email, action, outcome, object_type,"
        " object_id, summary, request_id, content_hash, chain_hash)"
        " VALUES (%s, '', 'view', 'success', 'web.report', '', '', '', %s, %s)",
        [NOW, "f" * 64, "f" * 64],
    )
    forged = AuditEvent.objects.order_by("-id").first()
    assert f"broken at event {forged.pk}" in broken_at()


@pytest.mark.django_db
def test_the_rewritten_first_row_is_caught_even_with_its_hash_recomputed(trail):
    """Recomputing the altered row's own hash is not enough: the next one no longer
    chains to it."""
    first = AuditEvent.objects.get(pk=trail[0].pk)
    values = [getattr(first, f) for f in chain.FIELDS]
    values[chain.FIELDS.index("summary")] = "rewritten"
    content = chain.content(values, [])
    with triggers_lifted(connection):
        sql(
            "UPDATE audit_auditevent SET summary = 'rewritten', content_hash = %s, "
            "chain_hash = %s WHERE id = %s",
            [content, chain.link(chain.GENESIS, content), first.pk],
        )
    assert f"broken at event {trail[1].pk} (after event {first.pk})" in broken_at()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writers_at_the_same_time_never_chain_to_the_same_event():
    """Eight threads, each in its own transaction and connection, record at once; the
    chain comes out whole, one event after another."""
    start = threading.Barrier(8, timeout=10)

    def record(n: int) -> None:
        try:
            start.wait()
            with transaction.atomic():
                for k in range(3):
                    audit_record(
                        actor=None,
                        action=AuditAction.VIEW,
                        object_type="patients.patient",
                        patient_ids=[n * 10 + k],
                    )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        for future in [pool.submit(record, n) for n in range(8)]:
            future.result(timeout=60)
    assert "24 events verified" in verify()
    hashes = list(AuditEvent.objects.values_list("chain_hash", flat=True))
    assert len(set(hashes)) == 24


@pytest.mark.django_db
def test_the_migration_chains_the_events_already_on_file(trail):
    """Migration 0004 fills in the hashes of the events written before it, in id order,
    exactly as the database links new ones: the chain then runs on past them."""
    migration = importlib.import_module("rehabdesk.audit.migrations.0004_hash_chain")
    with triggers_lifted(connection):
        sql("UPDATE audit_auditevent SET content_hash = '', chain_hash = ''")
        assert f"broken at event {trail[0].pk}" in broken_at()
        migration.chain_the_events_on_file(None, SimpleNamespace(connection=connection))
    audit_record(actor=None, action=AuditAction.VIEW, object_type="web.report")
    assert "6 events verified" in verify()
