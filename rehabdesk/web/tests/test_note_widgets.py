"""Every field of every template the clinic ships has its widget, labelled, named as
the plain form posts it, and read back into the same content."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from rehabdesk.care.definition import FieldKind
from rehabdesk.care.models import NoteTemplate
from rehabdesk.web.staff.note_forms import content_from_post, editor_sections

pytestmark = pytest.mark.django_db

# A value of each kind, as a practitioner would write it.
SAMPLE = {
    FieldKind.TEXT: "Written\nover two lines",
    FieldKind.LINE: "One line",
    FieldKind.SCALE: 4,
    FieldKind.YES_NO: True,
    FieldKind.BODY_CHART: [{"region": "low_back", "mark": "pain"}],
}


def sample(spec):
    if spec.kind in SAMPLE:
        return SAMPLE[spec.kind]
    if spec.kind == FieldKind.NUMBER:
        return int(spec.minimum)
    if spec.kind == FieldKind.CHOICE:
        return spec.options[0][0]
    if spec.kind == FieldKind.CHOICES:
        return [spec.options[-1][0]]
    return [{column.code: sample(column) for column in spec.columns}]  # a table


def posted(html_fields):
    """The form's fields as a browser would post them, from the rendered widgets."""
    data = QueryDict(mutable=True)
    for tag in re.findall(r"<(?:input|textarea|select)\b[^>]*>(?:[^<]*</textarea>)?", html_fields):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None:
            continue
        if tag.startswith("<textarea"):
            text = tag.split(">", 1)[1].rsplit("</textarea>", 1)[0]
            data.appendlist(name.group(1), unescape(text))
        elif tag.startswith("<select"):
            continue  # read below, from its selected option
        elif 'type="checkbox"' in tag or 'type="radio"' in tag:
            if " checked" in tag:
                data.appendlist(
                    name.group(1), unescape(re.search(r'value="([^"]*)"', tag).group(1))
                )
        else:
            value = re.search(r'value="([^"]*)"', tag)
            data.appendlist(name.group(1), unescape(value.group(1)) if value else "")
    for select in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html_fields, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', select.group(2))
        data.appendlist(select.group(1), unescape(chosen.group(1)) if chosen else "")
    return data


def test_every_shipped_field_has_a_labelled_widget_that_reads_back():
    templates = list(NoteTemplate.objects.filter(current=True))
    assert len(templates) >= 9
    for template in templates:
        definition = template.parsed
        content = {spec.code: sample(spec) for spec in definition.fields}
        html = ""
        for part in editor_sections(definition, content):
            for view in part.fields:
                widget = render_to_string(view.template, {"f": view})
                assert f'data-code="{view.spec.code}"' in widget, template.code
                assert view.spec.label in unescape(widget), (template.code, view.spec.code)
                html += widget
        read = content_from_post(definition, posted(html))
        assert read == content, template.code
