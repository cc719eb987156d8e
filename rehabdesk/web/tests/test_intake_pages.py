"""The health form's pages through each door: the portal, the e-mailed link and the
desk's paper entry; and who sees what once it is sent (the practitioner in care reads
it, the desk sees only that it is complete)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.models import AuditEvent
from rehabdesk.intake.choices import IntakeChannel, IntakeStatus
from rehabdesk.intake.models import IntakeResponse
from rehabdesk.intake.services import intake_start
from rehabdesk.intake.testing import ANSWERS, intake_filled
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import build_booking_world, weekday_at

pytestmark = pytest.mark.django_db
SECTIONS = list(ANSWERS)


def intake_of(patient) -> IntakeResponse | None:
    return IntakeResponse.objects.filter(patient=patient).first()


def fill_every_section(client, base: str) -> None:
    for code in SECTIONS:
        answered = client.post(f"{base}{code}/", {**ANSWERS[code], "go": "next"})
        assert answered.status_code == 302, answered.content.decode()[:2000]


def test_a_patient_fills_in_their_form_section_by_section_and_sends_it(client, personas):
    client.force_login(personas.patient_a.user)
    start = reverse("my-intake", args=[personas.patient_a.pk])
    first = client.get(start)
    assert first.status_code == 200
    assert "Start" in first.content.decode()
    begun = client.post(start)
    assert begun["Location"] == start + "contact/"
    page = client.get(start + "contact/").content.decode()
    assert "step 1 of 6" in page
    assert 'type="tel"' in page
    assert "Save and finish later" in page
    moved_on = client.post(start + "contact/", {**ANSWERS["contact"], "go": "next"})
    assert moved_on["Location"] == start + "reason/"
    fill_every_section(client, start)
    review = client.get(start + "review/").content.decode()
    assert "Ann Anders" in review
    assert "Back or neck pain" in review  # a choice read back in words
    sent = client.post(start + "review/")
    assert sent["Location"] == reverse("my-intakes")
    response = intake_of(personas.patient_a)
    assert response.status == IntakeStatus.SUBMITTED
    assert response.channel == IntakeChannel.ONLINE
    after = client.get(start).content.decode()
    assert "health form is complete" in after
    assert "Ann Anders" not in after
    assert client.get(start + "reason/")["Location"] == start  # sent: not opened again


def test_a_bad_answer_is_shown_beside_its_question_and_nothing_of_the_section_kept(
    client, personas
):
    client.force_login(personas.patient_a.user)
    start = reverse("my-intake", args=[personas.patient_a.pk])
    client.post(start)
    bad = {**ANSWERS["reason"], "pain_now": "15", "onset_weeks": "soon", "go": "next"}
    page = client.post(start + "reason/", bad)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Some answers need another look" in text
    assert "Please enter a number from 0 to 10." in text
    assert "Please enter a whole number." in text
    assert 'aria-invalid="true"' in text
    assert 'value="soon"' in text  # what was typed comes back to be corrected
    assert intake_of(personas.patient_a).answers == {}


def test_finish_later_keeps_a_partial_section_and_the_review_names_what_is_missing(
    client, personas
):
    client.force_login(personas.patient_a.user)
    start = reverse("my-intake", args=[personas.patient_a.pk])
    client.post(start)
    later = client.post(start + "contact/", {"contact_phone": "905-555-0111", "go": "later"})
    assert later["Location"] == start
    assert intake_of(personas.patient_a).answers == {"contact_phone": "905-555-0111"}
    resumed = client.post(start)  # "Carry on": the first section with questions left
    assert resumed["Location"] == start + "contact/"
    refused = client.post(start + "review/")
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "Contact and emergency contact: 3 questions still to answer." in text
    assert intake_of(personas.patient_a).status == IntakeStatus.DRAFT


def test_an_unknown_section_is_a_plain_404(client, personas):
    client.force_login(personas.patient_a.user)
    start = reverse("my-intake", args=[personas.patient_a.pk])
    client.post(start)
    assert client.get(start + "hobbies/").status_code == 404


def test_a_guardian_fills_in_their_childs_form_and_another_patient_cannot(client, personas):
    client.force_login(personas.guardian.user)
    listed = client.get(reverse("my-intakes")).content.decode()
    assert "Fill in Charlie's health form" in listed
    start = reverse("my-intake", args=[personas.child.pk])
    client.post(start)
    fill_every_section(client, start)
    client.post(start + "review/")
    assert intake_of(personas.child).status == IntakeStatus.SUBMITTED
    assert intake_of(personas.child).entered_by == personas.guardian.user
    client.force_login(personas.patient_b.user)
    assert client.get(start).status_code == 404
    assert client.post(start + "contact/", ANSWERS["contact"]).status_code == 404


def test_the_portal_page_says_whether_the_form_is_complete(client, personas):
    client.force_login(personas.patient_a.user)
    page = client.get(reverse("my-person", args=[personas.patient_a.pk])).content.decode()
    assert "Health form: <strong>not yet</strong>" in page
    assert reverse("my-intake", args=[personas.patient_a.pk]) in page
    intake_filled(personas.patient_a)
    page = client.get(reverse("my-person", args=[personas.patient_a.pk])).content.decode()
    assert "Health form: <strong>complete</strong>" in page


def test_the_confirmation_email_links_the_form_and_the_link_fills_it_in(client, personas):
    world = build_booking_world(personas)
    booked = appointment_book(
        request=world.request(weekday_at(10), channel=Channel.ONLINE),
        actor=None,
        now=timezone.now(),
    )
    message = OutboxMessage.objects.get(kind="booking_confirmation", related_id=str(booked.pk))
    found = re.search(r"https?://[^/\s]+(/manage/[^/\s]+/intake/)", message.body_text)
    assert found, "the confirmation carries the health form's link"
    assert found.group(1) in message.body_html
    link = found.group(1)
    manage = client.get(link.removesuffix("intake/")).content.decode()
    assert "Health form: <strong>not yet</strong>" in manage
    assert link in manage
    client.post(link)
    fill_every_section(client, link)
    done = client.post(link + "review/")
    assert done["Location"] == link.removesuffix("intake/")
    response = intake_of(booked.patient)
    assert response.status == IntakeStatus.SUBMITTED
    assert response.entered_by is None
    looks = AuditEvent.objects.filter(summary="health intake draft (online)")
    assert looks.exists()
    assert all(event.actor is None for event in looks)


def test_a_forged_link_gets_the_plain_refusal(client, personas):
    page = client.get("/manage/not-a-token/intake/contact/")
    assert page.status_code == 404
    assert "This link does not work" in page.content.decode()


def test_the_desk_types_in_a_paper_form_and_cannot_read_it_once_sent(client, personas):
    client.force_login(personas.front_desk)
    start = reverse("staff-intake-enter", args=[personas.patient_a.pk])
    patient_page = reverse("patient-detail", args=[personas.patient_a.pk])
    assert "Type in a paper form" in client.get(patient_page).content.decode()
    client.post(start)
    fill_every_section(client, start)
    assert "Ann Anders" in client.get(start + "review/").content.decode()
    sent = client.post(start + "review/")
    assert sent["Location"] == patient_page
    response = intake_of(personas.patient_a)
    assert (response.status, response.channel) == (IntakeStatus.SUBMITTED, IntakeChannel.PAPER)
    assert response.entered_by == personas.front_desk
    shown = client.get(patient_page).content.decode()
    assert "Health form: <strong>complete</strong>" in shown
    assert "Read the health form" not in shown
    assert "Ann Anders" not in client.get(start).content.decode()
    assert client.get(start + "review/")["Location"] == start
    assert client.get(reverse("patient-intake", args=[personas.patient_a.pk])).status_code == 404


def test_the_desk_never_opens_a_form_the_patient_began_online(client, personas):
    draft = intake_start(
        patient=personas.patient_a, channel=IntakeChannel.ONLINE, actor=None, now=timezone.now()
    )
    draft.answers = {"emergency_name": "Ann Anders"}
    draft.save(update_fields=["answers"])
    client.force_login(personas.front_desk)
    start = reverse("staff-intake-enter", args=[personas.patient_a.pk])
    page = client.get(start).content.decode()
    assert "begun this form online" in page
    assert "Ann Anders" not in page
    assert client.get(start + "contact/")["Location"] == start
    refused = client.post(start + "contact/", ANSWERS["contact"])
    assert refused["Location"] == start
    assert intake_of(personas.patient_a).answers == {"emergency_name": "Ann Anders"}


def test_a_patient_never_sees_the_desks_half_typed_paper_form(client, personas):
    intake_filled(
        personas.patient_a, channel=IntakeChannel.PAPER, actor=personas.front_desk, submit=False
    )
    client.force_login(personas.patient_a.user)
    page = client.get(reverse("my-intake", args=[personas.patient_a.pk])).content.decode()
    assert "typing in your health form from paper" in page
    assert "Ann Anders" not in page


def test_the_practitioner_in_care_reads_the_sent_form_audited(client, personas):
    intake_filled(personas.patient_a, changes={"red_flags": {"rf_night_pain": "yes"}})
    client.force_login(personas.physio.user)
    patient_page = client.get(reverse("patient-detail", args=[personas.patient_a.pk]))
    assert "Read the health form" in patient_page.content.decode()
    before = AuditEvent.objects.count()
    page = client.get(reverse("patient-intake", args=[personas.patient_a.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ann Anders" in text
    assert "Garden without pain." in text
    assert 'class="flag"' in text  # a red-flag "yes" stands out
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert event.object_type == "intake.intakeresponse"
    assert event.summary == "health intake answers (form v1)"
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]


def test_a_practitioner_without_a_care_relationship_and_the_manager_are_refused(client, personas):
    intake_filled(personas.patient_a)
    url = reverse("patient-intake", args=[personas.patient_a.pk])
    for user in (personas.massage_therapist.user, personas.manager, personas.front_desk):
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="deny", object_type="patients.patient").count() == 3


def test_no_answer_travels_in_an_address(client, personas):
    client.force_login(personas.patient_a.user)
    start = reverse("my-intake", args=[personas.patient_a.pk])
    client.post(start)
    page = client.get(start + "contact/").content.decode()
    assert re.search(r'<form method="post"', page)
    assert 'method="get"' not in page
