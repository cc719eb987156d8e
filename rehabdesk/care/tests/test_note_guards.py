"""The database refuses changing a signed note and deleting any note, draft or signed,
whatever asks: the ORM, a QuerySet, raw SQL (on SQLite and on PostgreSQL alike). A
draft changes freely until it is signed; signing itself is the draft's last change."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from rehabdesk.care import guards
from rehabdesk.care.models import VisitNote
from rehabdesk.care.testing import note_write
from rehabdesk.core import database
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db
WRITTEN = {"complaint": "Ankle sprain", "plan": "Balance work"}


def refused(change) -> bool:
    try:
        with transaction.atomic():
            change()
    except IntegrityError as error:
        return "a signed note never changes" in str(error)
    return False


def sql(statement: str, *params: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


@pytest.fixture
def signed(personas, templates, visit):
    return note_write(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(),
        content=WRITTEN,
        now=at(9, 11),
    )


@pytest.fixture
def draft(personas, templates, visit):
    return note_write(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(at(9, 13)),
        content=WRITTEN,
        now=at(9, 14),
        sign=False,
    )


def test_the_guards_are_in_place_after_the_migrations(db):
    assert database.missing_guards(guards.GUARDS) == []


def test_a_signed_note_is_refused_a_save_through_the_orm(signed):
    def rewrite():
        row = VisitNote.objects.get(pk=signed.pk)
        row.content = {**WRITTEN, "plan": "Nothing"}
        row.save(update_fields=["content"])

    assert refused(rewrite)


def test_a_signed_note_is_refused_a_queryset_update_even_of_one_harmless_column(signed):
    assert refused(lambda: VisitNote.objects.filter(pk=signed.pk).update(late_entry=True))
    assert refused(lambda: VisitNote.objects.filter(pk=signed.pk).update(content_sha256=""))


def test_a_signed_note_is_refused_an_update_in_raw_sql(signed):
    assert refused(lambda: sql("UPDATE care_visitnote SET reason = 'x' WHERE id = %s", signed.pk))
    row = VisitNote.objects.get(pk=signed.pk)
    assert (row.content, row.reason) == (WRITTEN, "")


@pytest.mark.parametrize("which", ["signed", "draft"])
def test_no_note_is_deleted_by_the_orm_a_queryset_or_raw_sql(request, which):
    note = request.getfixturevalue(which)
    assert refused(lambda: VisitNote.objects.get(pk=note.pk).delete())
    assert refused(lambda: VisitNote.objects.filter(pk=note.pk).delete())
    assert refused(lambda: sql("DELETE FROM care_visitnote WHERE id = %s", note.pk))
    assert VisitNote.objects.filter(pk=note.pk).exists()


def test_a_draft_changes_until_signed(draft):
    VisitNote.objects.filter(pk=draft.pk).update(reason="")
    sql("UPDATE care_visitnote SET revision = revision + 1 WHERE id = %s", draft.pk)
    assert VisitNote.objects.get(pk=draft.pk).revision == 2
