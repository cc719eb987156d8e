"""The staff pages for sign-ins: a patient's (reset link, sign-in e-mail) for the desk
and the manager, and one's own password for staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, personas):
    client.force_login(personas.front_desk)
    return client


def test_the_patient_page_links_to_their_sign_in_and_the_page_is_audited(desk, personas):
    alice = personas.patient_a
    detail = desk.get(reverse("patient-detail", args=[alice.pk])).content.decode()
    assert reverse("patient-sign-in", args=[alice.pk]) in detail
    page = desk.get(reverse("patient-sign-in", args=[alice.pk]))
    assert page.status_code == 200
    assert "alice@persona.example" in page.content.decode()
    event = AuditEvent.objects.filter(summary="patient sign-in").get()
    assert [link.patient_id for link in event.patient_links.all()] == [alice.pk]


def test_the_desk_sends_a_reset_link(desk, personas):
    alice = personas.patient_a
    response = desk.post(reverse("patient-sign-in-reset", args=[alice.pk]), follow=True)
    assert "A link to choose a new password was e-mailed" in response.content.decode()
    assert OutboxMessage.objects.filter(
        kind="password_reset_by_clinic", recipient="alice@persona.example"
    ).exists()


def test_the_desk_changes_a_sign_in_email_and_a_taken_one_is_shown_on_the_form(desk, personas):
    alice = personas.patient_a
    url = reverse("patient-sign-in-email", args=[alice.pk])
    taken = desk.post(url, {"email": "bob@persona.example"})
    assert taken.status_code == 200
    assert "Another account already signs in with that address." in taken.content.decode()
    done = desk.post(url, {"email": "alice.new@example.com"}, follow=True)
    assert "Both addresses were told" in done.content.decode()
    alice.user.refresh_from_db()
    assert alice.user.email == "alice.new@example.com"


def test_a_patient_without_a_sign_in_is_said_to_have_none(desk, personas):
    child = personas.child
    page = desk.get(reverse("patient-sign-in", args=[child.pk])).content.decode()
    assert "has no sign-in" in page
    desk.post(reverse("patient-sign-in-reset", args=[child.pk]))
    assert not OutboxMessage.objects.exists()


def test_a_practitioner_gets_the_same_404_as_for_a_missing_record(client, personas):
    client.force_login(personas.physio.user)
    alice = personas.patient_a
    assert client.get(reverse("patient-sign-in", args=[alice.pk])).status_code == 404
    response = client.post(
        reverse("patient-sign-in-email", args=[alice.pk]), {"email": "mine@example.com"}
    )
    assert response.status_code == 404
    alice.user.refresh_from_db()
    assert alice.user.email == "alice@persona.example"


def test_staff_change_their_own_password(desk, personas):
    url = reverse("own-password")
    assert desk.get(url).status_code == 200
    new = "napkin orbit kettle 42"
    response = desk.post(
        url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    personas.front_desk.refresh_from_db()
    assert personas.front_desk.check_password(new)
    # Still signed in here, and the change is on file.
    assert desk.get(reverse("own-password-done")).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, summary="own password changed", actor=personas.front_desk
    ).exists()


def test_a_breached_new_password_is_refused_on_the_page(desk, personas):
    response = desk.post(
        reverse("own-password"),
        {
            "old_password": PASSWORD,
            "new_password1": "Unbelievable",
            "new_password2": "Unbelievable",
        },
    )
    assert response.status_code == 200
    assert "seen in data breaches" in response.content.decode()
    personas.front_desk.refresh_from_db()
    assert personas.front_desk.check_password(PASSWORD)


def test_patients_have_no_own_password_page_here(client, personas):
    client.force_login(personas.patient_a.user)
    assert client.get(reverse("own-password")).status_code == 404
