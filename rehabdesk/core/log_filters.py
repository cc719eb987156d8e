"""Keeping secrets that travel in a URL's path out of the logs.

A calendar feed's address is its credential (/feeds/<secret>.ics: calendar programs
cannot sign in). Django logs the path of every answer of 400 and above ("Not Found:
/feeds/…") on `django.request`, and the development server every request line on
`django.server`; both would write a working address into the log. This filter, on
those loggers (settings.LOGGING), rewrites the record before any handler sees it.

Pure Python, no Django: settings import it before the apps load.
"""

from __future__ import annotations

import logging
import re

# A feed's secret, not the public closures feed (/feeds/closures/<location>.ics).
SECRET_PATHS = re.compile(r"/feeds/(?!closures/)[^/\s?#\"]+?\.ics")
REDACTED = "/feeds/[redacted].ics"


def redact(text: str) -> str:
    return SECRET_PATHS.sub(REDACTED, text)


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
