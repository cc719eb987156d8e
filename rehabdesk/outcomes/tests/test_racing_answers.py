"""One request answered from two windows at once (the link opened twice, or the link
and the portal): the first answer is kept, the second refused ALREADY_ANSWERED — never
two results, never a server error. Real transactions on real connections: the first
stays open, holding the request's row (PostgreSQL) or the write lock (SQLite), until
the second is queued behind it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rehabdesk.outcomes.errors import OutcomeError, OutcomeErrorCode
from rehabdesk.outcomes.models import MeasureResult
from rehabdesk.outcomes.selectors import request_by_id
from rehabdesk.outcomes.services import measure_result_record
from rehabdesk.outcomes.testing import request_make
from rehabdesk.testing.races import first_then_second

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_of_two_answers_to_one_request_the_first_is_kept(personas, now):
    request = request_make(patient=personas.patient_a, now=now)

    def answer(rating):
        # Each window read the request before either answered, as two pages would.
        read = request_by_id(request_id=request.pk)
        return lambda: measure_result_record(
            patient=read.patient,
            instrument="nprs",
            answers={"1": rating},
            source="link",
            request=read,
            now=now,
        )

    second = first_then_second(answer(3), answer(8))
    assert isinstance(second, OutcomeError)
    assert second.code == OutcomeErrorCode.ALREADY_ANSWERED
    assert list(MeasureResult.objects.values_list("request_id", "score")) == [
        (request.pk, Decimal("3.00"))
    ]
