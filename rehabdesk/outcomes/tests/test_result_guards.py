"""The database refuses changing or deleting a recorded result, whatever asks: the
ORM, a QuerySet, raw SQL (on SQLite and on PostgreSQL alike). Requests, which are not
facts but plans, still change (sent, cancelled)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from rehabdesk.core import database
from rehabdesk.outcomes import guards
from rehabdesk.outcomes.models import MeasureRequest, MeasureResult
from rehabdesk.outcomes.testing import request_make, result_record

pytestmark = pytest.mark.django_db


def refused(change) -> bool:
    try:
        with transaction.atomic():
            change()
    except IntegrityError as error:
        return "a recorded outcome measure never changes" in str(error)
    return False


def sql(statement: str, *params: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def test_a_result_never_changes_and_is_never_deleted(personas, now):
    assert database.missing_guards(guards.GUARDS) == []
    request = request_make(patient=personas.patient_a, now=now)
    result = result_record(patient=personas.patient_a, now=now, request=request)

    def save():
        row = MeasureResult.objects.get(pk=result.pk)
        row.score = 0
        row.save(update_fields=["score"])

    assert refused(save)
    assert refused(lambda: MeasureResult.objects.filter(pk=result.pk).update(band="x"))
    assert refused(lambda: MeasureResult.objects.filter(pk=result.pk).delete())
    assert refused(
        lambda: sql("UPDATE outcomes_measureresult SET score = 1 WHERE id = %s", result.pk)
    )
    assert refused(lambda: sql("DELETE FROM outcomes_measureresult WHERE id = %s", result.pk))
    assert MeasureResult.objects.get(pk=result.pk).score == result.score
    # The request it answered is not a fact: it still changes.
    MeasureRequest.objects.filter(pk=request.pk).update(sent_at=now)
