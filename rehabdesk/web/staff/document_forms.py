"""The form that files a document on a patient's record. It checks the input's shape
(a file is there, not empty, not over the size limit, a title, a date); what the file
is, told from its bytes, is the service's to decide (care.services.documents)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from rehabdesk.care.choices import DocumentKind
from rehabdesk.care.services.documents import TITLE_MAX
from rehabdesk.web.forms import DateInput, in_calendar_range

# What the browser's file picker offers first; the service checks the bytes anyway.
ACCEPT = ".pdf,.png,.jpg,.jpeg,.webp,application/pdf,image/png,image/jpeg,image/webp"


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="A PDF, or a PNG, JPEG or WebP image (a photo of a paper referral).",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    kind = forms.ChoiceField(choices=DocumentKind.choices, label="What it is")
    title = forms.CharField(
        max_length=TITLE_MAX,
        label="Title",
        help_text="As the chart should list it, e.g. “Referral from Dr. Singh” or “MRI report”.",
    )
    received_on = forms.DateField(
        label="Date",
        help_text="The document's own date, or the day it came in.",
        widget=DateInput,
        validators=[in_calendar_range],
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit: int = settings.DOCUMENT_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; at most "
                f"{filesizeformat(limit)} is accepted. Scan it at a lower resolution, "
                "or in black and white."
            )
        return upload
