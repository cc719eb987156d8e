"""Reads of the pictures patients see: the clinic's logo and practitioners' photos."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from rehabdesk.clinic.models import Clinic, Picture, Practitioner


def picture_shown(*, sha256: str) -> Picture | None:
    """The picture named by this SHA-256 if it is the clinic's logo or an active
    practitioner's photo (what the public site shows); None otherwise."""
    logo = Clinic.objects.filter(logo_id=OuterRef("pk"))
    photo = Practitioner.objects.filter(photo_id=OuterRef("pk"), active=True)
    return Picture.objects.filter(Exists(logo) | Exists(photo), sha256=sha256).first()
