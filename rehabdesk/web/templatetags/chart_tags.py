"""A note's sections on a page (web/care/_note.html): built in Python rather than in
template loops, because a chart of a hundred notes holds thousands of fields and the
template engine would spend most of the page's time on them. Every piece of text is
escaped here (the standard library's escape, which Django's wraps); only the tags
around it are ours."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from rehabdesk.care.reading import Entry, NoteRead

register = template.Library()


def _text(value: str, struck: bool) -> str:
    """Escaped, its line breaks kept; struck through when the note was replaced."""
    html = escape(value).replace("\n", "<br>")
    return f"<del>{html}</del>" if struck else html


@register.simple_tag
def note_sections(read: NoteRead) -> SafeString:
    """Each section's title, then its fields as a description list — or the text alone
    when the section's one field is named like the section ("Plan", "Entry")."""
    return format_html_join(
        "",
        '<h4 class="note-section">{}</h4>{}',
        (
            (
                SafeString(_text(title, read.struck)),
                SafeString(_fields(title, entries, read.struck)),
            )
            for title, entries in read.sections
        ),
    )


def _fields(title: str, entries: list[Entry], struck: bool) -> str:
    if len(entries) == 1 and entries[0].label == title:
        return f'<p class="note-text">{_text(entries[0].text, struck)}</p>'
    rows = "".join(
        f"<dt>{escape(label)}</dt><dd>{_text(text, struck)}</dd>" for label, text in entries
    )
    return f'<dl class="note-fields">{rows}</dl>'
