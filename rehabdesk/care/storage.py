"""Patients' documents on disk: what a file is, told from its bytes, and where it is kept.

A document lives at DOCUMENTS_DIR/<first two hex digits>/<its SHA-256>, outside the web
root: no URL reaches it except the download page, which asks the access policy first.
An upload is written to a temporary file in DOCUMENTS_DIR (readable by the server's
user only, 0600), flushed to disk, then renamed into place in one step (os.replace),
so a reader never sees half a file and a crash leaves at most a stray temporary file.
The same bytes uploaded twice share one file; a file is never changed or deleted here.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
# What each accepted type is called on screen, and the name endings that may carry it.
TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    PDF: ("a PDF", ("pdf",)),
    PNG: ("a PNG image", ("png",)),
    JPEG: ("a JPEG image", ("jpg", "jpeg")),
    WEBP: ("a WebP image", ("webp",)),
}

_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"  # the signature, then the header chunk
_JPEG = b"\xff\xd8\xff"
# A PDF ends with %%EOF; readers look for it this far from the end.
_TAIL = 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")


def content_type_of(head: bytes, tail: bytes) -> str | None:
    """The type of a file from its first bytes and its last kilobyte (a PDF must end
    with its end-of-file marker), or None when it is none of the accepted types."""
    if _PDF_HEADER.match(head):
        return PDF if b"%%EOF" in tail else None
    if head.startswith(_PNG):
        return PNG
    if head.startswith(_JPEG):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP" and head[12:15] == b"VP8":
        return WEBP
    return None


def documents_dir() -> Path:
    return Path(settings.DOCUMENTS_DIR)


def document_path(sha256: str) -> Path:
    """Where the document with this SHA-256 is kept."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError("not a SHA-256 in hexadecimal")
    return documents_dir() / sha256[:2] / sha256


def document_open(sha256: str) -> BinaryIO:
    """The stored file, open for reading (the caller closes it)."""
    return document_path(sha256).open("rb")


@dataclass(frozen=True)
class Received:
    """An upload written to a temporary file, not yet kept."""

    path: Path
    sha256: str
    size: int
    head: bytes
    tail: bytes
    too_large: bool


def receive(chunks: Iterable[bytes], *, max_bytes: int) -> Received:
    """Write an upload to a temporary file (0600) while hashing it, keeping its first
    bytes and its last kilobyte for content_type_of. Writing stops past `max_bytes`
    (`too_large`), so an oversized upload never fills the disk."""
    folder = documents_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    digest = hashlib.sha256()
    head = b""
    tail = b""
    size = 0
    too_large = False
    handle, name = tempfile.mkstemp(dir=folder, prefix=".incoming-")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    too_large = True
                    break
                digest.update(chunk)
                out.write(chunk)
                if len(head) < 32:
                    head = (head + chunk)[:32]
                tail = (tail + chunk)[-_TAIL:]
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Received(
        path=Path(name),
        sha256=digest.hexdigest(),
        size=size,
        head=head,
        tail=tail,
        too_large=too_large,
    )


def keep(received: Received) -> Path:
    """Move a received upload into its place, in one step; returns where it is."""
    target = document_path(received.sha256)
    target.parent.mkdir(mode=0o700, exist_ok=True)
    os.replace(received.path, target)
    # The rename itself must survive a power cut before the row points at the file.
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return target


def discard(received: Received) -> None:
    """Remove a refused upload's temporary file."""
    received.path.unlink(missing_ok=True)
