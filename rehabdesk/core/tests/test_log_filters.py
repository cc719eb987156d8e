"""Addresses that are their own credential never reach a log line whole."""

from __future__ import annotations

import logging

import pytest

from rehabdesk.core.log_filters import RedactSecretPaths, redact


@pytest.mark.parametrize(
    ("path", "kept"),
    [
        ("/feeds/" + "A" * 43 + ".ics", "/feeds/[redacted].ics"),
        ("/manage/Zm9vYmFy.c2VjcmV0/cancel/", "/manage/[redacted]/cancel/"),
        ("/manage/Zm9vYmFy.c2VjcmV0/", "/manage/[redacted]/"),
        ("/measure/abcDEF123_-xyz/", "/measure/[redacted]/"),
        ("/book/hold/tok3n-value/review/", "/book/hold/[redacted]/review/"),
        ("/my/password/MTI/cd1234-abcdef0123/", "/my/password/[redacted]/[redacted]/"),
        ("/my/privacy/requests/download/s3cr3t.sig/", "/my/privacy/requests/download/[redacted]/"),
        # Not secrets: left as they are.
        ("/feeds/closures/pickering.ics", "/feeds/closures/pickering.ics"),
        ("/my/password/sent/", "/my/password/sent/"),
        ("/staff/patients/12/chart/", "/staff/patients/12/chart/"),
    ],
)
def test_each_secret_path_is_redacted_and_nothing_else(path, kept):
    assert redact(f'"GET {path} HTTP/1.1" 404 11') == f'"GET {kept} HTTP/1.1" 404 11'


def test_the_filter_rewrites_a_record_s_message_and_arguments():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/measure/t0ken/",), None
    )
    assert RedactSecretPaths().filter(record)
    assert record.getMessage() == "Not Found: /measure/[redacted]/"
