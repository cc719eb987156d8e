"""Nothing can rewrite the trail: the database refuses to change or remove audit rows,
whichever way it is asked, and the row stays as it was."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.forms.models import model_to_dict

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent, AuditEventPatient
from rehabdesk.audit.services import audit_record
from rehabdesk.core import database

pytestmark = pytest.mark.django_db


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def event(olivia):
    """An event with no patient links, so deleting it reaches the database (links
    would make Django refuse first: they protect their event)."""
    return audit_record(
        actor=olivia, action=AuditAction.VIEW, object_type="web.report", summary="report"
    )


@pytest.fixture
def link(olivia):
    event = audit_record(
        actor=olivia, action=AuditAction.VIEW, object_type="patients.patient", patient_ids=[7]
    )
    return event.patient_links.get()


def saved(row):
    def rewrite():
        if isinstance(row, AuditEvent):
            row.summary = "rewritten"
        else:
            row.patient_id = 8
        row.save()

    return rewrite


EVENT_CHANGES = {
    "save": lambda e: saved(e)(),
    "queryset-update": lambda e: AuditEvent.objects.filter(pk=e.pk).update(summary="rewritten"),
    "sql-update": lambda e: sql(
        "UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["rewritten", e.pk]
    ),
    "delete": lambda e: e.delete(),
    "queryset-delete": lambda e: AuditEvent.objects.filter(pk=e.pk).delete(),
    "sql-delete": lambda e: sql("DELETE FROM audit_auditevent WHERE id = %s", [e.pk]),
    "sql-delete-all": lambda e: sql("DELETE FROM audit_auditevent"),
}
LINK_CHANGES = {
    "save": lambda link: saved(link)(),
    "queryset-update": lambda link: AuditEventPatient.objects.filter(pk=link.pk).update(
        patient_id=8
    ),
    "sql-update": lambda link: sql(
        "UPDATE audit_auditeventpatient SET patient_id = 8 WHERE id = %s", [link.pk]
    ),
    "delete": lambda link: link.delete(),
    "queryset-delete": lambda link: AuditEventPatient.objects.filter(pk=link.pk).delete(),
    "sql-delete": lambda link: sql("DELETE FROM audit_auditeventpatient WHERE id = %s", [link.pk]),
}


def assert_refused(change, row):
    before = model_to_dict(type(row).objects.get(pk=row.pk))
    # The savepoint keeps the test's transaction usable after the refusal.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change(row)
    assert model_to_dict(type(row).objects.get(pk=row.pk)) == before


@pytest.mark.parametrize("change", EVENT_CHANGES.values(), ids=EVENT_CHANGES.keys())
def test_it_refuses_to_change_or_remove_an_event(event, change):
    assert_refused(change, event)


@pytest.mark.parametrize("change", LINK_CHANGES.values(), ids=LINK_CHANGES.keys())
def test_it_refuses_to_change_or_remove_a_patient_link(link, change):
    assert_refused(change, link)


@pytest.mark.skipif(not database.has_truncate(), reason="this database has no TRUNCATE")
@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE audit_auditeventpatient",
        "TRUNCATE audit_auditevent, audit_auditeventpatient",
        "TRUNCATE audit_auditevent CASCADE",
    ],
)
def test_it_refuses_to_truncate(link, statement):
    # Run the test transaction's deferred foreign-key checks now: PostgreSQL will not
    # TRUNCATE a table with checks still pending, and we want the trigger to answer.
    connection.check_constraints()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement)
    assert AuditEventPatient.objects.filter(pk=link.pk, patient_id=7).exists()
    assert AuditEvent.objects.filter(pk=link.event_id).exists()


@pytest.mark.skipif(not database.has_insert_or_replace(), reason="REPLACE is SQLite's")
@pytest.mark.parametrize(
    "statement",
    [
        # The same id: the event itself rewritten.
        "INSERT OR REPLACE INTO audit_auditevent (id, occurred_at, actor_email, action, "
        "outcome, object_type, object_id, summary, request_id, content_hash, chain_hash) "
        "SELECT id, occurred_at, actor_email, action, outcome, object_type, object_id, "
        "'rewritten', request_id, content_hash, chain_hash FROM audit_auditevent WHERE id = %s",
        # A new id but the same (event, patient): the unique key replaces the old link.
        "INSERT OR REPLACE INTO audit_auditeventpatient (event_id, patient_id) "
        "SELECT id, 7 FROM audit_auditevent WHERE id = %s",
        "REPLACE INTO audit_auditeventpatient (id, event_id, patient_id) "
        "SELECT ap.id, ap.event_id, 8 FROM audit_auditeventpatient ap WHERE ap.event_id = %s",
    ],
)
def test_sqlite_replace_cannot_rewrite_an_audit_row(link, statement):
    before = model_to_dict(AuditEvent.objects.get(pk=link.event_id))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement, [link.event_id])
    assert model_to_dict(AuditEvent.objects.get(pk=link.event_id)) == before
    assert list(AuditEventPatient.objects.values_list("id", "patient_id")) == [(link.pk, 7)]
