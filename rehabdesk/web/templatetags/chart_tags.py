"""A note's sections on a page (web/care/_note.html): built in Python rather than in
template loops, because a chart of a hundred notes holds thousands of fields and the
template engine would spend most of the page's time on them. Every piece of text is
escaped here (the standard library's escape, which Django's wraps); only the tags
around it are ours."""

from __future__ import annotations

from datetime import datetime
from html import escape

from django import template
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from rehabdesk.access.lockbox import Opening
from rehabdesk.care.models import VisitNote
from rehabdesk.care.reading import Entry, NoteRead
from rehabdesk.core.clock import date_and_clock

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
        (_section(title, entries, read.struck) for title, entries in read.sections),
    )


def _section(title: str, entries: list[Entry], struck: bool) -> tuple[SafeString, SafeString]:
    heading, fields = _text(title, struck), _fields(title, entries, struck)
    return SafeString(heading), SafeString(fields)  # nosec B703 # both escape what they show


def _fields(title: str, entries: list[Entry], struck: bool) -> str:
    if len(entries) == 1 and entries[0].label == title:
        return f'<p class="note-text">{_text(entries[0].text, struck)}</p>'
    rows = "".join(
        f"<dt>{escape(label)}</dt><dd>{_text(text, struck)}</dd>" for label, text in entries
    )
    return f'<dl class="note-fields">{rows}</dl>'


@register.simple_tag
def note_read(read: NoteRead) -> SafeString:
    """One signed note read-only (web/care/_note.html): a replaced one says so and is
    struck through, then its sections, then its signature block."""
    replaced = (
        '<p class="muted replaced">Replaced by the amendment below; kept as it was signed.</p>'
        if read.struck
        else ""
    )
    body = note_sections(read) if read.sections else '<p class="muted">Nothing written.</p>'
    return SafeString(  # nosec B703 # constants and the escaped parts above
        f'<div class="note-read{" struck" if read.struck else ""}">'
        f"{replaced}{body}{signature(read.note)}</div>"
    )


@register.simple_tag
def signature(note: VisitNote) -> SafeString:
    """A signed note's signature block as signed — name, designation, registration
    number, when — and, for a late entry, when it was written ("" for a draft)."""
    if not note.signed or note.signed_at is None:
        return SafeString("")
    who = escape(note.signed_as)
    if note.signer_registration:
        who += f", registration no. {escape(note.signer_registration)}"
    html = f'<p class="signature">Signed by {who}, on {_when(note.signed_at)}.</p>'
    if note.late_entry:
        html += (
            '<p class="late-entry"><span class="tag">Late entry</span> — written '
            f"{_when(note.created_at)}</p>"
        )
    return SafeString(html)  # nosec B703 # the name and number escaped, the times formatted


def _when(moment: datetime) -> str:
    """As `|when:"M j, Y"` writes it: "Mar 2, 2026, 10:00 AM"."""
    return escape(date_and_clock(timezone.localtime(moment), "M j, Y"))


@register.filter
def opening_ends(opening: Opening) -> str:
    """When an opening of the record ends, in its zone (the viewer's home location's),
    named: "Sun, Dec 6, 4:30 PM EST"."""
    ends = opening.ends
    return f"{date_and_clock(ends, 'D, M j')} {ends.tzname()}"
