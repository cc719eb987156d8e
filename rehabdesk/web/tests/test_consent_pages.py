"""Consent pages: the portal (read, give, withdraw with a confirmation, for oneself and
one's dependents), the desk's tablet (read and sign with the typed name), the privacy
consent at the desk, a practitioner's verbal consent, and the status on "my day" and the
patient page. Refusals are form errors and nothing is half saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.consents.choices import ConsentChannel, ConsentMethod, TreatmentTopic
from rehabdesk.consents.models import ConsentRecord, TreatmentConsent
from rehabdesk.consents.selectors import privacy_notice_current, treatment_texts_current
from rehabdesk.consents.services import (
    consent_record,
    privacy_notice_publish,
    treatment_consent_give,
    treatment_consent_text_publish,
)
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import at, build_booking_world

pytestmark = pytest.mark.django_db
VIEW_NOW = at(8, 11)
PHYSIO = TreatmentTopic.PHYSIOTHERAPY


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: VIEW_NOW)


def text_id(topic=PHYSIO) -> int:
    return treatment_texts_current()[topic].pk


def give(patient, topic=PHYSIO):
    return treatment_consent_give(
        patient=patient,
        text=treatment_texts_current()[topic],
        method=ConsentMethod.ONLINE,
        agreed=True,
        actor=None,
        now=VIEW_NOW,
    )


# --- The portal ------------------------------------------------------------------------


def test_a_guardian_reads_and_gives_a_consent_for_their_child(client, personas):
    client.force_login(personas.guardian.user)
    page = client.get(reverse("my-consents", args=[personas.child.pk]))
    give_url = reverse("my-consent-give", args=[personas.child.pk, "physiotherapy"])
    assert f'href="{give_url}"' in page.text
    assert "sensitive_areas" not in page.text  # asked at the clinic, on the day
    form = client.get(give_url)
    assert "Consent to physiotherapy" in form.text
    response = client.post(give_url, {"text": text_id(), "agreed": "on"})
    assert response.status_code == 302
    consent = TreatmentConsent.objects.get(patient=personas.child)
    assert (consent.method, consent.recorded_by) == ("online", personas.guardian.user)
    listed = client.get(reverse("my-consents", args=[personas.child.pk]))
    assert reverse("my-consent-withdraw", args=[consent.pk]) in listed.text
    assert f'href="{give_url}"' not in listed.text


def test_a_consent_not_agreed_to_is_a_form_error_and_nothing_saved(client, personas):
    client.force_login(personas.patient_a.user)
    url = reverse("my-consent-give", args=[personas.patient_a.pk, "acupuncture"])
    response = client.post(url, {"text": text_id(TreatmentTopic.ACUPUNCTURE)})
    assert response.status_code == 200
    assert "Tick the box to say you agree." in response.text
    assert not TreatmentConsent.objects.exists()


def test_a_text_replaced_meanwhile_is_shown_again_to_be_read(client, personas):
    client.force_login(personas.patient_a.user)
    read = text_id()
    newer = treatment_consent_text_publish(topic=PHYSIO, body="New wording.", now=VIEW_NOW)
    url = reverse("my-consent-give", args=[personas.patient_a.pk, "physiotherapy"])
    response = client.post(url, {"text": read, "agreed": "on"})
    assert response.status_code == 200
    assert "please read the new version" in response.text
    assert "New wording." in response.text
    assert f'value="{newer.pk}"' in response.text
    assert not TreatmentConsent.objects.exists()


@pytest.mark.parametrize("topic", ["sensitive_areas", "tarot", "PHYSIOTHERAPY"])
def test_the_portal_does_not_offer_other_topics(client, personas, topic):
    client.force_login(personas.patient_a.user)
    url = reverse("my-consent-give", args=[personas.patient_a.pk, topic])
    assert client.get(url).status_code == 404


def test_a_forged_text_of_another_topic_is_refused(client, personas):
    client.force_login(personas.patient_a.user)
    url = reverse("my-consent-give", args=[personas.patient_a.pk, "physiotherapy"])
    response = client.post(url, {"text": text_id(TreatmentTopic.ACUPUNCTURE), "agreed": "on"})
    assert response.status_code == 404
    assert not TreatmentConsent.objects.exists()


def test_nobody_gives_or_withdraws_a_consent_for_someone_elses_record(client, personas):
    consent = give(personas.patient_a)
    client.force_login(personas.patient_b.user)
    url = reverse("my-consent-give", args=[personas.patient_a.pk, "physiotherapy"])
    assert client.post(url, {"text": text_id(), "agreed": "on"}).status_code == 404
    withdraw = reverse("my-consent-withdraw", args=[consent.pk])
    assert client.post(withdraw).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
    assert TreatmentConsent.objects.count() == 1


def test_a_patient_withdraws_a_treatment_consent_after_confirming(client, personas):
    consent = give(personas.patient_a)
    client.force_login(personas.patient_a.user)
    url = reverse("my-consent-withdraw", args=[consent.pk])
    confirm = client.get(url)
    assert "Withdraw your consent to physiotherapy?" in confirm.text
    consent.refresh_from_db()
    assert consent.withdrawn_at is None  # looking withdraws nothing
    response = client.post(url)
    assert response.url == reverse("my-consents", args=[personas.patient_a.pk])
    consent.refresh_from_db()
    assert (consent.withdrawn_at, consent.withdrawn_by) == (VIEW_NOW, personas.patient_a.user)
    again = client.post(url, follow=True)
    assert "already withdrawn" in again.text


def test_a_patient_withdraws_the_privacy_consent_after_confirming(client, personas):
    record = consent_record(
        patient=personas.patient_a,
        notice=privacy_notice_current(),
        channel=ConsentChannel.ONLINE,
        actor=None,
        now=at(1, 9),
    )
    client.force_login(personas.patient_a.user)
    page = client.get(reverse("my-consents", args=[personas.patient_a.pk]))
    url = reverse("my-privacy-withdraw", args=[record.pk])
    assert url in page.text
    assert "Withdraw your consent to the privacy notice?" in client.get(url).text
    client.post(url)
    record.refresh_from_db()
    assert record.withdrawn_at == VIEW_NOW


# --- The desk's tablet and the privacy consent at the desk ----------------------------------


def test_the_patient_signs_on_the_desk_tablet_with_their_typed_name(client, personas):
    client.force_login(personas.front_desk)
    url = reverse("patient-consent", args=[personas.patient_b.pk])
    chooser = client.get(url)
    assert 'href="?topic=massage_therapy"' in chooser.text
    page = client.get(url, {"topic": "massage_therapy"})
    assert "Type your full name to sign" in page.text
    unsigned = client.post(
        url,
        {
            "topic": "massage_therapy",
            "text": text_id(TreatmentTopic.MASSAGE_THERAPY),
            "agreed": "on",
        },
    )
    assert "Type your full name to sign." in unsigned.text
    assert not TreatmentConsent.objects.exists()
    signed = client.post(
        url,
        {
            "topic": "massage_therapy",
            "text": text_id(TreatmentTopic.MASSAGE_THERAPY),
            "agreed": "on",
            "signed_name": "Bea Patient",
        },
    )
    assert signed.url == reverse("patient-detail", args=[personas.patient_b.pk])
    consent = TreatmentConsent.objects.get()
    assert (consent.method, consent.signed_name, consent.recorded_by) == (
        "tablet",
        "Bea Patient",
        personas.front_desk,
    )


def test_sensitive_areas_are_signed_on_the_tablet_naming_the_areas(client, personas):
    client.force_login(personas.front_desk)
    url = reverse("patient-consent", args=[personas.patient_b.pk])
    data = {
        "topic": "sensitive_areas",
        "text": text_id(TreatmentTopic.SENSITIVE_AREAS),
        "agreed": "on",
        "signed_name": "Bea Patient",
    }
    none = client.post(url, data)
    assert "Choose the areas you agree to have treated." in none.text
    assert not TreatmentConsent.objects.exists()
    client.post(url, {**data, "areas": ["gluteal", "chest_wall"]})
    assert TreatmentConsent.objects.get().areas == ["chest_wall", "gluteal"]


def test_the_desk_records_the_privacy_consent_of_a_patient_booked_by_phone(client, personas):
    client.force_login(personas.front_desk)
    detail = client.get(reverse("patient-detail", args=[personas.patient_b.pk]))
    url = reverse("patient-privacy-consent", args=[personas.patient_b.pk])
    assert "no consent on file" in detail.text
    assert url in detail.text
    assert "We keep your health information private." in client.get(url).text
    notice = privacy_notice_current().pk
    assert "This field is required." in client.post(url, {"notice": notice}).text
    client.post(url, {"notice": notice, "channel": "paper"})
    record = ConsentRecord.objects.get(patient=personas.patient_b)
    assert record.channel == "paper"
    twice = client.post(url, {"notice": notice, "channel": "staff"})
    assert "already on file" in twice.text
    assert ConsentRecord.objects.filter(patient=personas.patient_b).count() == 1


@pytest.mark.parametrize("persona", ["physio", "massage_therapist", "patient_a"])
def test_only_those_who_keep_the_record_use_the_tablet(client, personas, persona):
    client.force_login(personas.user(persona))
    url = reverse("patient-consent", args=[personas.patient_a.pk])
    assert client.get(url).status_code == 404


# --- Verbal consent and withdrawal by staff ---------------------------------------------


def test_the_practitioner_in_care_records_a_verbal_consent_with_a_note(client, personas):
    client.force_login(personas.physio.user)
    url = reverse("patient-consent-verbal", args=[personas.patient_a.pk])
    assert "Acupuncture (version 1)" in client.get(url).text
    empty = client.post(url, {"topic": "acupuncture", "note": " "})
    assert "Write a note of what you went through" in empty.text
    assert not TreatmentConsent.objects.exists()
    client.post(url, {"topic": "acupuncture", "note": "Explained risks; agreed."})
    consent = TreatmentConsent.objects.get()
    assert (consent.method, consent.recorded_by) == ("verbal", personas.physio.user)
    # The note is clinical: shown to the practitioner in care (and audited), not the desk.
    assert (
        "Explained risks; agreed."
        in client.get(reverse("patient-detail", args=[personas.patient_a.pk])).text
    )
    assert AuditEvent.objects.filter(summary="treatment consent notes").count() == 1
    client.force_login(personas.front_desk)
    desk_view = client.get(reverse("patient-detail", args=[personas.patient_a.pk]))
    assert "Verbally, recorded by the practitioner" in desk_view.text
    assert "Explained risks" not in desk_view.text


def test_sensitive_areas_cannot_be_recorded_verbally(client, personas):
    client.force_login(personas.physio.user)
    url = reverse("patient-consent-verbal", args=[personas.patient_a.pk])
    response = client.post(url, {"topic": "sensitive_areas", "note": "Agreed."})
    assert "Select a valid choice" in response.text
    assert not TreatmentConsent.objects.exists()


@pytest.mark.parametrize("persona", ["front_desk", "massage_therapist", "manager"])
def test_only_a_practitioner_in_care_records_a_verbal_consent(client, personas, persona):
    client.force_login(personas.user(persona))
    url = reverse("patient-consent-verbal", args=[personas.patient_a.pk])
    assert client.post(url, {"topic": "physiotherapy", "note": "x"}).status_code == 404
    assert not TreatmentConsent.objects.exists()


@pytest.mark.parametrize("persona", ["front_desk", "physio"])
def test_the_desk_or_the_practitioner_in_care_records_a_withdrawal(client, personas, persona):
    consent = give(personas.patient_a)
    client.force_login(personas.user(persona))
    url = reverse("patient-consent-withdraw", args=[consent.pk])
    assert "Record the withdrawal" in client.get(url).text
    client.post(url)
    consent.refresh_from_db()
    assert consent.withdrawn_by == personas.user(persona)


def test_a_practitioner_not_in_care_cannot_record_a_withdrawal(client, personas):
    consent = give(personas.patient_a)
    client.force_login(personas.massage_therapist.user)
    url = reverse("patient-consent-withdraw", args=[consent.pk])
    assert client.post(url).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


# --- What the practitioner sees on the day -----------------------------------------------


@pytest.fixture
def today(personas):
    world = build_booking_world(personas)
    for hour, patient in ((13, personas.patient_a), (14, personas.patient_b)):
        appointment_book(
            request=world.request(at(8, hour), patient=patient), actor=None, now=at(1, 9)
        )
    return world


def test_my_day_says_per_visit_whether_consent_is_on_file(client, personas, today):
    give(personas.patient_a)
    client.force_login(personas.physio.user)
    response = client.get(reverse("my-day"))
    rows = response.text.split("<tr class=")[1:]
    assert "Consent on file" in rows[0]
    assert "Consent missing: Physiotherapy" in rows[1]


def test_the_patient_page_shows_what_upcoming_visits_still_need(client, personas, today):
    client.force_login(personas.front_desk)
    page = client.get(reverse("patient-detail", args=[personas.patient_b.pk]))
    assert "Consent missing: Physiotherapy" in page.text
    assert reverse("patient-consent", args=[personas.patient_b.pk]) in page.text
    assert reverse("patient-consent-verbal", args=[personas.patient_b.pk]) not in page.text


def test_a_withdrawal_page_puts_the_look_on_file(client, personas):
    consent = give(personas.child)
    record = consent_record(
        patient=personas.child,
        notice=privacy_notice_current(),
        channel=ConsentChannel.ONLINE,
        actor=None,
        now=at(1, 9),
    )
    client.force_login(personas.guardian.user)
    for url in (
        reverse("my-consent-withdraw", args=[consent.pk]),
        reverse("my-privacy-withdraw", args=[record.pk]),
    ):
        before = AuditEvent.objects.count()
        assert client.get(url).status_code == 200
        (event,) = AuditEvent.objects.order_by("pk")[before:]
        assert (event.action, event.actor) == ("view", personas.guardian.user)
        assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.child.pk]


def test_the_appointment_page_says_whether_consent_is_on_file(client, personas, today):
    client.force_login(personas.physio.user)
    give(personas.patient_a)
    for patient, expected in (
        (personas.patient_a, "Consent on file"),
        (personas.patient_b, "Consent missing: Physiotherapy"),
    ):
        visit = Appointment.objects.get(patient=patient)
        assert expected in client.get(reverse("appointment-detail", args=[visit.pk])).text


def test_a_notice_replaced_while_the_patient_read_it_is_shown_again(client, personas):
    client.force_login(personas.front_desk)
    url = reverse("patient-privacy-consent", args=[personas.patient_b.pk])
    read = privacy_notice_current().pk
    newer = privacy_notice_publish(body="Second wording.", now=VIEW_NOW)
    response = client.post(url, {"notice": read, "channel": "staff"})
    assert "please read the new version" in response.text
    assert "Second wording." in response.text
    assert f'name="notice" value="{newer.pk}"' in response.text
    assert not ConsentRecord.objects.filter(patient=personas.patient_b).exists()


def test_the_portal_says_which_consents_upcoming_visits_need(client, personas, today):
    client.force_login(personas.patient_b.user)
    url = reverse("my-consents", args=[personas.patient_b.pk])
    assert "Your upcoming visits need your consent to: Physiotherapy." in client.get(url).text
    give(personas.patient_b)
    assert "Your upcoming visits need" not in client.get(url).text
