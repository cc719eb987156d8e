"""Hand-written SELECTs, for the few reads where Django building and compiling a
queryset costs more than the database answering it.

An availability search read a dozen small result sets on every request (now the
configuration's when it changed, and the calendar's every time). Through the ORM,
building and compiling those querysets took about a third of the request, as much as
the database spent on them (docs/algorithms/availability.md, "Reading the calendar").
Reads written here run the same SQL on SQLite and PostgreSQL:

- dates, times and instants are read as text (`CAST(column AS text)`) and parsed by the
  caller, since Django's converters for them cost more than the query on SQLite;
- parameters go through Django's own adapters (`instant_param`, `day_param`), so SQLite
  compares exactly the text Django stores;
- a list, tuple or set parameter fills an `IN %s`: `select` gives it a placeholder per
  value, so the SQL itself is a constant.

Everything else goes through the ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from django.db import connection


def select(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of one SELECT, with a `%s` placeholder for each of `params`. A list,
    tuple or set parameter is an `IN` list: `x IN %s` becomes `x IN (%s, %s, ...)`, or
    `x IN (NULL)`, which matches nothing, when it is empty (PostgreSQL refuses `()`)."""
    pieces = sql.split("%s")
    if len(pieces) != len(params) + 1:
        raise ValueError(f"{len(pieces) - 1} placeholders for {len(params)} parameters")
    text = [pieces[0]]
    values: list[Any] = []
    for param, piece in zip(params, pieces[1:], strict=True):
        if isinstance(param, list | tuple | set | frozenset):
            text.append(f"({', '.join(['%s'] * len(param)) or 'NULL'})")
            values.extend(param)
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
