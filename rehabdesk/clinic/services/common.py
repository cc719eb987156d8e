"""What every area of clinic configuration shares: the values passed in for child rows
(a break, a weekly span of opening hours), the refusal of an invalid row, and saving
configuration whose rules all concern the row itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from typing import TypeVar

from django.db import models, transaction

from rehabdesk.clinic.choices import Weekday
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import (
    Authorization,
    Clinic,
    Discipline,
    PageText,
    RegistrationClass,
    Regulator,
    ReminderRule,
    Resource,
    ResourceKind,
    ServiceGroup,
)
from rehabdesk.core.clock import clock_span
from rehabdesk.core.validation import full_clean_or_raise


@dataclass(frozen=True)
class TimeSpan:
    """Wall-clock times within one day, e.g. a lunch break 12:00 PM–12:30 PM."""

    starts: time
    ends: time

    def __str__(self) -> str:
        return clock_span(self.starts, self.ends)


@dataclass(frozen=True)
class WeeklySpan:
    """A span on a weekday, e.g. Mondays 8:00 AM–8:00 PM."""

    weekday: int
    opens: time
    closes: time

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {clock_span(self.opens, self.closes)}"


def invalid(message: str, field: str | None = None) -> ClinicError:
    return ClinicError(ClinicErrorCode.INVALID, message, field=field)


def clean_or_refuse(instance: models.Model, exclude: Iterable[str] = ()) -> None:
    full_clean_or_raise(
        instance, error_class=ClinicError, code=ClinicErrorCode.INVALID, exclude=exclude
    )


SimpleConfiguration = TypeVar(
    "SimpleConfiguration",
    Clinic,
    ResourceKind,
    Resource,
    Discipline,
    Regulator,
    RegistrationClass,
    Authorization,
    ServiceGroup,
    PageText,
    ReminderRule,
)


def configuration_save(*, instance: SimpleConfiguration) -> SimpleConfiguration:
    """Save configuration whose rules all concern the row itself (field validators and
    constraints): clinics, resource kinds and resources, disciplines, colleges with
    their classes and rosters, and the public site's service groups and page texts."""
    clean_or_refuse(instance)
    with transaction.atomic():
        instance.save()
    return instance
