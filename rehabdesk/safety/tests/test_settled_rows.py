"""A decided red-flag review and a cleared alert are part of the clinical record: the
database itself refuses changing them, and refuses deleting any review or alert,
whatever asks (the ORM, a QuerySet, raw SQL). Until decided, a review takes its
decision once."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from rehabdesk.core import database
from rehabdesk.safety import guards
from rehabdesk.safety.models import Alert, RedFlagReview
from rehabdesk.safety.services import alert_add, alert_clear, red_flag_review_decide

pytestmark = pytest.mark.django_db


def refused(change) -> bool:
    try:
        with transaction.atomic():
            change()
    except IntegrityError as error:
        return "never changes" in str(error)
    return False


def sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def test_it_has_its_guards_in_place_after_the_migrations():
    assert database.missing_guards(guards.GUARDS) == []


def test_it_lets_an_undecided_review_take_its_decision_then_refuses_any_change(
    personas, review_of, now
):
    review = review_of(personas.patient_a)
    decided = red_flag_review_decide(
        review=review,
        decision="cleared",
        reason="Symptoms explained by a recent UTI, treated; no neurological signs.",
        practitioner_id=personas.physio.pk,
        actor=personas.physio.user,
        now=now,
    )
    assert decided.decision == "cleared"
    pk = review.pk
    rows = RedFlagReview.objects.filter(pk=pk)
    assert refused(lambda: rows.update(decision_reason="edited later"))
    assert refused(lambda: rows.update(decision="referred_emergency"))
    assert refused(lambda: sql("UPDATE safety_redflagreview SET answers = '{}' WHERE id = %s", pk))
    assert refused(lambda: rows.delete())
    assert refused(lambda: sql("DELETE FROM safety_redflagreview WHERE id = %s", pk))
    if database.has_truncate():
        assert refused(lambda: sql("TRUNCATE safety_redflagreview CASCADE"))
    kept = RedFlagReview.objects.get(pk=pk)
    assert (kept.decision, kept.decision_reason) == (
        "cleared",
        "Symptoms explained by a recent UTI, treated; no neurological signs.",
    )


def test_it_never_deletes_an_undecided_review(personas, review_of):
    review = review_of(personas.patient_a)
    assert refused(lambda: RedFlagReview.objects.filter(pk=review.pk).delete())
    assert RedFlagReview.objects.filter(pk=review.pk).exists()


def test_it_refuses_a_decision_without_its_reason_or_practitioner_in_the_database(
    personas, review_of, now
):
    review = review_of(personas.patient_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        RedFlagReview.objects.filter(pk=review.pk).update(decision="cleared", decided_at=now)


def test_it_keeps_a_cleared_alert_as_it_was_cleared(personas, now):
    user = personas.physio.user
    alert = alert_add(
        patient=personas.patient_a,
        level="do_not_treat",
        modalities=["electrotherapy"],
        reason="Pacemaker",
        actor=user,
        now=now,
    )
    # Before it is cleared, an alert changes (acknowledged, then cleared).
    alert_clear(alert=alert, reason="Pacemaker removed in March", actor=user, now=now)
    rows = Alert.objects.filter(pk=alert.pk)
    assert refused(lambda: rows.update(state="active", cleared_reason="", cleared_at=None))
    assert refused(lambda: rows.update(reason="something else"))
    assert refused(lambda: rows.delete())
    assert Alert.objects.get(pk=alert.pk).cleared_reason == "Pacemaker removed in March"


def test_it_never_deletes_an_alert_in_force(personas, now):
    alert = alert_add(
        patient=personas.patient_a,
        level="note",
        modalities=[],
        reason="Prefers a female therapist",
        actor=personas.physio.user,
        now=now,
    )
    assert refused(lambda: Alert.objects.filter(pk=alert.pk).delete())
