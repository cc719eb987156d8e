"""Production settings must pass Django's deployment checklist with no warnings."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
from django.core import checks

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "rehabdesk.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_passes_check_deploy_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-production-secret-" + "q7Zx" * 12,
        ALLOWED_HOSTS="clinic.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    result = run_manage("check", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("hour", [8, 21])
def test_no_model_default_reads_as_fixed_at_the_times_the_quiet_hours_name(hour):
    """Django's check for a fixed default (fields.W161) reads a time default against the
    clock: the quiet hours' defaults written as values (08:00, 21:00) made `check
    --deploy` warn for ten seconds around those times in UTC each day."""
    at = datetime(2026, 12, 7, hour, 0, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=at):
        found = {message.id for message in checks.run_checks(tags=[checks.Tags.models])}
    assert "fields.W161" not in found
