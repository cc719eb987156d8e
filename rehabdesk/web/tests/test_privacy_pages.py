"""The privacy pages as their people use them: the privacy officer reviews and releases
a record request, the patient downloads it once (a second try gets a clear page), the
note's author accepts a correction with an amendment, the officer records a breach,
tells the patients and reads the year's statistics. Nobody else gets in."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.care.models import NoteTemplate
from rehabdesk.care.testing import GENERAL, note_write, template_create
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.privacy.choices import RequestStatus
from rehabdesk.privacy.models import AccessRequest, Breach, CorrectionRequest
from rehabdesk.privacy.testing import privacy_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(personas):
    return privacy_officer()


def test_only_the_privacy_officer_opens_the_privacy_pages(client, personas, officer):
    for user in (personas.manager, personas.front_desk, personas.patient_a.user):
        client.force_login(user)
        assert client.get(reverse("staff-privacy")).status_code == 404
    client.force_login(officer)
    page = client.get(reverse("staff-privacy"))
    assert page.status_code == 200
    assert 'href="/staff/privacy/"' in page.text  # the staff menu's link


def test_each_index_leads_to_every_privacy_page_of_its_people(client, personas, officer):
    client.force_login(officer)
    staff = client.get(reverse("staff-privacy")).text
    for name in (
        "staff-privacy-requests",
        "staff-privacy-corrections",
        "privacy-emergency",
        "privacy-access-report",
        "staff-privacy-breaches",
    ):
        assert f'href="{reverse(name)}"' in staff, name
    client.force_login(personas.patient_a.user)
    portal = client.get(reverse("my-privacy")).text
    for name in (
        "my-privacy-requests",
        "my-privacy-corrections",
        "my-privacy-access-log",
        "my-lockbox",
    ):
        assert f'href="{reverse(name)}"' in portal, name


def test_request_release_and_one_download(client, personas, officer):
    client.force_login(personas.guardian.user)
    asked = client.post(reverse("my-privacy-requests"), {"patient": personas.child.pk})
    assert asked.status_code == 302
    request = AccessRequest.objects.get()
    assert request.patient_id == personas.child.pk

    client.force_login(officer)
    listed = client.get(reverse("staff-privacy-requests"))
    assert personas.child.full_name in listed.text
    review = reverse("staff-privacy-request", args=[request.pk])
    assert client.post(review, {"action": "release"}).status_code == 302
    assert OutboxMessage.objects.filter(kind="privacy_export_ready").count() == 1

    client.force_login(personas.guardian.user)
    mine = client.get(reverse("my-privacy-requests"))
    link = mine.text.split('href="/my/privacy/requests/download/')[1].split('"')[0]
    url = f"/my/privacy/requests/download/{link}"
    # Someone else's family, signed in, with the link: refused like a missing record.
    client.force_login(personas.patient_a.user)
    assert client.get(url).status_code == 404
    client.force_login(personas.guardian.user)
    first = client.get(url)
    assert (first.status_code, first["Content-Type"]) == (200, "application/zip")
    with zipfile.ZipFile(io.BytesIO(first.content)) as archive:
        assert archive.read("record.pdf").startswith(b"%PDF")
    again = client.get(url)
    assert again.status_code == 410
    assert "downloaded already" in again.text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_a_refusal_needs_its_reason(client, personas, officer):
    client.force_login(personas.patient_a.user)
    client.post(reverse("my-privacy-requests"), {"patient": personas.patient_a.pk})
    request = AccessRequest.objects.get()
    client.force_login(officer)
    page = client.post(
        reverse("staff-privacy-request", args=[request.pk]),
        {"action": "refuse", "refusal_reason": ""},
    )
    assert page.status_code == 200
    assert "This field is required" in page.text
    assert AccessRequest.objects.get().status == RequestStatus.RECEIVED


def test_a_patient_files_for_their_family_only(client, personas):
    client.force_login(personas.patient_a.user)
    page = client.post(
        reverse("my-privacy-corrections"),
        {"patient": personas.child.pk, "wrong": "x", "should_say": "y"},
    )
    assert page.status_code == 200  # not one of the choices: a form error
    assert not CorrectionRequest.objects.exists()


def test_the_author_accepts_a_correction_with_an_amendment(client, personas, officer):
    template = template_create(
        code="general-entry", definition=GENERAL, now=timezone.now() - timedelta(days=1)
    )
    assert NoteTemplate.objects.filter(pk=template.pk).exists()
    note = note_write(
        actor=personas.physio.user,
        template=template,
        patient=personas.patient_a,
        kind="phone",
        encounter_at=timezone.now() - timedelta(hours=2),
        content={"entry": "Called about the left knee"},
        now=timezone.now() - timedelta(hours=1),
    )
    client.force_login(personas.patient_a.user)
    client.post(
        reverse("my-privacy-corrections"),
        {
            "patient": personas.patient_a.pk,
            "wrong": "It says left knee",
            "should_say": "Right knee",
            "note": note.pk,
        },
    )
    correction = CorrectionRequest.objects.get()
    # The chart shows it to the practitioners in care, with the author's way to decide.
    client.force_login(personas.physio.user)
    chart = client.get(reverse("patient-chart", args=[personas.patient_a.pk]))
    assert "Right knee" in chart.text
    url = reverse("staff-privacy-correction", args=[correction.pk])
    client.force_login(personas.massage_therapist.user)
    assert client.get(url).status_code == 404
    client.force_login(personas.physio.user)
    done = client.post(url, {"action": "accept", "decision_reason": "Side corrected"})
    correction.refresh_from_db()
    assert done["Location"] == reverse("note-edit", args=[correction.amendment_id])


def test_a_breach_recorded_told_and_counted(client, personas, officer):
    client.force_login(officer)
    today = timezone.localdate()
    page = client.post(
        reverse("staff-privacy-breaches"),
        {
            "what": "A day sheet left on the counter",
            "cause": "lost",
            "occurred_on": today.isoformat(),
            "found_on": today.isoformat(),
            "contained": "Found and shredded",
            "patients": f"{personas.patient_a.pk}, {personas.patient_b.pk}",
        },
    )
    breach = Breach.objects.get()
    assert page["Location"] == reverse("staff-privacy-breach", args=[breach.pk])
    client.post(page["Location"])
    assert OutboxMessage.objects.filter(kind="privacy_breach_notice").count() == 2
    stats = client.get(reverse("staff-privacy-breach-statistics"), {"year": today.year})
    assert stats.status_code == 200
    assert '<th scope="row">Lost</th><td>1</td>' in stats.text
    bad = client.get(reverse("staff-privacy-breach-statistics"), {"year": "1999"})
    assert bad.status_code == 400


def test_an_unknown_chart_number_is_a_form_error(client, personas, officer):
    client.force_login(officer)
    page = client.post(
        reverse("staff-privacy-breaches"),
        {
            "what": "x",
            "cause": "lost",
            "occurred_on": "2026-01-01",
            "found_on": "2026-01-02",
            "contained": "y",
            "patients": "999999, abc",
        },
    )
    assert page.status_code == 200
    assert "No patient with chart number 999999" in page.text
    assert not Breach.objects.exists()
