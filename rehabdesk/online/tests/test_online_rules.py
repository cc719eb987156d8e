"""Online booking's rules: online-bookable services only, new/existing-patient-only,
the minimum online notice, holds that expire, the just-taken race, rate limits, codes,
consent stored with its version and withdrawal kept."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.choices import PatientEligibility
from rehabdesk.consents.choices import ConsentChannel
from rehabdesk.consents.errors import ConsentError
from rehabdesk.consents.models import ConsentRecord
from rehabdesk.consents.selectors import privacy_notice_current
from rehabdesk.consents.services import consent_record, consent_withdraw, privacy_notice_publish
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.online import services as online
from rehabdesk.online.errors import OnlineError, OnlineErrorCode
from rehabdesk.online.models import OneTimeCode
from rehabdesk.online.selectors import bookable_people
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.services import appointment_book, appointment_confirm
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def hold(world, start, **kwargs):
    return online.online_hold(
        request=world.request(start, channel=Channel.ONLINE, **kwargs),
        client_ip="203.0.113.9",
        now=NOW,
    )


def test_it_holds_an_online_bookable_service_for_fifteen_minutes(world):
    held = hold(world, at(9, 10))
    assert held.status == AppointmentStatus.PENDING
    assert held.hold_expires_at == NOW + timedelta(minutes=15)
    assert held.channel == Channel.ONLINE


def test_it_refuses_a_service_booked_by_phone_only(world):
    world.follow_up.online_bookable = False
    clinic_services.service_save(service=world.follow_up, on=NOW.date())
    with pytest.raises(SchedulingError) as refused:
        hold(world, at(9, 10))
    assert refused.value.code == SchedulingErrorCode.NOT_ONLINE_BOOKABLE


def test_it_keeps_new_patient_and_existing_patient_services_to_their_patients(world):
    world.follow_up.patient_eligibility = PatientEligibility.EXISTING_ONLY
    clinic_services.service_save(service=world.follow_up, on=NOW.date())
    with pytest.raises(SchedulingError) as refused:
        hold(world, at(9, 10))
    assert refused.value.code == SchedulingErrorCode.EXISTING_PATIENTS_ONLY
    appointment_book(
        request=world.request(
            at(9, 14), service=world.massage, practitioner=world.massage_therapist
        ),
        actor=None,
        now=NOW,
    )
    world.follow_up.patient_eligibility = PatientEligibility.NEW_ONLY
    clinic_services.service_save(service=world.follow_up, on=NOW.date())
    with pytest.raises(SchedulingError) as refused:
        hold(world, at(10, 10))
    assert refused.value.code == SchedulingErrorCode.NEW_PATIENTS_ONLY


def test_it_applies_the_minimum_online_notice(world):
    clinic = world.pickering.clinic
    clinic.min_online_notice_minutes = 24 * 60
    clinic.save()
    with pytest.raises(SchedulingError) as refused:
        hold(world, at(8, 14))  # six hours ahead: fine by phone, too soon online
    assert refused.value.code == SchedulingErrorCode.SLOT_UNAVAILABLE
    assert hold(world, at(9, 10)).status == AppointmentStatus.PENDING


def test_an_unconfirmed_hold_expires_and_frees_the_time(world):
    held = hold(world, at(9, 10))
    later = NOW + online.HOLD_FOR + timedelta(seconds=1)
    with pytest.raises(SchedulingError) as refused:
        appointment_confirm(appointment=held, actor=None, now=later)
    assert refused.value.code == SchedulingErrorCode.HOLD_EXPIRED
    other = appointment_book(
        request=world.request(at(9, 10), patient=world.other_patient), actor=None, now=later
    )
    assert other.status == AppointmentStatus.BOOKED
    held.refresh_from_db()
    assert held.status == AppointmentStatus.CANCELLED


def test_a_time_taken_meanwhile_is_refused_with_the_nearest_alternatives(world):
    hold(world, at(9, 10))
    with pytest.raises(SchedulingError) as refused:
        hold(world, at(9, 10), patient=world.other_patient)
    assert refused.value.code in {
        SchedulingErrorCode.SLOT_UNAVAILABLE,
        SchedulingErrorCode.SLOT_TAKEN,
    }
    assert refused.value.alternatives
    assert all(slot.start >= at(9, 10) for slot in refused.value.alternatives)


def test_it_limits_holds_per_client_address(world):
    limit = online.HOLDS_PER_IP
    for _ in range(limit.times):
        online.rate_limit_hit(limit=limit, subject="203.0.113.1", now=NOW)
    with pytest.raises(OnlineError) as refused:
        online.rate_limit_hit(limit=limit, subject="203.0.113.1", now=NOW)
    assert refused.value.code == OnlineErrorCode.RATE_LIMITED
    online.rate_limit_hit(limit=limit, subject="203.0.113.2", now=NOW)  # another address
    online.rate_limit_hit(limit=limit, subject="203.0.113.1", now=NOW + limit.per)  # next hour


def test_it_limits_codes_per_email(world):
    for _ in range(online.CODES_PER_EMAIL.times):
        online.rate_limit_hit(limit=online.CODES_PER_EMAIL, subject="A@example.com", now=NOW)
    with pytest.raises(OnlineError):
        online.rate_limit_hit(limit=online.CODES_PER_EMAIL, subject="a@example.com ", now=NOW)


def code_from_outbox() -> str:
    body = OutboxMessage.objects.filter(kind="online_code").latest("pk").body_text
    return next(word for word in body.split() if word.isdigit() and len(word) == 6)


def test_codes_are_hashed_expire_and_allow_five_tries(world):
    clinic = world.pickering.clinic
    email = "alice@persona.example"
    online.code_issue(email=email, clinic=clinic, on_file=True, now=NOW)
    code = code_from_outbox()
    row = OneTimeCode.objects.get()
    assert code not in row.code_hash
    message = OutboxMessage.objects.get(kind="online_code")
    assert code not in message.subject
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(online.CODE_ATTEMPTS):
        with pytest.raises(OnlineError):
            online.code_check(email=email, code=wrong, now=NOW)
    with pytest.raises(OnlineError) as refused:  # the right code, too late: locked
        online.code_check(email=email, code=code, now=NOW)
    assert (refused.value.code, refused.value.message) == (
        OnlineErrorCode.CODE_WRONG,
        online.CODE_REFUSED,
    )

    online.code_issue(email=email, clinic=clinic, on_file=True, now=NOW)
    code = code_from_outbox()
    with pytest.raises(OnlineError):  # run out
        online.code_check(email=email, code=code, now=NOW + online.CODE_LIFETIME)
    online.code_issue(email=email, clinic=clinic, on_file=True, now=NOW)
    code = code_from_outbox()
    online.code_check(email="ALICE@persona.example", code=code, now=NOW)
    with pytest.raises(OnlineError):  # once only
        online.code_check(email=email, code=code, now=NOW)


def test_someone_with_that_name_birth_date_and_address_is_on_file(world, personas):
    found = online.patient_on_file(
        first_name="alice",
        last_name="ANDERS",
        date_of_birth=date(1980, 4, 2),
        email="Alice@persona.example",
    )
    assert found == personas.patient_a
    for first_name, born, email in (
        ("alice", date(1980, 4, 2), "new@example.com"),  # another address
        ("alice", date(1980, 4, 3), "alice@persona.example"),  # another birth date
        ("Al", date(1980, 4, 2), "alice@persona.example"),  # another name
    ):
        assert (
            online.patient_on_file(
                first_name=first_name, last_name="Anders", date_of_birth=born, email=email
            )
            is None
        )


def test_a_guardian_may_book_for_the_dependents_they_manage(world, personas):
    people = bookable_people(email="GRACE@persona.example")
    assert [p.pk for p in people] == [personas.guardian.pk, personas.child.pk]
    assert [p.pk for p in bookable_people(email="alice@persona.example")] == [personas.patient_a.pk]
    assert bookable_people(email="nobody@example.com") == []


def test_consent_is_stored_with_its_version_and_withdrawal_is_kept(world, personas):
    first = privacy_notice_current()
    assert first is not None
    assert first.version == 1
    assert "privacy" in first.body.lower()
    second = privacy_notice_publish(body="Our new notice.", now=NOW)
    assert second.version == 2
    assert privacy_notice_current() == second
    record = consent_record(
        patient=personas.patient_a,
        notice=second,
        channel=ConsentChannel.ONLINE,
        actor=None,
        now=NOW,
    )
    assert record.notice.version == 2
    assert record.accepted_at == NOW
    withdrawn = consent_withdraw(
        record=record, actor=personas.front_desk, now=NOW + timedelta(days=1)
    )
    assert ConsentRecord.objects.get(pk=record.pk).withdrawn_at == NOW + timedelta(days=1)
    assert withdrawn.pk == record.pk
    events = AuditEvent.objects.filter(
        object_type="consents.consentrecord", object_id=str(record.pk)
    )
    assert events.count() == 2
    with pytest.raises(ConsentError):
        consent_withdraw(record=record, actor=None, now=NOW + timedelta(days=2))
