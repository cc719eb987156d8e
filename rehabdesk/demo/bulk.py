"""Inserting generated rows fast, for the demo clinic and the benchmark datasets only.

The ORM's `bulk_create` spends most of its time building and preparing model instances
(1.4 million prepared values for the demo's two years of visits alone), which tens of
thousands of rows cannot afford within `make run`'s first minute. `insert_rows` sends
plain rows in one `executemany` per batch instead. The database's own checks
(constraints, the scheduling guards' triggers and exclusion constraints, the billing
tables' append-only triggers) see every row as they would from the ORM.

Ids are chosen here, on from the table's highest, so related rows can be written in the
same transaction; the caller holds it, and nothing else inserts into these tables
meanwhile (a demo or bench load).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

BATCH = 2000

Row = dict[str, Any]


def insert_rows(model: type[models.Model], rows: Iterable[Row]) -> list[int]:
    """INSERT the rows (each a dict by attribute name, all with the same keys) in one
    executemany per batch, numbering them on from the table's highest id: the ORM's
    bulk_create spends most of its time building and preparing model instances, which
    tens of thousands of rows cannot afford within `make run`'s first minute. Returns
    the ids, in order. The table's id sequence is moved past them (PostgreSQL)."""
    batch = list(rows)
    if not batch:
        return []
    meta = model._meta
    given = set(batch[0])
    fields = [_concrete(f) for f in meta.concrete_fields if not f.primary_key]
    # Columns the rows leave out take the field's default (a blank note, say).
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in given}
    names = [f.attname for f in fields]
    ops = connection.ops
    table = ops.quote_name(meta.db_table)
    columns = ", ".join(ops.quote_name(str(f.column)) for f in [_concrete(meta.pk), *fields])
    marks = ", ".join(["%s"] * (len(fields) + 1))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 - our own names
    # Instants in UTC without their zone, as Django sends them; dates and decimals as
    # they are (the drivers adapt them): column by column, far faster than
    # Field.get_db_prep_save for each value.
    adapters = [
        (index, adapt)
        for index, model_field in enumerate(fields, start=1)
        if (adapt := _adapter(model_field)) is not None
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        first = int(cursor.fetchone()[0]) + 1
        ids = list(range(first, first + len(batch)))
        values = []
        for pk, row in zip(ids, batch, strict=True):
            full = defaults | row if defaults else row
            value = [pk, *map(full.__getitem__, names)]
            for index, adapt in adapters:
                if value[index] is not None:
                    value[index] = adapt(value[index])
            values.append(value)
        for chunk in chunks(values, BATCH):
            cursor.executemany(sql, chunk)
        for statement in ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)
    return ids


def _adapter(model_field: models.Field[Any, Any]) -> Any:
    """How a value of this field goes to the database, or None when as it is."""
    return _utc_naive if model_field.get_internal_type() == "DateTimeField" else None


def _utc_naive(value: datetime) -> datetime:
    # As Django sends an instant: in UTC, the zone of its connections to either
    # database (SQLite stores the text, PostgreSQL reads it in the session's UTC).
    return value.astimezone(UTC).replace(tzinfo=None)


def _concrete(model_field: Any) -> models.Field[Any, Any]:
    assert isinstance(model_field, models.Field)
    assert model_field.column
    return model_field


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
