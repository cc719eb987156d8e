"""Patients' documents on the staff pages: the documents page (those on file, and the
form that files another) and the download.

HTTP only: rehabdesk.access.documents authorizes (practitioners in the patient's care)
and audits each look, rehabdesk.care.services.documents files and audits the upload.
Everyone else gets the same 404 as for a document that does not exist. The download
is an attachment of its own type with a name made safe, never shown inline, never
sniffed into something else, never cached.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.documents import document_for, documents_for, patient_for_document
from rehabdesk.accounts.models import User
from rehabdesk.care import storage
from rehabdesk.care.errors import CareError
from rehabdesk.care.models import Document
from rehabdesk.care.services.documents import document_upload as upload
from rehabdesk.web.staff.document_forms import DocumentUploadForm

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@require_http_methods(["GET", "POST"])
@login_required
def document_upload(request: HttpRequest, patient_id: int) -> HttpResponse:
    # One event per page shown: the patient's look on GET; on a refused POST, the
    # list shown again (documents_for); a filed upload is audited by the service.
    posted = request.method == "POST"
    patient = patient_for_document(user=request.user, patient_id=patient_id, view=not posted)
    form = (
        DocumentUploadForm(request.POST, request.FILES)
        if posted
        else DocumentUploadForm(initial={"received_on": timezone.localdate()})
    )
    if posted and form.is_valid():
        assert isinstance(request.user, User)  # login_required
        try:
            upload(
                actor=request.user,
                patient=patient,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                received_on=form.cleaned_data["received_on"],
                file=form.cleaned_data["file"],
                now=timezone.now(),
            )
        except CareError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "The document is on the record.")
            return redirect("document-upload", patient_id=patient.pk)
    documents = documents_for(user=request.user, patient_id=patient.pk, on_file=posted)
    return render(
        request,
        "web/care/documents.html",
        {"patient": patient, "form": form, "documents": documents},
    )


@require_GET
@login_required
def document_download(request: HttpRequest, document_id: int) -> HttpResponse | FileResponse:
    document = document_for(user=request.user, document_id=document_id)
    try:
        stored = storage.document_open(document.sha256)
    except FileNotFoundError:
        # Storage lost the file (a restore without the documents folder): an operations
        # fault to fix, said plainly; the log names the document's id, nothing more.
        logger.error("document %s: its stored file is missing", document.pk)
        return render(request, "web/care/document_missing.html", {"document": document}, status=503)
    response = FileResponse(stored, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download_name(document)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def download_name(document: Document) -> str:
    """The uploaded name in plain ASCII letters, digits, dots, dashes and underscores,
    ending in the extension of what the file is: safe in a header and on any disk."""
    _, extensions = storage.TYPES[document.content_type]
    name = PurePath(document.file_name)
    extension = name.suffix.lower().lstrip(".")
    if extension not in extensions:
        extension = extensions[0]
    ascii_stem = unicodedata.normalize("NFKD", name.stem).encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("-", ascii_stem).strip("-.")[:80] or "document"
    return f"{stem}.{extension}"


urlpatterns: list[URLPattern] = [
    path(
        "staff/patients/<int:patient_id>/documents/new/",
        document_upload,
        name="document-upload",
    ),
    path("staff/documents/<int:document_id>/", document_download, name="document-download"),
]
