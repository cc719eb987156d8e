"""The factor services: who needs a second factor, codes checked (a wrong one counted
even though the step is refused), recovery codes, and a manager's reset refused for
themselves and for someone who is not staff, with nothing changed."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from rehabdesk.audit.models import AuditEvent
from rehabdesk.security import factors
from rehabdesk.security.errors import SecurityError, SecurityErrorCode
from rehabdesk.testing.factors import current_code, staff_device

NOW = timezone.now()


@pytest.mark.parametrize(
    ("persona", "needs"),
    [
        ("manager", True),
        ("front_desk", True),
        ("physio", True),
        ("massage_therapist", True),
        ("patient_a", False),
        ("guardian", False),
        ("outsider", False),
    ],
)
def test_every_staff_role_needs_a_second_factor_and_patients_do_not(personas, persona, needs):
    assert factors.needs_second_factor(personas.user(persona)) is needs


def test_a_wrong_code_is_refused_and_counted(personas):
    device = staff_device(personas.front_desk)
    wrong = "000000" if current_code(device) != "000000" else "111111"

    with pytest.raises(SecurityError) as refused:
        factors.factor_verify(user=personas.front_desk, code=wrong, now=NOW)

    assert refused.value.code == SecurityErrorCode.CODE_WRONG
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    with pytest.raises(SecurityError):  # not a recovery code either
        factors.factor_verify(user=personas.front_desk, code="abcd-efgh", now=NOW)


def test_enrolling_an_app_confirms_it_and_issues_ten_recovery_codes_once(personas):
    user = personas.physio.user
    pending = factors.totp_begin(user=user)

    with pytest.raises(SecurityError) as refused:
        factors.totp_confirm(user=user, code="000", now=NOW)
    assert refused.value.code == SecurityErrorCode.CODE_WRONG
    assert not factors.has_factor(user)
    pending.throttle_reset()

    device, codes = factors.totp_confirm(user=user, code=current_code(pending), now=NOW)

    assert device.confirmed
    assert len(set(codes)) == 10
    assert factors.factors_of(user).recovery_codes_left == 10
    assert factors.factor_verify(user=user, code=codes[3], now=NOW).pk == (
        StaticDevice.objects.get(user=user).pk
    )
    assert factors.factors_of(user).recovery_codes_left == 9


def test_confirming_an_app_never_started_is_refused(personas):
    with pytest.raises(SecurityError) as refused:
        factors.totp_confirm(user=personas.physio.user, code="123456", now=NOW)

    assert refused.value.code == SecurityErrorCode.NOT_STARTED


@pytest.mark.parametrize(
    ("whose", "code"),
    [("manager", SecurityErrorCode.OWN_FACTOR), ("patient_a", SecurityErrorCode.NOT_STAFF)],
)
def test_a_reset_of_oneself_or_of_a_patient_is_refused_with_nothing_changed(personas, whose, code):
    staff_device(personas.manager)
    user = personas.user(whose)
    generation = user.session_generation

    with pytest.raises(SecurityError) as refused:
        factors.factor_reset(actor=personas.manager, user=user, now=NOW)

    assert refused.value.code == code
    assert TOTPDevice.objects.filter(user=personas.manager).exists()
    user.refresh_from_db()
    assert user.session_generation == generation
    assert not AuditEvent.objects.filter(object_type="accounts.second_factor").exists()


def test_a_reset_removes_every_factor_and_ends_the_sessions(personas):
    colleague = personas.front_desk
    staff_device(colleague)
    factors.recovery_codes_issue(user=colleague, now=NOW)
    generation = colleague.session_generation

    factors.factor_reset(actor=personas.manager, user=colleague, now=NOW)

    assert not factors.has_factor(colleague)
    assert factors.factors_of(colleague).recovery_codes_left == 0
    colleague.refresh_from_db()
    assert colleague.session_generation == generation + 1
