"""Patients see the clinic, not the software: its name (and logo) in the header, the page
titles and the footer of every page they use; "Rehabdesk" and its version are in the
staff's footer only. Pictures are served from the database, typed by their bytes."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from rehabdesk.clinic import services
from rehabdesk.clinic.models import Clinic, Location
from rehabdesk.clinic.testing import make_service, make_shift, png_bytes
from rehabdesk.web.context import VERSION

pytestmark = pytest.mark.django_db

PATIENT_PAGES = [
    "/",
    "/services/",
    "/team/",
    "/privacy/",
    "/book/",
    "/sign-in/",
    "/my/password/",
    "/my/password/sent/",
]


def header_of(html: str) -> str:
    found = re.search(r"<header.*?</header>", html, re.S)
    assert found, html[:500]
    return found.group(0)


def title_of(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found, html[:500]
    return found.group(1).strip()


@pytest.mark.parametrize("path", PATIENT_PAGES)
def test_a_visitor_sees_the_clinic_s_name_and_never_the_software_s(client, personas, path):
    html = client.get(path, follow=True).content.decode()
    assert "Persona Clinic" in header_of(html)
    assert title_of(html).endswith("Persona Clinic"), title_of(html)
    assert "Rehabdesk" not in html


def test_a_signed_in_patient_sees_the_clinic_too(client, personas):
    client.force_login(personas.user("patient_a"))
    response = client.get("/my/", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert title_of(html).endswith("— Persona Clinic")
    assert "Rehabdesk" not in html


def test_staff_see_the_software_and_its_version_in_the_footer(client, personas):
    client.force_login(personas.user("front_desk"))
    html = client.get("/staff/patients/").content.decode()
    footer = re.search(r"<footer.*?</footer>", html, re.S).group(0)
    assert f"Rehabdesk {VERSION}" in footer
    assert VERSION
    assert "Persona Clinic" in header_of(html)


def test_the_clinic_s_logo_shows_beside_its_name(client, personas):
    clinic = Clinic.objects.get()
    name = services.picture_set(owner=clinic, data=png_bytes(6, 2), now=timezone.now())
    header = header_of(client.get("/").content.decode())
    assert f'<img class="brand-logo" src="/pictures/{name}/" alt="">' in header
    assert "<span>Persona Clinic</span>" in header


def test_the_team_shows_a_photo_or_else_initials(client, personas):
    services.picture_set(owner=personas.physio, data=png_bytes(2, 2), now=timezone.now())
    html = client.get("/team/").content.decode()
    assert f'<img class="photo" src="{personas.physio.photo_url}"' in html
    assert f'<span class="photo" aria-hidden="true">{personas.massage_therapist.initials}' in html


def test_a_picture_is_served_with_its_own_type_and_kept_by_browsers(client, personas):
    data = png_bytes(3, 1)
    name = services.picture_set(owner=Clinic.objects.get(), data=data, now=timezone.now())
    response = client.get(f"/pictures/{name}/")
    assert response.status_code == 200
    assert response.content == data
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"] == f'"{name}"'
    assert "immutable" in response["Cache-Control"]
    again = client.get(f"/pictures/{name}/", HTTP_IF_NONE_MATCH=f'"{name}"')
    assert again.status_code == 304
    assert again.content == b""


def test_only_pictures_in_use_are_served(client, personas):
    physio = personas.physio
    name = services.picture_set(owner=physio, data=png_bytes(4, 4), now=timezone.now())
    assert client.get(f"/pictures/{name}/").status_code == 200
    physio.active = False
    services.practitioner_save(practitioner=physio, disciplines=list(physio.disciplines.all()))
    assert client.get(f"/pictures/{name}/").status_code == 404
    assert client.get(f"/pictures/{'0' * 64}/").status_code == 404
    assert client.get("/pictures/not-a-hash/").status_code == 404


def test_choosing_whom_to_see_online_shows_their_photo_or_initials(client, personas):
    service = make_service("Physiotherapy assessment")
    # Offered online only where they work: a Monday at Pickering.
    make_shift(personas.physio, Location.objects.get(slug="pickering"), 0, "09:00", "17:00")
    services.picture_set(owner=personas.physio, data=png_bytes(5, 5), now=timezone.now())
    html = client.get("/book/practitioner/", {"service": service.pk, "visit": "new"}).content
    page = html.decode()
    assert f'<img class="photo" src="{personas.physio.photo_url}" alt=""' in page
    assert "Rehabdesk" not in page


def test_staff_page_titles_name_the_clinic_and_never_the_patient(client, personas):
    """A title is kept in the browser's history and shown on every tab, on a desk
    computer others use: the page's heading names the patient, its title does not."""
    patient = personas.patient_a
    client.force_login(personas.user("physio"))
    for path in (
        f"/staff/patients/{patient.pk}/",
        f"/staff/patients/{patient.pk}/chart/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        title = title_of(response.content.decode())
        assert title.endswith("— Persona Clinic"), (path, title)
        assert patient.last_name not in title, (path, title)
        assert patient.last_name in response.content.decode()
