"""Test support for the clinical record: the guards lifted for the suite's table flush
only (never in production); real small files to upload as documents."""

from __future__ import annotations

from contextlib import AbstractContextManager

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.backends.base.base import BaseDatabaseWrapper

from rehabdesk.care import guards
from rehabdesk.core import database


def guards_lifted(connection: BaseDatabaseWrapper) -> AbstractContextManager[None]:
    """Drop the clinical record's guards, run the block, put them back
    (`core.database.guards_lifted`: one transaction, the guards back before it ends)."""
    return database.guards_lifted(connection, guards.GUARDS)


def pdf_bytes(text: str = "Referral for physiotherapy") -> bytes:
    """A real one-page PDF showing `text` (ASCII), cross-reference table and all, made
    by hand: a referral or a report for tests."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def uploaded(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    """An uploaded file as a page would receive it."""
    return SimpleUploadedFile(name, data, content_type=content_type)
