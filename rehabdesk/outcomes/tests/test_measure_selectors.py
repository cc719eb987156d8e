"""The reads of outcome measures, each in one query: a request by its link's token
(only while it waits for an answer), the requests a patient may answer today, each
instrument's series for the charts, the results of visits, the latest of each
instrument, the clinic's current wording. A link finds nothing once answered."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.outcomes.scoring import Instrument
from rehabdesk.outcomes.selectors import (
    Point,
    latest_scores,
    measure_series,
    request_by_token,
    requests_open,
    results_for_appointments,
    wording_current,
)
from rehabdesk.outcomes.services import measure_request_send, measure_requests_cancel
from rehabdesk.outcomes.testing import request_make, result_record, wording_enter
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db


def test_the_reads_each_take_one_query(personas, visit, now, django_assert_num_queries):
    a, b = personas.patient_a, personas.patient_b
    day = timedelta(days=1)
    first_visit, second_visit = visit(), visit(at(10, 10))
    # A's NPRS falls 7 -> 4 -> 2 over three visits' time; one ODI; B has one of their own.
    pain = [
        result_record(patient=a, now=now + n * day, answers={"1": score}, appointment=v)
        for n, (score, v) in enumerate([(7, first_visit), (4, second_visit), (2, None)])
    ]
    odi = result_record(
        patient=a, now=now + day, instrument="odi", answers={str(n): 2 for n in range(1, 11)}
    )
    result_record(patient=b, now=now, answers={"1": 5})

    with django_assert_num_queries(1):
        series = measure_series(patient_id=a.pk)
    assert series == {
        Instrument.NPRS: [
            Point(now, Decimal("7.00"), "", pain[0].pk),
            Point(now + day, Decimal("4.00"), "", pain[1].pk),
            Point(now + 2 * day, Decimal("2.00"), "", pain[2].pk),
        ],
        Instrument.ODI: [Point(now + day, Decimal("40.00"), "moderate", odi.pk)],
    }
    with django_assert_num_queries(1):
        latest = latest_scores(patient_id=a.pk)
    assert latest == {Instrument.NPRS: pain[2], Instrument.ODI: odi}
    with django_assert_num_queries(1):
        by_visit = results_for_appointments(appointment_ids=[first_visit.pk, second_visit.pk, 0])
    assert by_visit == {first_visit.pk: [pain[0]], second_visit.pk: [pain[1]]}

    # Requests: open ones by due day; answered, cancelled and lapsed ones left out.
    today = now.date()
    due_later = request_make(patient=a, now=now, due_on=today + 3 * day)
    due_now = request_make(patient=a, now=now, due_on=today)
    last_day = request_make(patient=personas.child, now=now, due_on=today - 14 * day)
    request_make(patient=a, now=now, due_on=today - 15 * day)  # lapsed
    answered = request_make(patient=a, now=now)
    result_record(patient=a, now=now, request=answered)
    third_visit = visit(at(11, 10))
    request_make(patient=a, now=now, appointment=third_visit)
    measure_requests_cancel(appointment=third_visit, now=now)
    request_make(patient=b, now=now)
    with django_assert_num_queries(1):
        waiting = requests_open(patient_ids=[a.pk, personas.child.pk], today=today)
    assert waiting == [last_day, due_now, due_later]

    measure_request_send(request=due_now, now=now)
    token = _token_of_last_message()
    with django_assert_num_queries(1):
        found = request_by_token(token)
    assert found == due_now
    assert found.patient == a  # fetched with it
    for nothing in ("", "x" * 101, "not-a-token"):
        assert request_by_token(nothing) is None
    result_record(patient=a, now=now, request=due_now, source="link")
    assert request_by_token(token) is None  # answered: the link finds nothing

    assert wording_current(instrument="odi") is None
    entered = wording_enter(instrument="odi", manager=personas.manager, now=now)
    with django_assert_num_queries(1):
        assert wording_current(instrument="odi") == entered


def _token_of_last_message() -> str:
    text = OutboxMessage.objects.latest("pk").body_text
    link = next(word for word in text.split() if "/measure/" in word)
    return link.split("/measure/")[1].rstrip("/")
