"""The note editor's input, read into a note's content, and its small forms.

A note's content has one shape (care/content.py); the editor sends it two ways. The
page's script sends it as JSON ({"revision", "content"}); a browser without
JavaScript posts the form itself, fields named by field code and a table's cells as
`<code>-<row>-<column>`. Both end in the same content, checked by the service
(`clean_content`): what cannot be read here — "abc" in a number — is passed on as
written, so the refusal names the field the same way whichever way it came.

The editor's widgets (`FieldView`) are built from the content the same way back, so a
refused form comes back with what was typed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms
from django.http import QueryDict

from rehabdesk.care import body_chart
from rehabdesk.care.choices import NoteKind, NoteRelation
from rehabdesk.care.definition import Definition, Field, FieldKind, Section
from rehabdesk.care.models import NoteTemplate

# A save's body, as JSON: a note is at most 60,000 characters (care/content.py); the
# rest is room for the JSON's own quoting.
SAVE_BODY_MAX_BYTES = 256 * 1024
REASON_MAX = 500
BLANK_ROWS = 1  # empty rows a table offers below its filled ones (the script adds more)


class SaveBodyError(ValueError):
    """An autosave's body that is not {"revision": <int>, "content": {...}}: 400, or
    413 when it is larger than any note could be."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def save_body(raw: bytes) -> tuple[int, dict[str, Any]]:
    """The revision and content an autosave sends, or SaveBodyError."""
    if len(raw) > SAVE_BODY_MAX_BYTES:
        raise SaveBodyError("The note is too long to save.", status=413)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise SaveBodyError("The save did not arrive as JSON.") from None
    if not isinstance(data, dict):
        raise SaveBodyError("The save did not arrive as a JSON object.")
    revision, content = data.get("revision"), data.get("content")
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 0:
        raise SaveBodyError("The save has no revision.")
    if not isinstance(content, dict):
        raise SaveBodyError("The save has no content.")
    return revision, content


def _number(text: str) -> object:
    """A number typed in a form, or the text as typed (the service then refuses it)."""
    try:
        value = float(text)
    except ValueError:
        return text
    if value != value or value in (float("inf"), float("-inf")):
        return text
    return int(value) if value.is_integer() else value


def _scalar(spec: Field, text: str) -> object:
    text = text.strip() if spec.kind != FieldKind.TEXT else text
    if text == "":
        return None
    if spec.kind in (FieldKind.NUMBER, FieldKind.SCALE):
        return _number(text)
    return text


def _yes_no(text: str) -> object:
    return {"yes": True, "no": False, "": None}.get(text, text)


def _table(spec: Field, data: QueryDict) -> list[dict[str, object]]:
    pattern = re.compile(rf"^{re.escape(spec.code)}-(\d{{1,3}})-(\w+)$")
    columns = {column.code: column for column in spec.columns}
    rows: dict[int, dict[str, object]] = {}
    for name in data:
        match = pattern.match(name)
        if match is None or match.group(2) not in columns:
            continue
        value = _scalar(columns[match.group(2)], data.get(name, ""))
        if value is not None:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = value
    return [rows[index] for index in sorted(rows)]


def _body_chart(text: str) -> object:
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text  # refused by the service, naming the field


def content_from_post(definition: Definition, data: QueryDict) -> dict[str, object]:
    """The content a plain form post carries (empty values left out)."""
    content: dict[str, object] = {}
    for spec in definition.fields:
        value: object
        if spec.kind == FieldKind.TABLE:
            value = _table(spec, data)
        elif spec.kind == FieldKind.CHOICES:
            value = [code for code in data.getlist(spec.code) if code]
        elif spec.kind == FieldKind.YES_NO:
            value = _yes_no(data.get(spec.code, ""))
        elif spec.kind == FieldKind.BODY_CHART:
            value = _body_chart(data.get(spec.code, ""))
        else:
            value = _scalar(spec, data.get(spec.code, ""))
        if value not in (None, [], ""):
            content[spec.code] = value
    return content


def revision_from_post(data: QueryDict) -> int | None:
    text = data.get("revision", "")
    return int(text) if text.isdigit() and len(text) < 10 else None


@dataclass(frozen=True)
class Cell:
    column: Field
    name: str
    value: str


