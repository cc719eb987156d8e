"""Recovery codes are kept only as a keyed digest: the table alone hands out nothing.
A code works once however it is typed; a wrong one is refused and counted; a new
SECRET_KEY makes every code stop working; and the codes an earlier version kept in
plain are turned into digests by accounts' migration 0006, still working after it."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from rehabdesk.accounts.recovery_codes import recovery_code_digest, recovery_codes_digest_plain
from rehabdesk.audit.models import AuditEvent
from rehabdesk.security import factors
from rehabdesk.security.errors import SecurityError, SecurityErrorCode

NOW = timezone.now()
SHOWN = re.compile(r"[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}")


def kept(user) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_it_shows_ten_different_codes_of_twelve_base32_characters(personas):
    codes = factors.recovery_codes_issue(user=personas.physio.user, now=NOW)

    assert len(set(codes)) == 10
    assert all(SHOWN.fullmatch(code) for code in codes), codes


def test_it_keeps_only_a_keyed_digest_of_each_code(personas):
    user = personas.physio.user
    codes = factors.recovery_codes_issue(user=user, now=NOW)
    stored = kept(user)

    assert len(stored) == 10
    typed = {code.replace("-", "") for code in codes}
    assert not stored & (typed | set(codes))
    assert not any(part in token for code in codes for part in code.split("-") for token in stored)
    assert stored == {recovery_code_digest(code) for code in typed}
    assert all(re.fullmatch(r"[0-9a-f]{16}", token) for token in stored)


def test_a_code_works_once_however_it_is_typed(personas):
    user = personas.physio.user
    code = factors.recovery_codes_issue(user=user, now=NOW)[0]
    typed = f" {code.upper().replace('-', ' ')} "

    device = factors.factor_verify(user=user, code=typed, now=NOW)

    assert device == StaticDevice.objects.get(user=user)
    assert factors.factors_of(user).recovery_codes_left == 9
    assert AuditEvent.objects.filter(summary="recovery code used", object_id=user.pk).count() == 1
    with pytest.raises(SecurityError) as again:
        factors.factor_verify(user=user, code=code, now=NOW)
    assert again.value.code == SecurityErrorCode.CODE_WRONG


def test_a_wrong_code_or_the_digest_itself_is_refused_and_counted(personas):
    user = personas.physio.user
    factors.recovery_codes_issue(user=user, now=NOW)
    device = StaticDevice.objects.get(user=user)
    stolen = sorted(kept(user))[0]

    with pytest.raises(SecurityError) as refused:
        factors.factor_verify(user=user, code="abcd-efgh-ijkl", now=NOW)
    assert refused.value.code == SecurityErrorCode.CODE_WRONG
    device.throttle_reset()
    with pytest.raises(SecurityError) as digest_typed:
        factors.factor_verify(user=user, code=stolen, now=NOW)

    assert digest_typed.value.code == SecurityErrorCode.CODE_WRONG
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert factors.factors_of(user).recovery_codes_left == 10


def test_a_new_secret_key_makes_every_code_stop_working(personas, settings):
    user = personas.physio.user
    code = factors.recovery_codes_issue(user=user, now=NOW)[0]
    settings.SECRET_KEY = "another-key-" + "x" * 50  # noqa: S105

    with pytest.raises(SecurityError) as refused:
        factors.factor_verify(user=user, code=code, now=NOW)

    assert refused.value.code == SecurityErrorCode.CODE_WRONG


def plain_codes(user, count: int = 3) -> list[str]:
    """Codes as the earlier version kept them: django-otp's own, in plain."""
    device = StaticDevice.objects.create(user=user, name=factors.RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def test_plain_codes_are_turned_into_digests_and_still_work_once(personas):
    user = personas.front_desk
    codes = plain_codes(user)

    assert recovery_codes_digest_plain(StaticToken) == 3

    assert kept(user) == {recovery_code_digest(code) for code in codes}
    shown_then = f"{codes[1][:4]}-{codes[1][4:]}"  # as the earlier version showed it
    assert factors.factor_verify(user=user, code=shown_then, now=NOW).persistent_id
    with pytest.raises(SecurityError):
        factors.factor_verify(user=user, code=shown_then, now=NOW)


def test_turning_codes_into_digests_twice_changes_nothing(personas):
    plain_codes(personas.front_desk)
    factors.recovery_codes_issue(user=personas.physio.user, now=NOW)
    recovery_codes_digest_plain(StaticToken)
    before = set(StaticToken.objects.values_list("pk", "token"))

    assert recovery_codes_digest_plain(StaticToken) == 0
    assert set(StaticToken.objects.values_list("pk", "token")) == before


def test_the_migration_turns_plain_codes_into_digests(personas):
    codes = plain_codes(personas.front_desk)
    migration = importlib.import_module("rehabdesk.accounts.migrations.0006_recovery_codes_hashed")

    migration.digest_plain_codes(apps, None)

    assert kept(personas.front_desk) == {recovery_code_digest(code) for code in codes}
