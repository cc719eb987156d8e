"""The clinic's logo and practitioners' photos: only PNG, JPEG and WebP up to 1 MB, told
apart by their bytes; stored once per content; removed when nobody uses them; uploaded
by a manager on the clinic's and the practitioner's screens."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create
from rehabdesk.clinic import services
from rehabdesk.clinic.choices import PictureType
from rehabdesk.clinic.errors import ClinicError, ClinicErrorCode
from rehabdesk.clinic.models import PICTURE_MAX_BYTES, Clinic, Picture, Practitioner
from rehabdesk.clinic.testing import make_practitioner, png_bytes

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def clinic() -> Clinic:
    made = Clinic(name="Pro Fusion Rehab", slug="pro-fusion")
    services.configuration_save(instance=made)
    return made


@pytest.mark.parametrize(
    ("data", "kind"),
    [(png_bytes(), PictureType.PNG), (JPEG, PictureType.JPEG), (WEBP, PictureType.WEBP)],
)
def test_it_reads_the_type_from_the_bytes(data, kind):
    assert services.picture_type(data) == kind


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (SVG, ClinicErrorCode.PICTURE_REFUSED),
        (b"GIF89a" + b"\x00" * 20, ClinicErrorCode.PICTURE_REFUSED),
        (b"<html><script>alert(1)</script>", ClinicErrorCode.PICTURE_REFUSED),
        (b"", ClinicErrorCode.PICTURE_REFUSED),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * PICTURE_MAX_BYTES, ClinicErrorCode.PICTURE_TOO_LARGE),
    ],
    ids=["svg", "gif", "html", "empty", "over-1-mb"],
)
def test_it_refuses_anything_else_and_saves_nothing(clinic, data, code):
    with pytest.raises(ClinicError) as refused:
        services.picture_set(owner=clinic, data=data, now=timezone.now())
    assert refused.value.code == code
    clinic.refresh_from_db()
    assert clinic.logo_id is None
    assert not Picture.objects.exists()


def test_a_logo_is_stored_under_its_sha256_and_named_by_it(clinic):
    data = png_bytes(4, 2)
    name = services.picture_set(owner=clinic, data=data, now=timezone.now())
    assert name == hashlib.sha256(data).hexdigest()
    stored = Picture.objects.get()
    assert (stored.sha256, stored.content_type, bytes(stored.data)) == (name, "image/png", data)
    clinic.refresh_from_db()
    assert clinic.logo_url == f"/pictures/{name}/"


def test_the_same_image_twice_is_stored_once_and_kept_while_anyone_uses_it(clinic):
    practitioner = make_practitioner("Alice Chen")
    same = png_bytes(3, 3)
    services.picture_set(owner=clinic, data=same, now=timezone.now())
    services.picture_set(owner=practitioner, data=same, now=timezone.now())
    assert Picture.objects.count() == 1
    services.picture_set(owner=clinic, data=png_bytes(5, 5), now=timezone.now())
    assert Picture.objects.count() == 2, "the photo still uses the first image"
    services.picture_set(owner=practitioner, data=None, now=timezone.now())
    assert list(Picture.objects.values_list("sha256", flat=True)) == [clinic.logo_id]
    practitioner.refresh_from_db()
    assert practitioner.photo_url == ""


def test_a_practitioner_without_a_photo_has_initials_instead():
    assert make_practitioner("Alice Chen, PT").initials == "AC"
    assert Practitioner(display_name="Dr. Marc-André Tremblay RMT").initials == "MT"
    assert Practitioner(display_name="Sam").initials == "S"


@pytest.fixture
def manager_client(client):
    manager = user_create(email="morgan@clinic.example", password=None, roles=[Role.MANAGER])
    client.force_login(manager)
    return client


def clinic_form(clinic: Clinic, **extra) -> dict:
    return {
        "name": clinic.name,
        "slug": clinic.slug,
        "phone": "905-555-0100",
        "email": "",
        "website": "",
        "cancellation_notice_hours": 24,
        "late_cancellation_fee_percent": 50,
        "no_show_fee_percent": 100,
        "waitlist_offer_minutes": 120,
        "min_online_notice_minutes": 120,
        "booking_horizon_days": 90,
        "slot_step_minutes": 15,
        "feed_patient_label": "initials",
        "quiet_hours_start": "21:00",
        "quiet_hours_end": "08:00",
        **extra,
    }


def test_a_manager_uploads_the_logo_and_later_removes_it(manager_client, clinic):
    page = reverse("admin:clinic_clinic_change", args=[clinic.pk])
    logo = SimpleUploadedFile("logo.png", png_bytes(8, 4), content_type="image/png")
    response = manager_client.post(page, clinic_form(clinic, logo_upload=logo))
    assert response.status_code == 302, response.content.decode()[:2000]
    clinic.refresh_from_db()
    assert clinic.logo_id == hashlib.sha256(png_bytes(8, 4)).hexdigest()
    assert clinic.phone == "905-555-0100"
    shown = manager_client.get(page).content.decode()
    assert f'src="/pictures/{clinic.logo_id}/"' in shown

    response = manager_client.post(page, clinic_form(clinic, logo_remove="on"))
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.logo_id is None
    assert not Picture.objects.exists()


def test_an_svg_logo_is_refused_on_the_page_under_the_field(manager_client, clinic):
    page = reverse("admin:clinic_clinic_change", args=[clinic.pk])
    # Named and sent as a PNG: the bytes decide.
    disguised = SimpleUploadedFile("logo.png", SVG, content_type="image/png")
    response = manager_client.post(page, clinic_form(clinic, logo_upload=disguised))
    assert response.status_code == 200
    assert "Upload a PNG, JPEG or WebP image" in response.content.decode()
    clinic.refresh_from_db()
    assert clinic.logo_id is None
    assert clinic.phone == "", "nothing is saved when the upload is refused"


def test_a_manager_gives_a_practitioner_a_photo(manager_client):
    practitioner = make_practitioner("Alice Chen")
    page = reverse("admin:clinic_practitioner_change", args=[practitioner.pk])
    shown = manager_client.get(page).context
    form = shown["adminform"].form
    [time_off] = [inline.formset.prefix for inline in shown["inline_admin_formsets"]]
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and name != "disciplines"
    }
    data["disciplines"] = [d.pk for d in practitioner.disciplines.all()]
    data.update(
        {
            "user": practitioner.user_id,
            "photo_upload": SimpleUploadedFile("me.jpg", JPEG, content_type="image/jpeg"),
            f"{time_off}-TOTAL_FORMS": "0",
            f"{time_off}-INITIAL_FORMS": "0",
        }
    )
    response = manager_client.post(page, data)
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert Picture.objects.get(sha256=practitioner.photo_id).content_type == "image/jpeg"
