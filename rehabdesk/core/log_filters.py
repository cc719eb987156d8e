"""Keeping secrets that travel in a URL's path out of the logs.

Some addresses are their own credential: a calendar feed (/feeds/<secret>.ics:
calendar programs cannot sign in), the e-mailed links to manage a booking
(/manage/<token>/…), to answer a questionnaire (/measure/<token>/), to set a
password (/my/password/<uid>/<token>/), to download a record (…/download/<token>/),
and an online booking's hold (/book/hold/<token>/…). Django logs the path of every
answer of 400 and above ("Not Found: /manage/…") on `django.request`, and the
development server every request line on `django.server`; both would write a working
address into the log. This filter, on those loggers (settings.LOGGING), rewrites the
record before any handler sees it.

Pure Python, no Django: settings import it before the apps load.
"""

from __future__ import annotations

import logging
import re

_SEGMENT = r"[^/\s?#\"]+"
# Each secret-bearing path, and what it becomes. A feed's secret, not the public
# closures feed (/feeds/closures/<location>.ics).
SECRET_PATHS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"/feeds/(?!closures/){_SEGMENT}?\.ics"), "/feeds/[redacted].ics"),
    (re.compile(rf"/(manage|measure|book/hold)/{_SEGMENT}"), r"/\1/[redacted]"),
    (re.compile(rf"/my/password/{_SEGMENT}/{_SEGMENT}"), "/my/password/[redacted]/[redacted]"),
    (re.compile(rf"/download/{_SEGMENT}"), "/download/[redacted]"),
)
REDACTED = "/feeds/[redacted].ics"


def redact(text: str) -> str:
    for pattern, replacement in SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretPaths(logging.Filter):
    """Replaces each feed secret in a record's message and arguments; keeps the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True
