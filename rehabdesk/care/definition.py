"""A note template's definition: its sections and fields, as data.

A template (models.NoteTemplate) stores its definition as JSON; the defaults ship as
TOML files in care/note_templates/ (one per discipline and visit type). A definition is
read whole and checked here (`definition_from_data`), before it is published and every
time a note is saved against it, so a note's content always has a shape the pages, the
chart and the printed copy understand. docs/algorithms/clinical-notes.md describes the
format; `content.clean_content` checks a note's content against a definition.

Fields have a `kind` (what the value is) and, for the few the clinical rules read, a
`role` (care/disciplines.py: the needle counts, an internal pelvic examination, the
sensitive areas treated, adverse events). A section marked `copy_forward` holds findings
that "copy forward" fills from the patient's previous signed note of the same discipline.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rehabdesk.care.errors import CareError, CareErrorCode

CODE_MAX = 40
LABEL_MAX = 120
TEXT_MAX = 10_000  # the most any one prose field may hold
TEXT_DEFAULT = 4_000
LINE_MAX = 200
TABLE_ROWS_MAX = 60


class FieldKind(StrEnum):
    TEXT = "text"  # prose, several lines
    LINE = "line"  # one short line
    NUMBER = "number"  # a number within [min, max], with a unit
    SCALE = "scale"  # a whole number 0-10 (NPRS, pressure)
    CHOICE = "choice"  # one of `options`
    CHOICES = "choices"  # any of `options`
    YES_NO = "yes_no"  # true or false
    TABLE = "table"  # rows of `columns` (range of motion, strength, special tests, points)
    BODY_CHART = "body_chart"  # marks on the figure's regions (care/body_chart.py)


class FieldRole(StrEnum):
    """What the clinical rules (care/disciplines.py) read from a field."""

    NEEDLES_IN = "needles_in"  # number: needles inserted
    NEEDLES_OUT = "needles_out"  # number: needles removed and counted
    ADVERSE_EVENTS = "adverse_events"  # choices: none, bruising, fainting, broken needle…
    INTERNAL_EXAM = "internal_exam"  # yes_no: an internal pelvic examination was done
    SENSITIVE_AREAS = "sensitive_areas"  # choices: sensitive areas treated (consents.SensitiveArea)


COLUMN_KINDS = frozenset({FieldKind.LINE, FieldKind.NUMBER, FieldKind.CHOICE, FieldKind.SCALE})


@dataclass(frozen=True)
class Field:
    code: str
    label: str
    kind: FieldKind
    hint: str = ""
    required_to_sign: bool = False
    max_length: int = 0  # text and line: the most characters
    minimum: float | None = None  # number
    maximum: float | None = None
    unit: str = ""
    options: tuple[tuple[str, str], ...] = ()  # choice, choices: (code, label)
    columns: tuple[Field, ...] = ()  # table
    max_rows: int = 0  # table
    role: FieldRole | None = None

    def option_label(self, code: str) -> str:
        return dict(self.options).get(code, code)


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    fields: tuple[Field, ...]
    copy_forward: bool = False


@dataclass(frozen=True)
class Definition:
    sections: tuple[Section, ...]

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(field for section in self.sections for field in section.fields)

    def field(self, code: str) -> Field | None:
        return next((field for field in self.fields if field.code == code), None)

    def with_role(self, role: FieldRole) -> Field | None:
        return next((field for field in self.fields if field.role == role), None)

    @property
    def copied_forward(self) -> tuple[Field, ...]:
        return tuple(f for section in self.sections if section.copy_forward for f in section.fields)


def _refuse(where: str, message: str) -> CareError:
    return CareError(CareErrorCode.INVALID, f"{where}: {message}", field="definition")


def _code(value: object, where: str) -> str:
    if (
        not isinstance(value, str)
        or not value
        or len(value) > CODE_MAX
        or not value.replace("_", "").isalnum()
        or not value.isascii()
        or value != value.lower()
    ):
        raise _refuse(where, "a code is lower-case letters, digits and _ (at most 40)")
    return value


def _text(data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > LABEL_MAX:
        raise _refuse(where, f"'{key}' is text of at most {LABEL_MAX} characters")
    return value.strip()


def _options(data: Mapping[str, Any], where: str) -> tuple[tuple[str, str], ...]:
    raw = data.get("options")
    if not isinstance(raw, list) or not raw:
        raise _refuse(where, "a choice needs 'options', a list of [code, label]")
    options: list[tuple[str, str]] = []
    for item in raw:
        if not (isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[1], str)):
            raise _refuse(where, "each option is [code, label]")
        options.append((_code(item[0], where), item[1]))
    if len({code for code, _ in options}) != len(options):
        raise _refuse(where, "option codes repeat")
    return tuple(options)


def _number(data: Mapping[str, Any], key: str, where: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _refuse(where, f"'{key}' is a number")
    return float(value)


def _field(data: object, where: str, *, column: bool = False) -> Field:
    if not isinstance(data, Mapping):
        raise _refuse(where, "a field is a table of settings")
    code = _code(data.get("code"), where)
    where = f"{where}.{code}"
    try:
        kind = FieldKind(str(data.get("kind")))
    except ValueError:
        raise _refuse(where, f"unknown kind {data.get('kind')!r}") from None
    if column and kind not in COLUMN_KINDS:
        raise _refuse(where, "a table's columns are line, number, choice or scale")
    role = None
    if data.get("role") is not None:
        try:
            role = FieldRole(data["role"])
        except ValueError:
            raise _refuse(where, f"unknown role {data['role']!r}") from None
    max_length = 0
    if kind in (FieldKind.TEXT, FieldKind.LINE):
        ceiling = TEXT_MAX if kind == FieldKind.TEXT else LINE_MAX
        max_length = data.get("max_length", TEXT_DEFAULT if kind == FieldKind.TEXT else LINE_MAX)
        if not isinstance(max_length, int) or not 1 <= max_length <= ceiling:
            raise _refuse(where, f"'max_length' is 1 to {ceiling}")
    minimum, maximum = _number(data, "min", where), _number(data, "max", where)
    if kind == FieldKind.NUMBER and (minimum is None or maximum is None or minimum > maximum):
        raise _refuse(where, "a number needs 'min' and 'max', min <= max")
    options = _options(data, where) if kind in (FieldKind.CHOICE, FieldKind.CHOICES) else ()
    columns: tuple[Field, ...] = ()
    max_rows = 0
    if kind == FieldKind.TABLE:
        raw = data.get("columns")
        if not isinstance(raw, list) or not raw:
            raise _refuse(where, "a table needs 'columns'")
        columns = tuple(_field(item, where, column=True) for item in raw)
        if len({c.code for c in columns}) != len(columns):
            raise _refuse(where, "column codes repeat")
        max_rows = data.get("max_rows", 20)
        if not isinstance(max_rows, int) or not 1 <= max_rows <= TABLE_ROWS_MAX:
            raise _refuse(where, f"'max_rows' is 1 to {TABLE_ROWS_MAX}")
    return Field(
        code=code,
        label=_text(data, "label", where),
        kind=kind,
        hint=_text(data, "hint", where, required=False),
        required_to_sign=bool(data.get("required_to_sign", False)),
        max_length=max_length,
        minimum=minimum,
        maximum=maximum,
        unit=_text(data, "unit", where, required=False),
        options=options,
        columns=columns,
        max_rows=max_rows,
        role=role,
    )


def definition_from_data(data: object) -> Definition:
    """Read a definition (a mapping with `sections`, each with `code`, `title`, `fields`
    and optionally `copy_forward`) and check it whole: known kinds, codes unique across
    the note, every choice with options, every number with its bounds. Refuses with a
    CareError (INVALID, field "definition") naming the place."""
    if not isinstance(data, Mapping) or not isinstance(data.get("sections"), list):
        raise _refuse("template", "a definition has 'sections'")
    sections: list[Section] = []
    for index, raw in enumerate(data["sections"]):
        if not isinstance(raw, Mapping) or not isinstance(raw.get("fields"), list):
            raise _refuse(f"section {index + 1}", "a section has 'fields'")
        code = _code(raw.get("code"), f"section {index + 1}")
        fields = tuple(_field(item, code) for item in raw["fields"])
        if not fields:
            raise _refuse(code, "a section has at least one field")
        sections.append(
            Section(
                code=code,
                title=_text(raw, "title", code),
                fields=fields,
                copy_forward=bool(raw.get("copy_forward", False)),
            )
        )
    if not sections:
        raise _refuse("template", "a definition has at least one section")
    definition = Definition(sections=tuple(sections))
    codes = [field.code for field in definition.fields]
    if len(set(codes)) != len(codes):
        raise _refuse("template", "field codes repeat across sections")
    roles = [field.role for field in definition.fields if field.role]
    if len(set(roles)) != len(roles):
        raise _refuse("template", "a role is given to one field only")
    return definition
