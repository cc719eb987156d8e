"""The API's field types: what an id, a moment, a day and a text may be, in one place
for every schema (the bounds themselves are rehabdesk.core.bounds, shared with the pages).

Each refuses odd input as a 422 `invalid` on its field, before a view runs:

- `Id` (in a JSON body) is a JSON integer from 1 to 2^63 − 1: `true`, `1.0` or `"1"`
  are not ids (pydantic's lax mode would read them as 1), and a bigger number would
  break PostgreSQL's bigint. `UrlId` is the same for a query or a path, whose values
  are text by nature.
- `Moment` is ISO 8601 text with a UTC offset: a number is not a time (pydantic would
  read it as seconds since 1970), nor is a time without an offset; the offset is at
  most ±14:00, the year 2000 to 2199.
- `Day` is ISO 8601 text of a date, 2000 to 2199.
- `ClockTime` is ISO 8601 text of a time of day on the location's clock, so without
  an offset (one was silently dropped: 10:00+05:00 booked 10:00 in Toronto).
- `Text` has no NUL byte, which PostgreSQL cannot store.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, StrictInt

from rehabdesk.core.bounds import (
    EARLIEST_DAY,
    LATEST_DAY,
    MAX_ID,
    day_within_bounds,
    has_nul,
    moment_within_bounds,
)

YEARS = f"{EARLIEST_DAY.year} to {LATEST_DAY.year}"


def _text_only(value: object) -> object:
    """Dates and times come as text: a JSON number or `true` is refused, not read."""
    if isinstance(value, str | date | time):  # or one built in Python
        return value
    raise ValueError("must be ISO 8601 text")


def _bounded_moment(value: datetime) -> datetime:
    if not moment_within_bounds(value):
        raise ValueError(f"must be a time in the years {YEARS} with a UTC offset of at most ±14:00")
    return value


def _bounded_day(value: date) -> date:
    if not day_within_bounds(value):
        raise ValueError(f"must be a date in the years {YEARS}")
    return value


def _on_the_wall_clock(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("must be a time of day on the location's clock, without a UTC offset")
    return value


def _without_nul(value: str) -> str:
    if has_nul(value):
        raise ValueError("must not contain a NUL character")
    return value


Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
UrlId = Annotated[int, Field(ge=1, le=MAX_ID)]
Moment = Annotated[AwareDatetime, BeforeValidator(_text_only), AfterValidator(_bounded_moment)]
Day = Annotated[date, BeforeValidator(_text_only), AfterValidator(_bounded_day)]
ClockTime = Annotated[time, BeforeValidator(_text_only), AfterValidator(_on_the_wall_clock)]
Text = Annotated[str, AfterValidator(_without_nul)]
