"""Putting a document on a patient's record: a referral, an imaging report, a letter.

What the file is comes from its bytes (care.storage.content_type_of), never from its
name or what the browser claims; the name's extension must agree, so nobody opens an
"x-ray.pdf" that is a web page. The file is written first, outside any transaction,
then the row and its audit event in one: a failure after the write leaves at most a
stored file that no row points at (harmless, and possibly shared with another row, so
it is never deleted). Documents never change and are never deleted (care/guards.py).
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.care import storage
from rehabdesk.care.choices import DocumentKind
from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import Document
from rehabdesk.patients.models import Patient

DOCUMENT = "care.document"
TITLE_MAX = 120  # Document.title
NAME_MAX = 120  # Document.file_name


def document_upload(
    *,
    actor: User,
    patient: Patient,
    kind: str,
    title: str,
    received_on: date,
    file: UploadedFile,
    now: datetime,
) -> Document:
    """File a document on the patient's record, uploaded by `actor` (the access layer
    has checked they may: practitioners in the patient's care).

    CareError, with nothing saved: INVALID or TOO_LONG for the kind, title or date
    (`field` says which); FILE_TOO_LARGE over settings.DOCUMENT_MAX_BYTES; FILE_TYPE for
    an empty file, one that is not a PDF, PNG, JPEG or WebP image, or one whose name's
    extension does not say what it is.
    """
    title = title.strip()
    _check_details(kind=kind, title=title, received_on=received_on, now=now)
    name = _file_name(file.name or "")
    max_bytes: int = settings.DOCUMENT_MAX_BYTES
    if file.size is not None and file.size > max_bytes:
        raise _too_large(file.size, max_bytes)
    received = storage.receive(file.chunks(), max_bytes=max_bytes)
    try:
        content_type = _check_file(received, name=name, max_bytes=max_bytes)
    except CareError:
        storage.discard(received)
        raise
    storage.keep(received)
    with transaction.atomic():
        document = Document.objects.create(
            patient=patient,
            kind=kind,
            title=title,
            file_name=name,
            content_type=content_type,
            size=received.size,
            sha256=received.sha256,
            received_on=received_on,
            uploaded_at=now,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=DOCUMENT,
            object_id=document.pk,
            patient_ids=[patient.pk],
            summary="document uploaded",
            now=now,
        )
    return document


def _check_details(*, kind: str, title: str, received_on: date, now: datetime) -> None:
    if kind not in DocumentKind.values:
        raise CareError(CareErrorCode.INVALID, "Choose what the document is.", field="kind")
    if not title:
        raise CareError(
            CareErrorCode.INVALID, "Give the document a title, e.g. “MRI report”.", field="title"
        )
    if len(title) > TITLE_MAX:
        raise CareError(
            CareErrorCode.TOO_LONG, f"Keep the title to {TITLE_MAX} characters.", field="title"
        )
    if received_on > timezone.localdate(now):
        raise CareError(
            CareErrorCode.INVALID,
            "The document's date cannot be in the future.",
            field="received_on",
        )


def _check_file(received: storage.Received, *, name: str, max_bytes: int) -> str:
    """The received file's content type, or CareError saying what is wrong with it."""
    if received.size == 0:
        raise CareError(CareErrorCode.FILE_TYPE, "The file is empty.", field="file")
    if received.too_large:
        raise _too_large(received.size, max_bytes)
    content_type = storage.content_type_of(received.head, received.tail)
    if content_type is None:
        raise CareError(
            CareErrorCode.FILE_TYPE,
            "Upload a PDF, or a PNG, JPEG or WebP image. This file is none of those "
            "(or a damaged copy of one); other kinds of files are refused.",
            field="file",
        )
    label, extensions = storage.TYPES[content_type]
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in extensions:
        ending = f"ends in “.{extension}”" if extension else "has no extension"
        raise CareError(
            CareErrorCode.FILE_TYPE,
            f"This file is {label}, but its name {ending}. Rename it to end in "
            f"“.{extensions[0]}” if it is what you meant to upload.",
            field="file",
        )
    return content_type


def _too_large(size: int, max_bytes: int) -> CareError:
    return CareError(
        CareErrorCode.FILE_TOO_LARGE,
        f"The file is {filesizeformat(size)}; at most {filesizeformat(max_bytes)} is accepted. "
        "Scan it at a lower resolution, or in black and white.",
        field="file",
    )


def _file_name(name: str) -> str:
    """The name as uploaded, without any folder or control characters, shortened to
    fit (keeping its extension)."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    if len(base) <= NAME_MAX:
        return base
    suffix = PurePath(base).suffix[:10]
    return base[: NAME_MAX - len(suffix)] + suffix