@dataclass(frozen=True)
class FieldView:
    """One field of the editor: its definition, the value as the widget shows it, and
    the refusal that names it, if any."""

    spec: Field
    value: Any = None
    error: str = ""
    rows: tuple[tuple[Cell, ...], ...] = ()

    @property
    def template(self) -> str:
        return f"web/care/fields/{self.spec.kind}.html"

    @property
    def text(self) -> str:
        """The value as an input shows it."""
        if self.value is None:
            return ""
        if isinstance(self.value, bool):
            return "yes" if self.value else "no"
        return str(self.value)

    @property
    def chosen(self) -> list[str]:
        return [str(v) for v in self.value] if isinstance(self.value, list) else []

    @property
    def marks_json(self) -> str:
        return json.dumps(self.value if isinstance(self.value, list) else [])

    @property
    def marks_text(self) -> str:
        marks = self.value if isinstance(self.value, list) else []
        valid = [
            m
            for m in marks
            if isinstance(m, dict)
            and m.get("region") in body_chart.REGION_CODES
            and m.get("mark") in body_chart.MARK_CODES
        ]
        return body_chart.describe(valid)

    @property
    def mark_options(self) -> tuple[tuple[str, str], ...]:
        return body_chart.MARKS

    @property
    def first_mark(self) -> str:
        """The mark a body chart starts with: "treated" on a chart of areas treated (the
        massage therapist's), "pain" on a chart of symptoms."""
        treated = "treat" in f"{self.spec.code} {self.spec.label}".lower()
        return "treated" if treated else body_chart.MARKS[0][0]

    @property
    def scale(self) -> range:
        return range(11)


@dataclass(frozen=True)
class SectionView:
    section: Section
    fields: tuple[FieldView, ...] = field(default_factory=tuple)


def _rows(spec: Field, value: object) -> tuple[tuple[Cell, ...], ...]:
    filled = [row for row in value if isinstance(row, Mapping)] if isinstance(value, list) else []
    count = min(spec.max_rows, len(filled) + BLANK_ROWS)
    return tuple(
        tuple(
            Cell(
                column=column,
                name=f"{spec.code}-{index}-{column.code}",
                value=str(filled[index].get(column.code, "")) if index < len(filled) else "",
            )
            for column in spec.columns
        )
        for index in range(max(count, len(filled)))
    )


def editor_sections(
    definition: Definition, content: Mapping[str, object], *, errors: Mapping[str, str] = {}
) -> list[SectionView]:
    """The editor's sections, each field with its value from `content` and its error."""
    return [
        SectionView(
            section=section,
            fields=tuple(
                FieldView(
                    spec=spec,
                    value=content.get(spec.code),
                    error=errors.get(spec.code, ""),
                    rows=_rows(spec, content.get(spec.code))
                    if spec.kind == FieldKind.TABLE
                    else (),
                )
                for spec in section.fields
            ),
        )
        for section in definition.sections
    ]


class CorrectForm(forms.Form):
    relation = forms.ChoiceField(
        choices=NoteRelation.choices, widget=forms.RadioSelect, label="What to write"
    )
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason (part of the record)",
        help_text="Why the signed note needs it, e.g. “Wrong side recorded for the knee”.",
    )


class StandaloneForm(forms.Form):
    """A clinical entry without a visit: a phone consult, a letter, a missed visit."""

    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in NoteKind if k != NoteKind.VISIT],
        widget=forms.RadioSelect,
        label="Kind of entry",
    )
    template = forms.TypedChoiceField(choices=[], coerce=int, label="Template")
    encounter_at = forms.DateTimeField(
        label="When it happened",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(
        self, *args: Any, templates: list[NoteTemplate], now: datetime, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        template_field = self.fields["template"]
        assert isinstance(template_field, forms.TypedChoiceField)
        template_field.choices = [(t.pk, t.name) for t in templates]
        self._templates = {t.pk: t for t in templates}
        self.fields["encounter_at"].initial = now.replace(second=0, microsecond=0)

    def chosen_template(self) -> NoteTemplate:
        """The template chosen (after is_valid(): one of those offered)."""
        return self._templates[self.cleaned_data["template"]]
