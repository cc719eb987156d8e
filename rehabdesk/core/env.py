"""Typed readers for settings that come from the environment.

Each reader refuses a value it cannot understand instead of guessing, so a typo in a
deployment fails at start-up with a message naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str, environ: Mapping[str, str] = os.environ) -> str:
    return environ.get(name, default)


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    if name not in environ:
        return default
    value = environ[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off.")


def env_int(name: str, default: int, environ: Mapping[str, str] = os.environ) -> int:
    if name not in environ:
        return default
    try:
        return int(environ[name])
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number.") from None


def env_list(name: str, default: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    """A comma-separated list; blanks around items are ignored."""
    if name not in environ:
        return default
    return [item.strip() for item in environ[name].split(",") if item.strip()]


def env_secret(name: str, default: str | None, environ: Mapping[str, str] = os.environ) -> str:
    """A secret from NAME, or from the file NAME_FILE points to (Docker and systemd secrets)."""
    file_name = environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {error.strerror}.") from None
    if name in environ:
        return environ[name]
    if default is None:
        raise ImproperlyConfigured(f"{name} must be set (or {name}_FILE).")
    return default
