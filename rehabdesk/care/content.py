"""A note's content checked against its template's definition.

Content is a JSON object: field code -> value. Values by kind: text and line a string;
number a number; scale a whole number 0-10; choice an option code; choices a list of
option codes; yes_no true or false; table a list of rows, each an object of column
code -> value; body_chart a list of {"region", "mark"} (care/body_chart.py). Empty
values ("", null, []) are left out, so a draft holds only what was written.

`clean_content` refuses (CareError, naming the field) anything that does not fit:
unknown fields, a wrong type, text too long, an option not offered, a region not on
the figure. A draft may be incomplete; signing also asks for every field marked
`required_to_sign`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rehabdesk.care import body_chart
from rehabdesk.care.definition import Definition, Field, FieldKind
from rehabdesk.care.errors import CareError, CareErrorCode

# The most a note may hold, as JSON: well beyond any real visit note, small enough that
# a chart of hundreds of notes stays quick to read and print.
CONTENT_MAX_CHARS = 60_000
Value = str | int | float | bool | list[Any] | None


def _invalid(field: Field, message: str, column: Field | None = None) -> CareError:
    label = f"{field.label} — {column.label}" if column else field.label
    return CareError(CareErrorCode.INVALID, f"{label}: {message}", field=field.code)


def _empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _scalar(field: Field, value: object, column: Field | None = None) -> Value:
    """One value of a scalar kind (also a table's cell), cleaned."""
    spec = column or field
    if spec.kind in (FieldKind.TEXT, FieldKind.LINE):
        if not isinstance(value, str) or "\x00" in value:
            raise _invalid(field, "text expected", column)
        text = value.replace("\r\n", "\n").strip()
        if len(text) > spec.max_length:
            raise CareError(
                CareErrorCode.TOO_LONG,
                f"{spec.label}: at most {spec.max_length:,} characters ({len(text):,} written)",
                field=field.code,
            )
        if spec.kind == FieldKind.LINE and "\n" in text:
            raise _invalid(field, "one line only", column)
        return text
    if spec.kind == FieldKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _invalid(field, "a number expected", column)
        assert spec.minimum is not None
        assert spec.maximum is not None
        if not spec.minimum <= value <= spec.maximum:
            bounds = f"{spec.minimum:g} to {spec.maximum:g}"
            raise _invalid(field, f"between {bounds}{' ' + spec.unit if spec.unit else ''}", column)
        return int(value) if float(value).is_integer() else float(value)
    if spec.kind == FieldKind.SCALE:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise _invalid(field, "a whole number from 0 to 10", column)
        return value
    if spec.kind == FieldKind.CHOICE:
        if value not in {code for code, _ in spec.options}:
            raise _invalid(field, "choose one of the options offered", column)
        return str(value)
    raise _invalid(field, "not a value this field takes", column)  # pragma: no cover


def _clean_field(field: Field, value: object) -> Value:
    if field.kind == FieldKind.YES_NO:
        if not isinstance(value, bool):
            raise _invalid(field, "yes or no")
        return value
    if field.kind == FieldKind.CHOICES:
        offered = [code for code, _ in field.options]
        if not isinstance(value, list) or any(item not in offered for item in value):
            raise _invalid(field, "choose among the options offered")
        return [code for code in offered if code in value]  # the template's order, once each
    if field.kind == FieldKind.TABLE:
        if not isinstance(value, list) or any(not isinstance(row, Mapping) for row in value):
            raise _invalid(field, "rows expected")
        if len(value) > field.max_rows:
            raise _invalid(field, f"at most {field.max_rows} rows")
        rows = []
        columns = {column.code: column for column in field.columns}
        for row in value:
            unknown = set(row) - set(columns)
            if unknown:
                raise _invalid(field, f"unknown column {sorted(unknown)[0]!r}")
            cleaned = {
                code: _scalar(field, row[code], columns[code])
                for code in columns
                if code in row and not _empty(row[code])
            }
            if cleaned:
                rows.append(cleaned)
        return rows
    if field.kind == FieldKind.BODY_CHART:
        if not isinstance(value, list) or len(value) > body_chart.MAX_MARKS:
            raise _invalid(field, "marks on the figure expected")
        marks: list[dict[str, str]] = []
        for mark in value:
            if (
                not isinstance(mark, Mapping)
                or set(mark) != {"region", "mark"}
                or mark["region"] not in body_chart.REGION_CODES
                or mark["mark"] not in body_chart.MARK_CODES
            ):
                raise _invalid(field, "a mark is a region of the figure and a kind of mark")
            entry = {"region": str(mark["region"]), "mark": str(mark["mark"])}
            if entry not in marks:
                marks.append(entry)
        return marks
    return _scalar(field, value)


def clean_content(
    definition: Definition, content: object, *, for_signing: bool = False
) -> dict[str, Value]:
    """The content, checked and normalised (empty values left out, choices in the
    template's order), or a CareError naming the first field at fault."""
    if not isinstance(content, Mapping):
        raise CareError(CareErrorCode.INVALID, "The note's content is not readable.")
    known = {field.code: field for field in definition.fields}
    unknown = sorted(set(content) - set(known))
    if unknown:
        raise CareError(
            CareErrorCode.INVALID, "The note has a field its template does not.", field=unknown[0]
        )
    cleaned: dict[str, Value] = {}
    for code, field in known.items():
        value = content.get(code)
        if _empty(value):
            continue
        value = _clean_field(field, value)
        if not _empty(value):
            cleaned[code] = value
    size = len(json.dumps(cleaned, ensure_ascii=False))
    if size > CONTENT_MAX_CHARS:
        raise CareError(
            CareErrorCode.TOO_LONG,
            f"The note is too long: at most {CONTENT_MAX_CHARS:,} characters in all "
            f"({size:,} written).",
        )
    if for_signing:
        for field in definition.fields:
            if field.required_to_sign and field.code not in cleaned:
                raise CareError(
                    CareErrorCode.INVALID,
                    f"{field.label}: needed before the note is signed.",
                    field=field.code,
                )
    return cleaned
