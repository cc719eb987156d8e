"""The privacy officer records a breach, tells the affected patients through the outbox
(a plain notice: nothing of the breach or of anyone else), and reads the year's
statistics for the IPC: breaches by cause, requests by outcome and time taken."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.privacy import services
from rehabdesk.privacy.choices import BreachCause
from rehabdesk.privacy.errors import PrivacyError, PrivacyErrorCode
from rehabdesk.privacy.models import Breach
from rehabdesk.privacy.selectors import year_statistics
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db
WHAT = "Fax of Bob Brown's intake sent to the wrong clinic"


def record(
    personas, officer, *, cause=BreachCause.MISDIRECTED, found_on=date(2027, 3, 9), ids=None
):
    return services.breach_record(
        actor=officer,
        what=WHAT,
        cause=cause,
        occurred_on=date(2027, 3, 8),
        found_on=found_on,
        contained="The receiving clinic shredded it and confirmed in writing.",
        patient_ids=ids if ids is not None else [personas.patient_a.pk, personas.child.pk],
        now=at(10, 9),
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cause": "gossip"}, "cause"),
        ({"occurred_on": date(2027, 3, 10)}, "occurred_on"),
        ({"found_on": date(2027, 3, 11), "occurred_on": date(2027, 3, 1)}, "found_on"),
        ({"what": " "}, "what"),
    ],
)
def test_a_breach_needs_its_facts_right(personas, officer, changes, field):
    fields = {
        "what": WHAT,
        "cause": BreachCause.LOST,
        "occurred_on": date(2027, 3, 8),
        "found_on": date(2027, 3, 9),
        "contained": "Found and locked away.",
        "patient_ids": [personas.patient_a.pk],
        **changes,
    }
    with pytest.raises(PrivacyError) as refused:
        services.breach_record(actor=officer, now=at(10, 9), **fields)
    assert (refused.value.code, refused.value.field) == (PrivacyErrorCode.INVALID, field)
    assert not Breach.objects.exists()


def test_each_patient_is_told_once_with_a_plain_notice(personas, officer):
    breach = record(personas, officer)
    assert services.breach_notify(actor=officer, breach=breach, now=at(10, 10)) == (2, 0)
    messages = OutboxMessage.objects.filter(kind="privacy_breach_notice")
    # The child has no address: the notice goes to the guardian who manages them.
    assert sorted(m.recipient for m in messages) == sorted(
        [personas.patient_a.email, personas.guardian.email]
    )
    for message in messages:
        assert "Bob" not in message.body_text
        assert "Fax" not in message.body_text
        assert "Information and Privacy Commissioner" in message.body_text
    assert services.breach_notify(actor=officer, breach=breach, now=at(10, 11)) == (0, 0)
    assert messages.count() == 2
    event = AuditEvent.objects.filter(object_type="privacy.breach").latest("pk")
    assert sorted(event.patient_links.values_list("patient_id", flat=True)) == sorted(
        [personas.patient_a.pk, personas.child.pk]
    )


def test_the_year_counts_breaches_by_cause_and_requests_by_time_taken(personas, officer):
    record(personas, officer)
    record(personas, officer, cause=BreachCause.SNOOPING, ids=[personas.patient_b.pk])
    record(personas, officer, found_on=date(2027, 3, 9))
    quick = services.access_request_create(
        actor=personas.patient_a.user, patient=personas.patient_a, details="", now=at(1, 9)
    )
    services.access_request_refuse(actor=officer, request=quick, reason="No", now=at(2, 9))
    slow = services.access_request_create(
        actor=personas.patient_b.user, patient=personas.patient_b, details="", now=at(1, 9)
    )
    services.access_request_extend(
        actor=officer, request=slow, days=30, reason="Storage", now=at(2, 9)
    )
    services.access_request_release(actor=officer, request=slow, now=at(1, 9) + timedelta(days=40))
    stats = year_statistics(year=2027, today=date(2027, 4, 20))
    by_cause = dict(stats.breaches_by_cause)
    assert by_cause[BreachCause.MISDIRECTED.label] == 2
    assert by_cause[BreachCause.SNOOPING.label] == 1
    assert by_cause[BreachCause.STOLEN.label] == 0
    assert (stats.breaches, stats.patients_affected) == (3, 5)
    totals = {name: total for name, total, _ in stats.categories}
    assert totals == {
        "Stolen": 0,
        "Lost": 0,
        "Used without authority": 1,
        "Disclosed without authority": 2,
    }
    within = {name: causes for name, _, causes in stats.categories}
    assert within["Disclosed without authority"] == [("misdirected", 2), ("other disclosures", 0)]
    assert within["Stolen"] == [("other thefts", 0), ("a cyberattack (ransomware or other)", 0)]
    access = stats.access
    assert (
        access.received,
        access.granted,
        access.refused,
        access.within_30,
        access.within_60,
    ) == (
        2,
        1,
        1,
        1,
        1,
    )
    assert year_statistics(year=2026, today=date(2027, 4, 20)).breaches == 0
