"""Two consents to the same text for the same patient at once (a double tap on the
tablet, the portal and the tablet together): one is put on file, the other is refused
with ALREADY_ON_FILE — never two rows, never a server error.

Real transactions on real connections: the first stays open, holding the patient's row
(PostgreSQL) or the write lock (SQLite), until the second is queued behind it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from rehabdesk.consents.choices import ConsentMethod, TreatmentTopic
from rehabdesk.consents.errors import ConsentError, ConsentErrorCode
from rehabdesk.consents.models import TreatmentConsent
from rehabdesk.consents.selectors import treatment_texts_current
from rehabdesk.consents.services import treatment_consent_give
from rehabdesk.testing.races import first_then_second

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


def test_it_puts_one_of_two_simultaneous_consents_on_file(personas):
    text = treatment_texts_current()[TreatmentTopic.PHYSIOTHERAPY]

    def give(method: ConsentMethod) -> Callable[[], object]:
        return lambda: treatment_consent_give(
            patient=personas.patient_a,
            text=text,
            method=method,
            agreed=True,
            signed_name="Alice",
            actor=None,
            now=NOW,
        )

    second = first_then_second(give(ConsentMethod.ONLINE), give(ConsentMethod.TABLET))
    assert isinstance(second, ConsentError)
    assert second.code == ConsentErrorCode.ALREADY_ON_FILE
    assert list(TreatmentConsent.objects.values_list("method", flat=True)) == ["online"]
