"""Pictures patients see: the clinic's logo and practitioners' photos.

They are kept in the database, so serving them needs no file storage or web server
set-up: web/public/pictures_views.py serves each at an address made of its SHA-256,
which never changes meaning, so browsers may keep it for good.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact, GreaterThan, LessThanOrEqual
from django.urls import reverse

from rehabdesk.clinic.choices import PictureType

PICTURE_MAX_BYTES = 1024 * 1024


class Picture(models.Model):
    """An image a manager uploaded, named by the SHA-256 of its bytes: the same image
    uploaded twice is one row. Its type was read from the bytes themselves (PNG, JPEG
    or WebP), never taken from the file's name or the browser's word. A picture nobody
    uses any more is deleted (services.picture_set)."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    content_type = models.CharField(max_length=20, choices=PictureType.choices)
    data = models.BinaryField(max_length=PICTURE_MAX_BYTES)
    uploaded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(content_type__in=PictureType.values),
                name="picture_type_known",
            ),
            models.CheckConstraint(
                condition=Exact(Length("sha256"), 64), name="picture_named_by_sha256"
            ),
            models.CheckConstraint(
                condition=GreaterThan(Length("data"), 0), name="picture_not_empty"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("data"), PICTURE_MAX_BYTES),
                name="picture_at_most_1_mb",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_content_type_display()} picture {self.sha256[:12]}"


def picture_url(sha256: str | None) -> str:
    """Where the picture is served (web/public/pictures_views.py), or "" for none."""
    return reverse("picture", kwargs={"sha256": sha256}) if sha256 else ""
