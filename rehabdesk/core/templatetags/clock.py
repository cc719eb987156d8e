"""`|when`: a date in the format asked, then the time of day in the project's one format.

A builtin (settings.TEMPLATES), so every template, e-mails included, has it without
`{% load %}`. `{{ start|when:"l, F j" }}` → "Wednesday, March 10, 9:00 AM". A time alone
is `{{ start|time }}`.
"""

from datetime import datetime

from django import template

from rehabdesk.core.clock import date_and_clock

register = template.Library()


@register.filter(expects_localtime=True)
def when(value: datetime | None, date_format: str = "l, F j, Y") -> str:
    if value in (None, ""):
        return ""
    return date_and_clock(value, date_format)
