"""A patient's consent to the privacy notice: which version, when and where, put on
file; a withdrawal is recorded on the row, once, and never deletes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from rehabdesk.audit.models import AuditEvent
from rehabdesk.consents.choices import ConsentChannel
from rehabdesk.consents.errors import ConsentError, ConsentErrorCode
from rehabdesk.consents.models import ConsentRecord, PrivacyNotice
from rehabdesk.consents.selectors import consents_for_patient, privacy_notice_current
from rehabdesk.consents.services import consent_record, consent_withdraw, privacy_notice_publish

pytestmark = pytest.mark.django_db
TORONTO = ZoneInfo("America/Toronto")
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def notice() -> PrivacyNotice:
    current = privacy_notice_current()
    assert current is not None
    return current


def consent_events(patient) -> list[tuple[str, str, str]]:
    return list(
        AuditEvent.objects.filter(
            patient_links__patient_id=patient.pk, object_type="consents.consentrecord"
        )
        .order_by("pk")
        .values_list("action", "object_id", "summary")
    )


def test_it_records_which_version_was_read_when_and_where(personas, notice):
    record = consent_record(
        patient=personas.patient_a,
        notice=notice,
        channel=ConsentChannel.ONLINE,
        actor=personas.patient_a.user,
        now=NOW,
    )
    record.refresh_from_db()
    assert (record.notice, record.accepted_at, record.channel) == (notice, NOW, "online")
    assert record.withdrawn_at is None


def test_it_puts_the_consent_on_file_naming_the_version_and_channel(personas, notice):
    record = consent_record(
        patient=personas.patient_a,
        notice=notice,
        channel=ConsentChannel.STAFF,
        actor=personas.front_desk,
        now=NOW,
    )
    assert consent_events(personas.patient_a) == [
        ("create", str(record.pk), "privacy consent (notice v1, staff)")
    ]
    event = AuditEvent.objects.get(object_type="consents.consentrecord")
    assert (event.actor, event.occurred_at) == (personas.front_desk, NOW)


def test_a_consent_given_without_signing_in_is_on_file_without_a_user(personas, notice):
    consent_record(
        patient=personas.patient_b, notice=notice, channel=ConsentChannel.PAPER, actor=None, now=NOW
    )
    event = AuditEvent.objects.get(object_type="consents.consentrecord")
    assert (event.actor, event.actor_email) == (None, "")


def test_it_records_the_withdrawal_on_the_row_and_keeps_it(personas, notice):
    record = consent_record(
        patient=personas.patient_a,
        notice=notice,
        channel=ConsentChannel.ONLINE,
        actor=None,
        now=NOW,
    )
    later = NOW + timedelta(days=30)
    withdrawn = consent_withdraw(record=record, actor=personas.front_desk, now=later)
    assert withdrawn.withdrawn_at == later
    assert ConsentRecord.objects.get(pk=record.pk).withdrawn_at == later
    assert consent_events(personas.patient_a)[-1] == (
        "change",
        str(record.pk),
        "privacy consent (withdrawn)",
    )


def test_it_refuses_to_withdraw_twice_and_keeps_the_first_date(personas, notice):
    record = consent_record(
        patient=personas.patient_a,
        notice=notice,
        channel=ConsentChannel.ONLINE,
        actor=None,
        now=NOW,
    )
    first = NOW + timedelta(days=1)
    consent_withdraw(record=record, actor=None, now=first)
    with pytest.raises(ConsentError) as refused:
        # The caller's copy is stale on purpose: the service reads the row itself.
        consent_withdraw(record=record, actor=None, now=first + timedelta(days=1))
    assert refused.value.code == ConsentErrorCode.ALREADY_WITHDRAWN
    assert ConsentRecord.objects.get(pk=record.pk).withdrawn_at == first
    assert [action for action, _, _ in consent_events(personas.patient_a)] == ["create", "change"]


def test_the_database_refuses_a_withdrawal_before_the_consent(personas, notice):
    record = consent_record(
        patient=personas.patient_a,
        notice=notice,
        channel=ConsentChannel.ONLINE,
        actor=None,
        now=NOW,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentRecord.objects.filter(pk=record.pk).update(withdrawn_at=NOW - timedelta(seconds=1))
    assert ConsentRecord.objects.get(pk=record.pk).withdrawn_at is None


def test_a_withdrawal_at_the_same_instant_is_allowed(personas, notice):
    record = consent_record(
        patient=personas.patient_a,
        notice=notice,
        channel=ConsentChannel.ONLINE,
        actor=None,
        now=NOW,
    )
    assert consent_withdraw(record=record, actor=None, now=NOW).withdrawn_at == NOW


def test_the_database_keeps_a_notice_that_consents_refer_to(personas, notice):
    consent_record(
        patient=personas.patient_a,
        notice=notice,
        channel=ConsentChannel.ONLINE,
        actor=None,
        now=NOW,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PrivacyNotice.objects.filter(pk=notice.pk).delete()
    assert PrivacyNotice.objects.filter(pk=notice.pk).exists()


def test_instants_not_wall_clocks_order_a_withdrawal_on_the_night_clocks_fall_back(
    personas, notice
):
    # 2027-11-07: 01:30 happens twice in Toronto. Consenting at the first 01:30 (EDT)
    # and withdrawing at 01:10 on the second pass (EST) is 40 minutes later.
    accepted = datetime(2027, 11, 7, 1, 30, tzinfo=TORONTO)
    withdrawn = datetime(2027, 11, 7, 1, 10, fold=1, tzinfo=TORONTO)
    assert withdrawn - accepted == timedelta(minutes=-20)  # same zone: wall-clock arithmetic
    assert withdrawn.astimezone(UTC) - accepted.astimezone(UTC) == timedelta(minutes=40)
    record = consent_record(
        patient=personas.patient_a,
        notice=notice,
        channel=ConsentChannel.ONLINE,
        actor=None,
        now=accepted,
    )
    consent_withdraw(record=record, actor=None, now=withdrawn)
    record.refresh_from_db()
    assert record.accepted_at == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)
    assert record.withdrawn_at == datetime(2027, 11, 7, 6, 10, tzinfo=UTC)


def test_a_consent_on_the_night_clocks_spring_forward_is_kept_as_the_real_instant(personas, notice):
    # 2027-03-14: Toronto goes from 01:59 EST straight to 03:00 EDT.
    before = datetime(2027, 3, 14, 1, 59, tzinfo=TORONTO)
    after = datetime(2027, 3, 14, 3, 1, tzinfo=TORONTO)
    record = consent_record(
        patient=personas.patient_a,
        notice=notice,
        channel=ConsentChannel.ONLINE,
        actor=None,
        now=before,
    )
    consent_withdraw(record=record, actor=None, now=after)
    record.refresh_from_db()
    assert record.withdrawn_at - record.accepted_at == timedelta(minutes=2)
    assert record.accepted_at.astimezone(TORONTO).utcoffset() == timedelta(hours=-5)
    assert record.withdrawn_at.astimezone(TORONTO).utcoffset() == timedelta(hours=-4)


def test_it_lists_a_patients_consents_newest_first_with_their_notice(
    personas, notice, django_assert_num_queries
):
    second = privacy_notice_publish(body="Second wording.", now=NOW)
    consent_record(
        patient=personas.patient_a,
        notice=notice,
        channel=ConsentChannel.ONLINE,
        actor=None,
        now=NOW - timedelta(days=60),
    )
    consent_record(
        patient=personas.patient_a,
        notice=second,
        channel=ConsentChannel.STAFF,
        actor=None,
        now=NOW,
    )
    consent_record(
        patient=personas.patient_b,
        notice=second,
        channel=ConsentChannel.PAPER,
        actor=None,
        now=NOW,
    )
    with django_assert_num_queries(1):
        listed = [
            (c.notice.version, c.channel)
            for c in consents_for_patient(patient_id=personas.patient_a.pk)
        ]
    assert listed == [(2, "staff"), (1, "online")]
    assert list(consents_for_patient(patient_id=personas.child.pk)) == []


def test_a_consent_is_named_by_the_version_it_refers_to(personas, notice):
    record = consent_record(
        patient=personas.patient_a,
        notice=notice,
        channel=ConsentChannel.ONLINE,
        actor=None,
        now=NOW,
    )
    assert str(record) == "Consent to notice v1"
    assert str(notice) == "Privacy notice, version 1"
