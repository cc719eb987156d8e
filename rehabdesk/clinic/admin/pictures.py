"""Uploading the clinic's logo and practitioners' photos on their screens: a file field
and a "remove" box, checked by clinic.services.picture_type before anything is saved."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.html import format_html

from rehabdesk.clinic import services
from rehabdesk.clinic.errors import ClinicError
from rehabdesk.clinic.models import PICTURE_MAX_BYTES, Clinic, Practitioner

ACCEPT = "image/png,image/jpeg,image/webp"
HELP = "PNG, JPEG or WebP, at most 1 MB. Leave empty to keep the one shown."


def upload_field(label: str) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        help_text=HELP,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )


def remove_field(label: str) -> forms.BooleanField:
    return forms.BooleanField(label=label, required=False)


def picture_bytes(upload: UploadedFile | None) -> bytes | None:
    """The uploaded file's bytes once the services accept them; ValidationError (shown
    under the field) when they do not."""
    if not upload:
        return None
    if upload.size is not None and upload.size > PICTURE_MAX_BYTES:
        # Refused before reading it; the service says the same of the bytes.
        data = b"\0" * (PICTURE_MAX_BYTES + 1)
    else:
        data = upload.read()
    try:
        services.picture_type(data)
    except ClinicError as error:
        raise ValidationError(error.message, code=str(error.code)) from None
    return data


def picture_save(owner: Clinic | Practitioner, form: forms.ModelForm, prefix: str) -> None:
    """After the owner is saved: the new picture, or none when "remove" is ticked."""
    data = form.cleaned_data.get(f"{prefix}_upload")
    if data is not None:
        services.picture_set(owner=owner, data=data, now=timezone.now())
    elif form.cleaned_data.get(f"{prefix}_remove"):
        services.picture_set(owner=owner, data=None, now=timezone.now())


def picture_preview(url: str, label: str) -> Any:
    if not url:
        return "None yet."
    return format_html('<img src="{}" alt="{}" style="max-height:6rem">', url, label)


class ClinicForm(forms.ModelForm):
    """The clinic's screen, with its logo (the admin makes the model form from it)."""

    logo_upload = upload_field("New logo")
    logo_remove = remove_field("Remove the logo")

    def clean_logo_upload(self) -> bytes | None:
        return picture_bytes(self.cleaned_data.get("logo_upload"))


class PractitionerForm(forms.ModelForm):
    """A practitioner's screen, with their photo (the admin makes the model form)."""

    photo_upload = upload_field("New photo")
    photo_remove = remove_field("Remove the photo")

    def clean_photo_upload(self) -> bytes | None:
        return picture_bytes(self.cleaned_data.get("photo_upload"))
