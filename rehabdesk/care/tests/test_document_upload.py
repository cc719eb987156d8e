"""Filing a document on a patient's record: a real PDF or image is kept, byte for byte,
outside the web root under its SHA-256, readable by the server alone; anything that is
not what its name says, empty or too large is refused with nothing saved."""

from __future__ import annotations

import stat
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings

from rehabdesk.audit.models import AuditEvent
from rehabdesk.care import storage
from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import Document
from rehabdesk.care.services import document_upload
from rehabdesk.care.testing import pdf_bytes, uploaded
from rehabdesk.clinic.testing import png_bytes

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=ZoneInfo("UTC"))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 24


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path) -> Path:
    settings.DOCUMENTS_DIR = tmp_path / "documents"
    return settings.DOCUMENTS_DIR


def upload(personas, name, data, **details):
    return document_upload(
        actor=personas.physio.user,
        patient=personas.patient_a,
        kind=details.get("kind", "referral"),
        title=details.get("title", "Referral from Dr. Singh"),
        received_on=details.get("received_on", date(2026, 3, 9)),
        file=uploaded(name, data),
        now=NOW,
    )


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def refused(personas, name, data, **details) -> CareError:
    with pytest.raises(CareError) as caught:
        upload(personas, name, data, **details)
    return caught.value


# --- Accepted ---------------------------------------------------------------------------


def test_it_keeps_a_real_pdf_byte_for_byte_under_its_sha256(personas, documents_dir):
    data = pdf_bytes()
    document = upload(personas, "referral.pdf", data)
    document.refresh_from_db()
    path = storage.document_path(document.sha256)
    assert path.parent.parent == documents_dir
    assert path.read_bytes() == data
    assert (document.content_type, document.size, document.file_name) == (
        "application/pdf",
        len(data),
        "referral.pdf",
    )
    assert (document.kind, document.title, document.received_on) == (
        "referral",
        "Referral from Dr. Singh",
        date(2026, 3, 9),
    )
    assert (document.uploaded_by, document.uploaded_at) == (personas.physio.user, NOW)


def test_it_keeps_a_real_png_and_jpeg_and_webp_image(personas):
    for name, data, content_type in [
        ("scan.png", png_bytes(4, 4), "image/png"),
        ("photo.JPG", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG + b"\x01", "image/jpeg"),
        ("photo.webp", WEBP, "image/webp"),
    ]:
        document = upload(personas, name, data)
        assert document.content_type == content_type
        assert storage.document_path(document.sha256).read_bytes() == data


def test_it_writes_the_file_for_the_server_alone(personas):
    document = upload(personas, "referral.pdf", pdf_bytes())
    path = storage.document_path(document.sha256)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0


def test_it_leaves_no_temporary_file_behind(personas, documents_dir):
    document = upload(personas, "referral.pdf", pdf_bytes())
    assert files_in(documents_dir) == [storage.document_path(document.sha256)]


def test_it_keeps_the_same_bytes_once_for_two_documents(personas, documents_dir):
    first = upload(personas, "referral.pdf", pdf_bytes())
    second = upload(personas, "copy.pdf", pdf_bytes(), title="The same referral again")
    assert first.pk != second.pk
    assert first.sha256 == second.sha256
    assert len(files_in(documents_dir)) == 1


def test_it_puts_the_upload_on_the_audit_trail_without_its_title(personas):
    document = upload(personas, "referral.pdf", pdf_bytes())
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.object_type, event.object_id) == (
        "create",
        "care.document",
        str(document.pk),
    )
    assert event.actor == personas.physio.user
    assert "Singh" not in event.summary
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]


def test_it_keeps_only_the_name_of_a_path_and_shortens_a_long_one(personas):
    document = upload(personas, "C:\\scans\\..\\referral\x00.pdf", pdf_bytes())
    assert document.file_name == "referral.pdf"
    long = upload(personas, "r" * 300 + ".pdf", pdf_bytes())
    assert len(long.file_name) == 120
    assert long.file_name.endswith(".pdf")


