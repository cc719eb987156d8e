"""The one table of HTTP statuses: every code of every app's error-code enum has its
status, conflicts are 409 and rate limits 429, and a code is known by its enum, never
by its text."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from enum import StrEnum
from http import HTTPStatus

import rehabdesk
from rehabdesk.access.refusals import STATUS, http_status
from rehabdesk.core.errors import RequestErrorCode
from rehabdesk.online.errors import OnlineErrorCode
from rehabdesk.scheduling.errors import TIME_NOT_FREE, SchedulingErrorCode


def error_code_enums() -> set[type[StrEnum]]:
    """Every StrEnum declared in an `errors` module of one of our packages."""
    found = set()
    for package in pkgutil.iter_modules(rehabdesk.__path__):
        name = f"rehabdesk.{package.name}.errors"
        if not package.ispkg or importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        found |= {
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, StrEnum)
            and value.__module__ == module.__name__
        }
    return found


def test_the_walk_finds_the_error_codes_of_the_apps():
    enums = error_code_enums()
    assert {RequestErrorCode, SchedulingErrorCode, OnlineErrorCode} <= enums
    assert len(enums) >= 7


def test_every_code_of_every_app_has_a_status():
    enums = error_code_enums()
    assert set(STATUS) == enums
    for enum in enums:
        assert set(STATUS[enum]) == set(enum), enum.__name__
        assert all(400 <= status < 500 for status in STATUS[enum].values())


def test_the_calendar_changing_under_a_request_is_a_conflict():
    for code in [*TIME_NOT_FREE, SchedulingErrorCode.HOLD_EXPIRED]:
        assert http_status(code) == HTTPStatus.CONFLICT
    assert http_status(SchedulingErrorCode.PATIENT_INACTIVE) == HTTPStatus.UNPROCESSABLE_ENTITY


def test_a_rate_limit_is_too_many_requests():
    assert http_status(OnlineErrorCode.RATE_LIMITED) == HTTPStatus.TOO_MANY_REQUESTS


def test_a_code_is_known_by_its_enum_not_its_text():
    Elsewhere = StrEnum("Elsewhere", {"SLOT_TAKEN": "slot_taken"})
    assert Elsewhere.SLOT_TAKEN == SchedulingErrorCode.SLOT_TAKEN  # the same text...
    assert http_status(Elsewhere.SLOT_TAKEN) == HTTPStatus.UNPROCESSABLE_ENTITY  # ...not a 409
