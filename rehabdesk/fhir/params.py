"""FHIR search parameters, parsed: the ones a resource type supports and the paging
ones; anything else is refused (400 OperationOutcome), never ignored, so a client never
takes a wider answer for the narrow one it asked."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.http import HttpRequest

from rehabdesk.core.bounds import (
    EARLIEST_DAY,
    LATEST_DAY,
    day_within_bounds,
    id_within_bounds,
    moment_within_bounds,
)
from rehabdesk.fhir.answers import FhirError, IssueCode

DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_OFFSET = 10_000
PAGING = frozenset({"_count", "_offset", "_format"})
FORMATS = frozenset({"json", "application/json", "application/fhir+json"})

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")
_ROLE = re.compile(r"(\d{1,18})-(\d{1,18})")
_SLOT = re.compile(r"(\d{1,18})-(\d{1,18})-(\d{1,18})-(\d{1,12})")
_PREFIXES = ("eq", "ge", "gt", "le", "lt")


@dataclass(frozen=True)
class Search:
    values: dict[str, list[str]]  # each parameter's values (repeats AND, commas OR)
    offset: int
    count: int

    def one(self, name: str) -> str | None:
        values = self.values.get(name, [])
        if len(values) > 1:
            raise _invalid(f"Give {name} once.")
        return values[0] if values else None

    def listed(self, name: str) -> list[str]:
        """A parameter's values, commas meaning OR (repeats are refused: AND of two
        different values would match nothing)."""
        value = self.one(name)
        if value is None:
            return []
        return [part for part in value.split(",") if part]


def _invalid(text: str) -> FhirError:
    return FhirError(400, IssueCode.INVALID, text)


def search_of(request: HttpRequest, supported: Collection[str]) -> Search:
    values: dict[str, list[str]] = {}
    for name, given in request.GET.lists():
        if name not in supported and name not in PAGING:
            raise FhirError(400, IssueCode.NOT_SUPPORTED, f"Unknown search parameter: {name[:60]}")
        if any("\x00" in value for value in given):
            raise _invalid("No parameter may hold a NUL character.")
        values[name] = given
    fmt = values.pop("_format", [None])[-1]
    if fmt is not None and fmt not in FORMATS:
        raise FhirError(406, IssueCode.NOT_SUPPORTED, "JSON only: _format=json.")
    count = _number(values.pop("_count", []), "_count", DEFAULT_COUNT)
    if count < 1:
        raise _invalid("_count must be at least 1.")
    offset = _number(values.pop("_offset", []), "_offset", 0)
    if not 0 <= offset <= MAX_OFFSET:
        raise _invalid(f"_offset must be 0 to {MAX_OFFSET}.")
    return Search(values=values, offset=offset, count=min(count, MAX_COUNT))


def _number(given: list[str], name: str, default: int) -> int:
    if not given:
        return default
    if len(given) > 1 or not given[0].isdigit() or len(given[0]) > 9:
        raise _invalid(f"{name} must be one whole number.")
    return int(given[0])


def ids_of(values: list[str], resource_type: str) -> list[int]:
    """Ids given as `12` or `Type/12`."""
    found = []
    for value in values:
        text = value.removeprefix(f"{resource_type}/")
        if not text.isdigit() or len(text) > 18:
            raise _invalid(f"Not a {resource_type} id: give {resource_type}/<number>.")
        found.append(int(text))
    return found


def role_of(value: str, *types: str) -> tuple[int, int]:
    """A PractitionerRole's or a Schedule's id: `<practitioner>-<location>`."""
    text = value
    for resource_type in types:
        text = text.removeprefix(f"{resource_type}/")
    match = _ROLE.fullmatch(text)
    if match is None:
        raise _invalid(f"Not a {types[0]} id: give <practitioner>-<location>.")
    return int(match[1]), int(match[2])


@dataclass(frozen=True)
class SlotKey:
    """What a Slot's id says: who, where, for which service, starting when
    (`<practitioner>-<location>-<service>-<start in Unix seconds>`, mappers.slot_id)."""

    practitioner_id: int
    location_id: int
    service_id: int
    start: datetime


def slot_of(value: str) -> SlotKey | None:
    """A Slot's id read back; None when it is not one (or names a time out of bounds)."""
    match = _SLOT.fullmatch(value)
    if match is None:
        return None
    ids = [int(match[n]) for n in (1, 2, 3)]
    if not all(id_within_bounds(pk) for pk in ids):
        return None
    try:
        start = datetime.fromtimestamp(int(match[4]), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    if not moment_within_bounds(start):
        return None
    return SlotKey(ids[0], ids[1], ids[2], start)


def token_code(value: str) -> str:
    """The code of a token parameter (`system|code` or `code`)."""
    return value.rsplit("|", 1)[-1]


@dataclass(frozen=True)
class Bounds:
    """[lower, upper) of a date search; None where open."""

    lower: datetime | None = None
    upper: datetime | None = None


def bounds_of(values: list[str], name: str, zone: ZoneInfo) -> Bounds:
    """Repeated date parameters, ANDed (`date=ge2026-03-02&date=lt2026-03-09`). A day
    is that day in the clinic's zone; a moment needs its offset."""
    lower: datetime | None = None
    upper: datetime | None = None
    for value in values:
        prefix, text = "eq", value
        if value[:2] in _PREFIXES:
            prefix, text = value[:2], value[2:]
        first, after = _interval(text, name, zone)
        if prefix in ("eq", "ge"):
            lower = first if lower is None else max(lower, first)
        if prefix == "gt":
            lower = after if lower is None else max(lower, after)
        if prefix in ("eq", "le"):
            upper = after if upper is None else min(upper, after)
        if prefix == "lt":
            upper = first if upper is None else min(upper, first)
    return Bounds(lower, upper)


def _interval(text: str, name: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    try:
        if _DAY.fullmatch(text):
            day = date.fromisoformat(text)
            if not day_within_bounds(day):
                raise _out_of_bounds(name)
            start = datetime(day.year, day.month, day.day, tzinfo=zone)
            following = day + timedelta(days=1)
            end = datetime(following.year, following.month, following.day, tzinfo=zone)
            return start, end
        if _MOMENT.fullmatch(text):
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if not moment_within_bounds(moment):
                raise _out_of_bounds(name)
            return moment, moment + timedelta(seconds=1)
    except ValueError:
        pass
    raise _invalid(f"{name}: give [eq|ge|gt|le|lt]YYYY-MM-DD or a date and time with its offset.")


def _out_of_bounds(name: str) -> FhirError:
    # 9999-12-31 overflowed the day after it (a 500); an offset past ±14:00 is no zone's.
    return _invalid(
        f"{name}: give a date from {EARLIEST_DAY.year} to {LATEST_DAY.year} and a UTC "
        "offset in use (at most ±14:00)."
    )
