"""Two consents to the same text for the same patient at once (a double tap on the
tablet, the portal and the tablet together): one is put on file, the other is refused
with ALREADY_ON_FILE — never two rows, never a server error.

Real transactions on real connections: the first stays open, holding the patient's row
(PostgreSQL) or the write lock (SQLite), until the second is queued behind it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from django.db import connections, transaction

from rehabdesk.consents.choices import ConsentMethod, TreatmentTopic
from rehabdesk.consents.errors import ConsentError, ConsentErrorCode
from rehabdesk.consents.models import TreatmentConsent
from rehabdesk.consents.selectors import treatment_texts_current
from rehabdesk.consents.services import treatment_consent_give

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)
QUEUED = 1.0


def first_then_second(first: Callable[[], object], second: Callable[[], object]) -> object:
    done, release = threading.Event(), threading.Event()

    def hold_open() -> None:
        try:
            with transaction.atomic():
                first()
                done.set()
                assert release.wait(30)
        finally:
            done.set()
            connections.close_all()

    def then() -> object:
        try:
            return second()
        except Exception as error:  # noqa: BLE001 - the test looks at what it was
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        opened = pool.submit(hold_open)
        assert done.wait(30)
        waiting = pool.submit(then)
        time.sleep(QUEUED)
        release.set()
        opened.result()
        return waiting.result()


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
