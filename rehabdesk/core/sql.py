"""Hand-written SELECTs, for the few reads where Django building and compiling a
queryset costs more than the database answering it.

An availability search read a dozen small result sets on every request (now the
configuration's when it changed, and the calendar's every time). Through the ORM,
building and compiling those querysets took about a third of the request, as much as
the database spent on them (docs/algorithms/availability.md, "Reading the calendar").
Reads written here run the same SQL on SQLite and PostgreSQL, but for list parameters:

- dates, times and instants are read as text (`CAST(column AS text)`) and parsed by the
  caller, since Django's converters for them cost more than the query on SQLite;
- parameters go through Django's own adapters (`instant_param`, `day_param`), so SQLite
  compares exactly the text Django stores;
- a list, tuple or set parameter fills an `IN %s` or `NOT IN %s`, written for the
  database by `core.database.in_list`: on SQLite a placeholder per value; on
  PostgreSQL one array parameter, `= ANY(%s)` or `<> ALL(%s)`, which PostgreSQL plans
  as it plans the list, and which costs half as much to send as 71 separate values
  (1.1 ms against 2.2 ms for the practitioners' appointments on the ten-location
  bench).

Everything else goes through the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection

from rehabdesk.core import database


def select(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of one SELECT, with a `%s` placeholder for each of `params`. A list,
    tuple or set parameter must follow `IN` or `NOT IN`; it may be empty (SQLite takes
    `IN ()`)."""
    pieces = sql.split("%s")
    if len(pieces) != len(params) + 1:
        raise ValueError(f"{len(pieces) - 1} placeholders for {len(params)} parameters")
    text = [pieces[0]]
    values: list[Any] = []
    for param, piece in zip(params, pieces[1:], strict=True):
        if isinstance(param, list | tuple | set | frozenset):
            before = text[-1].rstrip()
            negated = before.upper().endswith("NOT IN")
            if not before.upper().endswith("IN"):
                raise ValueError("A list parameter must follow IN or NOT IN.")
            comparison, listed = database.in_list(param, negated=negated)
            text[-1] = before[: -len("NOT IN") if negated else -len("IN")] + comparison
            values.extend(listed)
        else:
            text.append("%s")
            values.append(param)
        text.append(piece)
    with connection.cursor() as cursor:
        cursor.execute("".join(text), values)
        return cursor.fetchall()


def instant_param(value: datetime) -> Any:
    """An aware datetime as the database compares it."""
    return connection.ops.adapt_datetimefield_value(value)


def day_param(value: date) -> Any:
    return connection.ops.adapt_datefield_value(value)


def instant_from_text(text: str) -> datetime:
    """An instant read as text, as an aware UTC datetime: SQLite's text, in UTC with no
    offset, or PostgreSQL's, which ends with one (`+00`, `-05:00`). A search reads
    hundreds: appending the offset costs a fifth of `replace(tzinfo=UTC)`."""
    if text[-3] not in "+-" and text[-6] not in "+-":
        text += "+00:00"
    instant = datetime.fromisoformat(text)
    return instant if instant.tzinfo is UTC else instant.astimezone(UTC)


def day_from_text(text: str) -> date:
    return date.fromisoformat(text)
