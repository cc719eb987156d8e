"""Turning Django's model validation into the domain's one error shape."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from rehabdesk.core.errors import DomainError


def full_clean_or_raise(
    instance: models.Model,
    *,
    error_class: type[DomainError],
    code: StrEnum,
    exclude: Iterable[str] = (),
) -> None:
    """Run field validators, unique checks and constraint checks; raise the first
    problem as `error_class(code, message, field=...)`."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        field, message = first_error(error)
        raise error_class(code, message, field=field) from None


def first_error(error: ValidationError) -> tuple[str | None, str]:
    """The first message of a ValidationError, with the field it belongs to."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            messages = ValidationError(errors).messages
            if messages:
                return (None if field == NON_FIELD_ERRORS else field), messages[0]
    return None, error.messages[0]
