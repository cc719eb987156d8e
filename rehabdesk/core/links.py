"""Links that leave the site, in e-mails: absolute, on the address patients use."""

from __future__ import annotations

from django.conf import settings


def site_link(path: str) -> str:
    """`path` (from `reverse`) on SITE_URL, e.g. https://clinic.example/manage/…/."""
    return f"{settings.SITE_URL}{path}"
