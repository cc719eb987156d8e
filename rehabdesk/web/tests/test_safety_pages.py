"""Safety alerts and red flags where the practitioner decides — the patient page, the
appointment page, my day — with the detail for practitioners in the patient's care
only; the front desk learns at most that a practitioner must clear a booking, and its
booking is refused until one does (by phone, from the schedule, online, in the API)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.online.services import online_book_returning, online_time_pick
from rehabdesk.online.testing import VISITOR_IP, chosen_time
from rehabdesk.safety.errors import SafetyError, SafetyErrorCode
from rehabdesk.safety.models import Alert, RedFlagReview
from rehabdesk.safety.services import alert_add, alert_clear, red_flag_review_decide
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at, build_booking_world, weekday_at

pytestmark = pytest.mark.django_db

REASON = "Suspected clot in the left calf"
CLINICAL = (REASON, "cauda equina", "Cauda equina")


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


@pytest.fixture
def alert(personas):
    return alert_add(
        patient=personas.patient_a,
        level="do_not_treat",
        modalities=["massage", "deep_pressure"],
        reason=REASON,
        actor=personas.physio.user,
        now=NOW,
    )


@pytest.fixture
def review(personas):
    return RedFlagReview.objects.create(
        patient=personas.patient_a,
        rule="cauda_equina",
        urgency="emergency",
        clinician_text="Possible cauda equina syndrome",
        answers={"rf_bladder_bowel": "yes"},
        ruleset_version=1,
        source="intake",
        source_id="3",
        created_at=NOW,
    )


def page(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.text


def shows_no_clinical_detail(text: str) -> bool:
    return not any(words in text for words in CLINICAL)


# --- Who sees what ----------------------------------------------------------------------


def test_the_practitioner_in_care_sees_alerts_and_red_flags_on_the_patient_page(
    client, personas, alert, review
):
    text = page(client, personas.physio.user, "patient-detail", personas.patient_a.pk)
    assert REASON in text
    assert "Possible cauda equina syndrome" in text
    assert reverse("safety-review-decide", args=[review.pk]) in text
    assert reverse("safety-alert-clear", args=[alert.pk]) in text


@pytest.mark.parametrize("persona", ["front_desk", "manager"])
def test_the_desk_sees_only_that_a_practitioner_must_clear_bookings(
    client, personas, alert, review, persona
):
    text = page(client, personas.user(persona), "patient-detail", personas.patient_a.pk)
    assert "A practitioner must clear some treatments for this patient" in text
    assert shows_no_clinical_detail(text)
    assert "safety-heading" not in text


def test_the_desk_sees_nothing_when_nothing_is_held(client, personas, world):
    alert_add(
        patient=personas.patient_a,
        level="modify",
        modalities=["deep_pressure"],
        reason="Blood thinners",
        actor=personas.physio.user,
        now=NOW,
    )
    text = page(client, personas.front_desk, "patient-detail", personas.patient_a.pk)
    assert "A practitioner must clear" not in text
    assert "Blood thinners" not in text


def test_the_appointment_page_shows_the_detail_to_the_practitioner_only(
    client, personas, world, alert
):
    booked = appointment_book(
        request=world.request(at(9, 10), channel=Channel.PHONE), actor=None, now=NOW
    )
    text = page(client, personas.physio.user, "appointment-detail", booked.pk)
    assert REASON in text
    text = page(client, personas.front_desk, "appointment-detail", booked.pk)
    assert "A practitioner must clear" in text
    assert shows_no_clinical_detail(text)


# --- My day ------------------------------------------------------------------------------


@pytest.fixture
def today(monkeypatch, world, personas):
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(8, 8))
    for hour, patient in ((9, personas.patient_a), (10, personas.patient_b)):
        appointment_book(
            request=world.request(at(8, hour), patient=patient), actor=None, now=at(8, 7)
        )


def test_my_day_badges_each_visit_and_lists_the_red_flags_to_review(
    client, personas, today, alert, review
):
    text = page(client, personas.physio.user, "my-day")
    assert "Do not treat (1)" in text
    assert "Red flags to review" in text
    assert reverse("safety-review-decide", args=[review.pk]) in text
    assert text.count("Red flag to decide") == 1  # Alice's visit, not Bob's


def test_my_day_reads_the_safety_record_in_a_fixed_number_of_queries(
    client, personas, today, alert, review, django_assert_num_queries
):
    client.force_login(personas.physio.user)
    client.get(reverse("my-day"))
    # My day's pinned 20 (test_desk_pages) + the audit of what it shows
    with django_assert_num_queries(22) as few:
        client.get(reverse("my-day"))
    alert_add(
        patient=personas.patient_b,
        level="note",
        modalities=[],
        reason="Hard of hearing",
        actor=personas.physio.user,
        now=NOW,
    )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("my-day"))


# --- The practitioner's actions ------------------------------------------------------------


def test_a_practitioner_adds_an_alert_by_hand_and_errors_are_shown_on_the_form(client, personas):
    client.force_login(personas.physio.user)
    url = reverse("safety-alert-add", args=[personas.patient_a.pk])
    response = client.post(url, {"level": "do_not_treat", "reason": "Pacemaker"})
    assert response.status_code == 200
    assert "Say which treatments must not be given." in response.text
    response = client.post(
        url, {"level": "do_not_treat", "modalities": ["electrotherapy"], "reason": "Pacemaker"}
    )
    assert response.status_code == 302
    assert Alert.objects.get(patient=personas.patient_a).created_by == personas.physio.user


def test_a_practitioner_acknowledges_then_clears_with_a_reason(client, personas, alert):
    client.force_login(personas.physio.user)
    client.post(reverse("safety-alert-acknowledge", args=[alert.pk]))
    alert.refresh_from_db()
    assert alert.state == "acknowledged"
    url = reverse("safety-alert-clear", args=[alert.pk])
    assert "This field is required." in client.post(url, {"reason": ""}).text
    assert client.post(url, {"reason": "Doppler negative"}).status_code == 302
    alert.refresh_from_db()
    assert (alert.state, alert.cleared_reason) == ("cleared", "Doppler negative")
    # Sent again (a second tab): a form error, not a 500.
    again = client.post(url, {"reason": "Doppler negative"})
    assert again.status_code == 200
    assert "This alert was cleared" in again.text


def test_a_practitioner_decides_a_red_flag_once(client, personas, review):
    client.force_login(personas.physio.user)
    url = reverse("safety-review-decide", args=[review.pk])
    assert "rf_bladder_bowel" in client.get(url).text
    assert client.post(url, {"decision": "cleared"}).status_code == 200
    response = client.post(
        url, {"decision": "referred_emergency", "reason": "Sent to the ED at once"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.decision, review.decided_by_practitioner) == (
        "referred_emergency",
        personas.physio,
    )
    again = client.post(url, {"decision": "cleared", "reason": "Changed my mind"})
    assert again.status_code == 200
    assert "Decided" in again.text
    review.refresh_from_db()
    assert review.decision == "referred_emergency"


# --- Bookings a practitioner must clear ----------------------------------------------------


def finder_url(world, pick: str = "") -> str:
    query = f"service={world.follow_up.pk}&start={timezone.localdate().isoformat()}"
    if pick:
        query += f"&pick={pick.replace('+', '%2B')}"
    return reverse("patient-book", args=[world.patient.pk]) + "?" + query


def test_the_desk_is_warned_and_refused_until_a_practitioner_clears_it(
    client, personas, world, alert
):
    client.force_login(personas.front_desk)
    picked = client.get(finder_url(world)).context["days"][0].times[0].value
    confirm = client.get(finder_url(world, picked))
    assert "A practitioner must clear this booking" in confirm.text
    assert shows_no_clinical_detail(confirm.text)
    form = confirm.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    refused = client.post(reverse("patient-book", args=[world.patient.pk]), data)
    assert refused.status_code == 200
    assert "A practitioner must clear this booking before it is confirmed" in refused.text
    assert shows_no_clinical_detail(refused.text)
    assert not Appointment.objects.filter(patient=world.patient).exists()
    alert_clear(alert=alert, reason="Doppler negative", actor=personas.physio.user, now=NOW)
    booked = client.post(reverse("patient-book", args=[world.patient.pk]), data)
    assert booked.status_code == 302
    assert Appointment.objects.filter(patient=world.patient).exists()


def test_the_api_refuses_the_booking_with_its_code(client, personas, world, review):
    client.force_login(personas.front_desk)
    body = {
        "patient": world.patient.pk,
        "service": world.follow_up.pk,
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "start": weekday_at(10).isoformat(),
    }
    response = client.post(
        reverse("api:create_appointment"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "practitioner_decision_needed"
    assert shows_no_clinical_detail(response.content.decode())
    red_flag_review_decide(
        review=review,
        decision="cleared",
        reason="Known, stable; seen by urology",
        practitioner_id=personas.physio.pk,
        actor=personas.physio.user,
        now=NOW,
    )
    response = client.post(
        reverse("api:create_appointment"), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201


def test_a_returning_patient_online_is_asked_to_call_the_clinic(personas, world, review):
    held = online_time_pick(
        time=chosen_time(world, at(9, 10)), previous_hold_id=None, client_ip=VISITOR_IP, now=NOW
    )
    with pytest.raises(SafetyError) as refused:
        online_book_returning(
            patient=personas.patient_a,
            time=chosen_time(world, at(9, 10)),
            hold_id=held.pk,
            client_ip=VISITOR_IP,
            now=NOW,
        )
    assert refused.value.code == SafetyErrorCode.PRACTITIONER_DECISION_NEEDED
    assert world.pickering.phone in refused.value.message
    assert shows_no_clinical_detail(refused.value.message)
    held.refresh_from_db()
    assert held.patient_id is None


def test_a_series_waits_for_the_practitioner_too(client, personas, world, review):
    client.force_login(personas.front_desk)
    first = weekday_at(9, after_days=7)
    data = {
        "service": world.follow_up.pk,
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "first_day": first.date().isoformat(),
        "weeks": 2,
        "weekday_1": first.weekday(),
        "time_1": "09:00",
    }
    refused = client.post(reverse("patient-series", args=[world.patient.pk]), data)
    assert refused.status_code == 200
    assert "A practitioner must clear this booking" in refused.text
    assert shows_no_clinical_detail(refused.text)
    assert not Appointment.objects.filter(patient=world.patient).exists()
