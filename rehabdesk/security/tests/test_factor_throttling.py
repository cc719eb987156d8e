"""After wrong codes django-otp makes a device wait before it checks another. A code
typed while it waits is refused as THROTTLED, saying how long is left (counted from
`now`, on a held clock), never "does not match"; it is neither checked nor counted,
and nothing is audited. Once the wait is over the right code passes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from rehabdesk.audit.models import AuditEvent
from rehabdesk.security import factors
from rehabdesk.security.errors import SecurityError, SecurityErrorCode
from rehabdesk.testing.factors import current_code, hold_otp_clock, staff_device

START = timezone.now().replace(microsecond=0)


@pytest.fixture
def clock(monkeypatch):
    return hold_otp_clock(monkeypatch, START)


def wrong_for(device) -> str:
    return "000000" if current_code(device) != "000000" else "111111"


def test_the_right_code_typed_just_after_a_wrong_one_is_told_to_wait(personas, clock):
    user = personas.front_desk
    device = staff_device(user)
    with pytest.raises(SecurityError) as wrong:
        factors.factor_verify(user=user, code=wrong_for(device), now=clock(0))
    assert wrong.value.code == SecurityErrorCode.CODE_WRONG

    with pytest.raises(SecurityError) as held:
        factors.factor_verify(user=user, code=current_code(device), now=clock(0.4))

    assert held.value.code == SecurityErrorCode.THROTTLED
    assert held.value.field == "code"
    assert held.value.message == "Too many wrong codes. Try again in 1 second."
    assert "does not match" not in held.value.message
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # not checked, not counted
    assert not AuditEvent.objects.filter(object_type="accounts.second_factor").exists()

    assert factors.factor_verify(user=user, code=current_code(device), now=clock(1)) == device


@pytest.mark.parametrize(
    ("failures", "elapsed", "told"),
    [
        (1, 0, "1 second"),
        (2, 0.5, "2 seconds"),  # 1.5 left, rounded up
        (6, 2.5, "30 seconds"),  # 32 in all
        (10, 12, "9 minutes"),  # 512 in all, 500 left
    ],
)
def test_the_wait_doubles_with_each_wrong_code_and_is_told_from_now(
    personas, clock, failures, elapsed, told
):
    user = personas.front_desk
    device = staff_device(user)
    device.throttling_failure_count = failures
    device.throttling_failure_timestamp = START
    device.save()

    with pytest.raises(SecurityError) as held:
        factors.factor_verify(user=user, code=current_code(device), now=clock(elapsed))

    assert held.value.code == SecurityErrorCode.THROTTLED
    assert held.value.message == f"Too many wrong codes. Try again in {told}."


def test_a_recovery_code_waits_as_well_and_is_not_used_up(personas, clock):
    user = personas.physio.user
    codes = factors.recovery_codes_issue(user=user, now=clock(0))
    with pytest.raises(SecurityError):
        factors.factor_verify(user=user, code="abcd-efgh-ijkl", now=clock(0))
    with pytest.raises(SecurityError):
        factors.factor_verify(user=user, code="abcd-efgh-ijkm", now=clock(1))

    with pytest.raises(SecurityError) as held:
        factors.factor_verify(user=user, code=codes[0], now=clock(2))

    assert held.value.code == SecurityErrorCode.THROTTLED
    assert held.value.message == "Too many wrong codes. Try again in 1 second."
    assert factors.factors_of(user).recovery_codes_left == 10
    device = factors.factor_verify(user=user, code=codes[0], now=clock(3))
    assert device == StaticDevice.objects.get(user=user)
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_confirming_a_new_app_waits_too(personas, clock):
    user = personas.physio.user
    pending = factors.totp_begin(user=user)
    with pytest.raises(SecurityError):
        factors.totp_confirm(user=user, code=wrong_for(pending), now=clock(0))

    with pytest.raises(SecurityError) as held:
        factors.totp_confirm(user=user, code=current_code(pending), now=clock(0.5))

    assert held.value.code == SecurityErrorCode.THROTTLED
    assert held.value.message == "Too many wrong codes. Try again in 1 second."
    assert not factors.has_factor(user)
    device, codes = factors.totp_confirm(user=user, code=current_code(pending), now=clock(1))
    assert device.confirmed
    assert len(codes) == 10


def test_the_wait_is_counted_from_the_now_given(personas, clock):
    """django-otp says whether the device waits; `now` only says for how long more."""
    user = personas.front_desk
    device = staff_device(user)
    device.throttling_failure_count = 6
    device.throttling_failure_timestamp = START
    device.save()
    clock(1)

    with pytest.raises(SecurityError) as held:
        factors.factor_verify(
            user=user, code=current_code(device), now=START + timedelta(seconds=20)
        )

    assert held.value.message == "Too many wrong codes. Try again in 12 seconds."
