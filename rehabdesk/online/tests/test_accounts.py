"""Who gets a link to set or reset a password (online/accounts.py): anyone whose sign-in
is active, staff or patient, a patient on file who does not sign in yet (their sign-in
is made); every other address a note that none was sent (the same work); a parent
rather than the children sharing their address; a few links an hour per address and
per connection; the e-mails' promises."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.audit.models import AuditEvent
from rehabdesk.notifications.models import SUBJECT_MAX_LENGTH, OutboxMessage
from rehabdesk.notifications.rendering import render_message
from rehabdesk.online.accounts import (
    PASSWORD_LINKS_PER_EMAIL,
    PASSWORD_LINKS_PER_IP,
    password_link_request,
)
from rehabdesk.online.errors import OnlineError, OnlineErrorCode
from rehabdesk.patients.choices import FamilyRelationship
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import (
    family_link_add,
    family_link_end,
    patient_account_create,
    patient_create,
    patient_deactivate,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 10, 15, 30, tzinfo=ZoneInfo("America/Toronto"))
IP = "203.0.113.7"


def ask(email: str, *, ip: str = IP) -> User | None:
    return password_link_request(email=email, client_ip=ip, now=NOW)


def on_file(first: str, born: date, email: str, *, last: str = "Hill") -> Patient:
    return patient_create(
        actor=None,
        patient=Patient(first_name=first, last_name=last, date_of_birth=born, email=email),
        confirm_not_duplicate=True,
    )


def links() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind="password_link").order_by("pk"))


def test_it_gives_a_patient_on_file_a_sign_in_without_a_password_and_emails_a_link(personas):
    patient = on_file("Hana", date(1990, 2, 3), "hana@example.com")
    user = ask("hana@example.com")
    assert user is not None
    patient.refresh_from_db()
    assert patient.user == user
    assert user.email == "hana@example.com"
    assert roles_of(user.pk) == {Role.PATIENT}
    assert not user.has_usable_password()  # nobody can sign in until they set one
    (message,) = links()
    assert message.recipient == "hana@example.com"
    assert message.subject == "Set your password for Persona Clinic"
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    found = re.search(
        rf"{re.escape(settings.SITE_URL)}/my/password/{uidb64}/(\S+)/", message.body_text
    )
    assert found
    assert default_token_generator.check_token(user, found.group(1))
    assert "set a password" in message.body_text
    assert "works for 24 hours" in message.body_text
    assert found.group(0) in message.body_html
    # Adding the sign-in is on the patient's record, like staff adding one.
    assert AuditEvent.objects.filter(
        summary="patient record (sign-in added)", patient_links__patient_id=patient.pk
    ).exists()


def test_it_emails_a_patient_who_signs_in_a_link_to_reset_their_password(personas):
    user = ask("alice@persona.example")
    assert user == personas.patient_a.user
    (message,) = links()
    assert message.recipient == "alice@persona.example"
    assert message.subject == "Reset your password for Persona Clinic"
    assert "choose a new one" in message.body_text
    assert User.objects.filter(email="alice@persona.example").count() == 1


def test_it_matches_the_address_whatever_its_case(personas):
    on_file("Hana", date(1990, 2, 3), "hana@example.com")
    assert ask("  Hana@Example.COM ") is not None
    assert ask("ALICE@persona.example") == personas.patient_a.user
    assert [m.recipient for m in links()] == ["hana@example.com", "alice@persona.example"]


def test_it_sends_an_address_not_on_file_a_note_and_no_link(personas):
    assert ask("nobody@example.com") is None
    assert links() == []
    assert not User.objects.filter(email="nobody@example.com").exists()
    [note] = OutboxMessage.objects.filter(kind="password_link_none")
    assert note.recipient == "nobody@example.com"
    assert "/my/password/" not in note.body_text


def test_it_emails_staff_a_link_to_reset_their_password(personas):
    staff = (personas.manager, personas.front_desk, personas.physio.user, personas.outsider)
    for user in staff:
        assert ask(user.email) == user
    assert [m.recipient for m in links()] == [user.email for user in staff]
    assert all(m.subject.startswith("Reset your password") for m in links())


def test_a_staff_member_also_on_file_as_a_patient_gets_a_link_to_their_one_sign_in(personas):
    # The desk clerk is also treated here: no second sign-in is made for the record.
    on_file("Sam", date(1992, 8, 8), personas.front_desk.email, last="Desk")
    assert ask(personas.front_desk.email) == personas.front_desk
    assert User.objects.filter(email=personas.front_desk.email).count() == 1
    assert [m.recipient for m in links()] == [personas.front_desk.email]


def test_it_sends_nothing_to_a_sign_in_switched_off_or_a_patient_deactivated(personas):
    user = personas.patient_b.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert ask("bob@persona.example") is None
    gone = on_file("Gus", date(1960, 1, 1), "gus@example.com")
    patient_deactivate(actor=None, patient=gone, reason="moved away", now=NOW)
    assert ask("gus@example.com") is None
    assert links() == []
    assert not User.objects.filter(email="gus@example.com").exists()
    notes = OutboxMessage.objects.filter(kind="password_link_none")
    assert sorted(notes.values_list("recipient", flat=True)) == [
        "bob@persona.example",
        "gus@example.com",
    ]


def test_a_parent_sharing_their_address_with_their_children_gets_the_sign_in(personas):
    # The children were registered first, and one is older than the other.
    first_child = on_file("Ivy", date(2012, 5, 5), "hill.family@example.com")
    second_child = on_file("Jay", date(2015, 6, 6), "hill.family@example.com")
    parent = on_file("Kim", date(1984, 7, 7), "hill.family@example.com")
    for child in (first_child, second_child):
        family_link_add(
            actor=None, guardian=parent, dependent=child, relationship=FamilyRelationship.PARENT
        )
    user = ask("hill.family@example.com")
    parent.refresh_from_db()
    assert user is not None
    assert parent.user == user
    assert not Patient.objects.filter(pk__in=[first_child.pk, second_child.pk], user__isnull=False)


def test_without_family_links_the_oldest_sharing_the_address_gets_it(personas):
    younger = on_file("Lee", date(1995, 1, 1), "shared@example.com")
    older = on_file("Max", date(1970, 1, 1), "shared@example.com")
    user = ask("shared@example.com")
    older.refresh_from_db()
    younger.refresh_from_db()
    assert older.user == user
    assert younger.user is None


def test_a_dependent_whose_link_ended_counts_as_nobodys(personas):
    # A grown-up child whose parent no longer manages them, older than a new sibling
    # who is still a dependent.
    grown = on_file("Nia", date(2000, 1, 1), "hill.family@example.com")
    little = on_file("Oli", date(2020, 1, 1), "hill.family@example.com")
    parent = on_file("Pat", date(1975, 1, 1), "pat@example.com")
    link = family_link_add(
        actor=None, guardian=parent, dependent=grown, relationship=FamilyRelationship.PARENT
    )
    family_link_add(
        actor=None, guardian=parent, dependent=little, relationship=FamilyRelationship.PARENT
    )
    family_link_end(actor=None, link=link, now=NOW)
    user = ask("hill.family@example.com")
    grown.refresh_from_db()
    assert grown.user == user


def test_it_sends_nothing_when_the_one_chosen_signs_in_under_another_address(personas):
    # The parent signs in with their work address; the children's records carry the
    # family's. The link goes only to a sign-in's own address, and no child gets one.
    parent = on_file("Kim", date(1984, 7, 7), "hill.family@example.com")
    patient_account_create(actor=None, patient=parent, password=None)
    parent.user.email = "kim.work@example.com"
    parent.user.save(update_fields=["email"])
    child = on_file("Ivy", date(2012, 5, 5), "hill.family@example.com")
    family_link_add(
        actor=None, guardian=parent, dependent=child, relationship=FamilyRelationship.PARENT
    )
    assert ask("hill.family@example.com") is None
    child.refresh_from_db()
    assert child.user is None
    assert links() == []


def test_asking_twice_makes_one_sign_in_and_the_second_link_still_sets_a_first_password(
    personas,
):
    on_file("Hana", date(1990, 2, 3), "hana@example.com")
    first = ask("hana@example.com")
    second = ask("hana@example.com")
    assert first == second
    assert User.objects.filter(email="hana@example.com").count() == 1
    assert [m.subject for m in links()] == ["Set your password for Persona Clinic"] * 2


def test_it_sends_a_few_links_an_hour_to_one_address(personas):
    for _ in range(PASSWORD_LINKS_PER_EMAIL.times):
        ask("alice@persona.example", ip="203.0.113.1")
    with pytest.raises(OnlineError) as refused:
        ask("ALICE@persona.example", ip="203.0.113.2")
    assert refused.value.code == OnlineErrorCode.RATE_LIMITED
    assert len(links()) == PASSWORD_LINKS_PER_EMAIL.times
    # An address not on file is counted the same way, so the limit reveals nothing.
    for _ in range(PASSWORD_LINKS_PER_EMAIL.times):
        ask("nobody@example.com", ip="203.0.113.3")
    with pytest.raises(OnlineError):
        ask("nobody@example.com", ip="203.0.113.4")
    # The next hour, the address may ask again.
    assert password_link_request(
        email="alice@persona.example", client_ip="203.0.113.5", now=NOW + timedelta(hours=1)
    )


def test_it_answers_a_limited_number_of_requests_from_one_connection(personas):
    for number in range(PASSWORD_LINKS_PER_IP.times):
        ask(f"someone{number}@example.com")
    with pytest.raises(OnlineError) as refused:
        ask("alice@persona.example")
    assert refused.value.code == OnlineErrorCode.RATE_LIMITED
    assert links() == []
    assert ask("alice@persona.example", ip="198.51.100.1") is not None


def test_a_link_works_for_a_day(personas, monkeypatch):
    assert settings.PASSWORD_RESET_TIMEOUT == 86400
    user = ask("alice@persona.example")
    assert user is not None
    found = re.search(r"/my/password/[^/]+/([^/\s]+)/", links()[0].body_text)
    assert found
    token = found.group(1)
    issued = default_token_generator._now()
    monkeypatch.setattr(
        default_token_generator, "_now", lambda: issued + timedelta(hours=23, minutes=59)
    )
    assert default_token_generator.check_token(user, token)
    monkeypatch.setattr(
        default_token_generator, "_now", lambda: issued + timedelta(hours=24, minutes=1)
    )
    assert not default_token_generator.check_token(user, token)


def test_the_email_needs_only_its_documented_context_and_keeps_health_detail_out():
    context = {
        "clinic_name": "Pro Fusion Rehab and Sports Injury Clinic of Greater Pickering, "
        "Ajax, Whitby and Oshawa, Ontario, Canada",
        "clinic_phone": "905-555-0100",
        "link": "https://clinic.example/my/password/MTI/abc-123/",
        "hours": 24,
        "new_account": False,
    }
    for new_account in (True, False):
        rendered = render_message("password_link", {**context, "new_account": new_account})
        assert len(rendered.subject) <= SUBJECT_MAX_LENGTH
        assert "abc-123" not in rendered.subject
        assert "https://clinic.example/my/password/MTI/abc-123/" in rendered.body_text
        assert "905-555-0100" in rendered.body_text  # the footer
        html = rendered.body_html
        assert '<html lang="en">' in html
        assert 'role="article"' in html
        assert 'href="https://clinic.example/my/password/MTI/abc-123/"' in html
        assert "<img" not in html
        assert "<style" not in html
    assert render_message("password_link", {**context, "new_account": True}).subject.startswith(
        "Set your password"
    )


@pytest.mark.parametrize("kind", ["password_link_none", "password_set"])
def test_the_note_and_the_password_set_e_mail_keep_to_their_documented_context(kind):
    rendered = render_message(
        kind, {"clinic_name": "Pro Fusion Rehab " * 8, "clinic_phone": "905-555-0100"}
    )
    assert len(rendered.subject) <= SUBJECT_MAX_LENGTH
    assert "905-555-0100" in rendered.body_text
    assert "call us" in rendered.body_text
    assert '<html lang="en">' in rendered.body_html
    assert "http" not in rendered.body_text  # no link in either
