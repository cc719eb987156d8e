"""The clinic's logo and practitioners' photos: what an upload may be, and setting one.

An upload's type is read from its first bytes (its "magic number"), never from its name
or what the browser says it is: PNG, JPEG and WebP only, at most 1 MB. SVG is refused
because it can carry a script. Nothing is decoded or resized here; browsers scale the
picture to its slot.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db import transaction

from rehabdesk.clinic.choices import PictureType
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import PICTURE_MAX_BYTES, Clinic, Picture, Practitioner

_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"


def picture_type(data: bytes) -> PictureType:
    """The type of an uploaded image, read from its bytes; ClinicError when it is empty,
    over 1 MB, or not a PNG, JPEG or WebP image."""
    if not data:
        raise ClinicError(ClinicErrorCode.PICTURE_REFUSED, "The file is empty.")
    if len(data) > PICTURE_MAX_BYTES:
        raise ClinicError(
            ClinicErrorCode.PICTURE_TOO_LARGE,
            f"The picture is {len(data) / 1024 / 1024:.1f} MB; at most 1 MB is accepted. "
            "Save it smaller (a logo or a photo shows well at 600 pixels across).",
        )
    if data.startswith(_PNG):
        return PictureType.PNG
    if data.startswith(_JPEG):
        return PictureType.JPEG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return PictureType.WEBP
    raise ClinicError(
        ClinicErrorCode.PICTURE_REFUSED,
        "Upload a PNG, JPEG or WebP image. Other files, SVG drawings among them, are refused.",
    )


def picture_set(*, owner: Clinic | Practitioner, data: bytes | None, now: datetime) -> str:
    """Give the clinic its logo, or a practitioner their photo (`data` None removes it).

    The picture is stored once per content (named by its SHA-256); one nobody uses any
    more is deleted. Returns the picture's SHA-256, or "" when removed. ClinicError
    (nothing saved) when the upload is refused (see picture_type).
    """
    field = "logo" if isinstance(owner, Clinic) else "photo"
    with transaction.atomic():
        before: str | None = getattr(owner, f"{field}_id")
        after = ""
        if data is not None:
            content_type = picture_type(data)
            after = hashlib.sha256(data).hexdigest()
            Picture.objects.get_or_create(
                sha256=after,
                defaults={"content_type": content_type, "data": data, "uploaded_at": now},
            )
        setattr(owner, f"{field}_id", after or None)
        owner.save(update_fields=[field, "updated_at"])
        if before and before != after:
            _delete_if_unused(before)
    return after


def _delete_if_unused(sha256: str) -> None:
    if Clinic.objects.filter(logo_id=sha256).exists():
        return
    if Practitioner.objects.filter(photo_id=sha256).exists():
        return
    Picture.objects.filter(sha256=sha256).delete()