# --- Refused, nothing saved -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "none of those"),
        ("report.pdf", b"%PDF-1.7\n<html><script>alert(1)</script>", "none of those"),
        ("report.pdf", png_bytes(), "is a PNG image, but its name ends in “.pdf”"),
        ("scan.png", pdf_bytes(), "is a PDF, but its name ends in “.png”"),
        ("report", pdf_bytes(), "has no extension"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "none of those"),
        ("empty.pdf", b"", "The file is empty."),
    ],
)
def test_it_refuses_a_file_that_is_not_what_its_name_says(
    personas, documents_dir, name, data, words
):
    error = refused(personas, name, data)
    assert (error.code, error.field) == (CareErrorCode.FILE_TYPE, "file")
    assert words in error.message
    assert not Document.objects.exists()
    assert files_in(documents_dir) == []


def test_it_refuses_a_file_over_the_size_limit(personas, documents_dir, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    error = refused(personas, "big.pdf", pdf_bytes("x" * 2000))
    assert (error.code, error.field) == (CareErrorCode.FILE_TOO_LARGE, "file")
    assert "at most 1.0\xa0KB is accepted" in error.message
    assert not Document.objects.exists()
    assert files_in(documents_dir) == []


def test_it_stops_writing_a_file_larger_than_it_claimed(personas, documents_dir, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    file = uploaded("big.pdf", pdf_bytes("x" * 2000))
    file.size = 10  # what a lying client could say
    with pytest.raises(CareError) as caught:
        document_upload(
            actor=personas.physio.user,
            patient=personas.patient_a,
            kind="referral",
            title="Referral",
            received_on=date(2026, 3, 9),
            file=file,
            now=NOW,
        )
    assert caught.value.code == CareErrorCode.FILE_TOO_LARGE
    assert files_in(documents_dir) == []


def test_the_limit_is_ten_mebibytes_unless_set():
    from rehabdesk import settings as defaults

    assert defaults.DOCUMENT_MAX_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("details", "field", "code"),
    [
        ({"kind": "x-ray"}, "kind", CareErrorCode.INVALID),
        ({"title": "   "}, "title", CareErrorCode.INVALID),
        ({"title": "t" * 121}, "title", CareErrorCode.TOO_LONG),
        ({"received_on": date(2026, 3, 11)}, "received_on", CareErrorCode.INVALID),
    ],
)
def test_it_refuses_missing_or_wrong_details(personas, documents_dir, details, field, code):
    error = refused(personas, "referral.pdf", pdf_bytes(), **details)
    assert (error.code, error.field) == (code, field)
    assert not Document.objects.exists()
    assert files_in(documents_dir) == []


# --- Where it is kept -------------------------------------------------------------------


def test_the_stored_file_is_under_no_static_or_media_root(personas):
    document = upload(personas, "referral.pdf", pdf_bytes())
    path = storage.document_path(document.sha256).resolve()
    from django.contrib.staticfiles.finders import get_finders

    served = [django_settings.STATIC_ROOT, django_settings.MEDIA_ROOT]
    served += [location for finder in get_finders() for location in _locations(finder)]
    for root in filter(None, served):
        assert not path.is_relative_to(Path(root).resolve()), root


def test_the_default_documents_folder_is_apart_from_the_collected_static_files():
    from rehabdesk import settings as defaults

    documents = Path(defaults.DOCUMENTS_DIR).resolve()
    static = Path(defaults.STATIC_ROOT).resolve()
    assert not documents.is_relative_to(static)
    assert not static.is_relative_to(documents)
    assert not documents.is_relative_to(Path(defaults.BASE_DIR, "rehabdesk").resolve())


def _locations(finder) -> list[str]:
    if hasattr(finder, "storages"):  # the app directories' static folders
        return [storage.location for storage in finder.storages.values()]
    return [location for _, location in getattr(finder, "locations", [])]
