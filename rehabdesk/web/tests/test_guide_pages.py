"""The public guide, "Which treatment is right for me?", driven with Django's test
client: red flags first, then what brings you in, then the safety screen, then the
result. Missing or contradictory answers come back as questions, never as a
recommendation; an emergency ends the guide at once with no booking; a suggested
visit opens online booking with the service chosen, and the result goes on the record
of the patient who books. No answer is ever in an address."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.clinic import loading
from rehabdesk.clinic.choices import ServiceKind
from rehabdesk.clinic.models import Service
from rehabdesk.clinic.testing import sample_service
from rehabdesk.guidance.models import GuideResult
from rehabdesk.guidance.tests.answers import (
    BACK_PAIN,
    CHEST_PAIN,
    HEALTHY_BACK_PAIN,
    RED_FLAGS_NONE,
    SCREEN_NONE,
    as_form,
    codes_of,
)
from rehabdesk.patients.models import Patient
from rehabdesk.safety.choices import AlertSource
from rehabdesk.safety.models import Alert
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import NOW, build_booking_world
from rehabdesk.web.public.guide_views import SESSION_KEY
from rehabdesk.web.tests.test_online_pages import NEW, prove

pytestmark = pytest.mark.django_db

STEP_ROUTES = (
    ("red_flags", "guide-red-flags"),
    ("reason", "guide-reason"),
    ("screen", "guide-screen"),
)
ASSESSMENT = "physiotherapy-initial-assessment"


@pytest.fixture
def world(personas):
    world = build_booking_world(personas)
    loading.service_load(
        service=replace(
            sample_service(
                "Physiotherapy initial assessment",
                minutes=60,
                buffer=10,
                resource_kinds=["treatment-room"],
            ),
            kind=ServiceKind.INITIAL_ASSESSMENT,
        ),
        today=NOW.date(),
    )
    return world


def start(client) -> None:
    response = client.post(reverse("guide-start"))
    assert response.status_code == 302
    assert response["Location"] == reverse("guide-red-flags")


def through(client, answers: dict[str, str | int]):
    """Answer every step with `answers`; the last response (the result's redirect)."""
    start(client)
    response = None
    for step, route in STEP_ROUTES:
        response = client.post(reverse(route), as_form(answers, step))
        assert response.status_code == 302, response.content.decode()[:2000]
        if response["Location"] == reverse("guide-result"):
            return response
    return response


def test_it_asks_the_red_flags_first_in_plain_words(client, world):
    page = client.get(reverse("guide-start")).content.decode()
    assert "Which treatment is right for me?" in page
    assert "911" in page
    start(client)
    page = client.get(reverse("guide-red-flags")).content.decode()
    assert "Step 1 of 3" in page
    assert page.count("<fieldset") == len(codes_of("red_flags"))
    assert page.count("<legend>") == len(codes_of("red_flags"))
    assert 'value="not_sure"' in page


def test_a_later_step_sends_the_visitor_back_to_the_first_unanswered(client, world):
    assert client.get(reverse("guide-screen"))["Location"] == reverse("guide-start")
    start(client)
    assert client.get(reverse("guide-screen"))["Location"] == reverse("guide-red-flags")
    client.post(reverse("guide-red-flags"), as_form(RED_FLAGS_NONE, "red_flags"))
    assert client.get(reverse("guide-screen"))["Location"] == reverse("guide-reason")
    assert client.get(reverse("guide-result"))["Location"] == reverse("guide-start")


def test_a_missing_answer_is_asked_again_with_an_error_summary(client, world):
    start(client)
    answers = as_form(RED_FLAGS_NONE, "red_flags")
    del answers["rf_fever"]
    response = client.post(reverse("guide-red-flags"), answers)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please check your answers" in page
    assert 'href="#q-rf_fever-box"' in page
    assert "Please answer this question." in page
    assert re.search(r'value="no"[^>]*checked', page)  # what they did answer stays chosen
    assert not GuideResult.objects.exists()


def test_an_answer_out_of_range_is_asked_again(client, world):
    start(client)
    client.post(reverse("guide-red-flags"), as_form(RED_FLAGS_NONE, "red_flags"))
    response = client.post(
        reverse("guide-reason"), {**as_form(BACK_PAIN, "reason"), "pain_now": "11"}
    )
    assert response.status_code == 200
    assert 'href="#q-pain_now-box"' in response.content.decode()
    wrong = client.post(
        reverse("guide-reason"), {**as_form(BACK_PAIN, "reason"), "reason": "magic"}
    )
    assert 'href="#q-reason-box"' in wrong.content.decode()


def test_a_contradiction_gets_the_question_back_never_a_recommendation(client, world):
    start(client)
    client.post(reverse("guide-red-flags"), as_form(RED_FLAGS_NONE, "red_flags"))
    client.post(reverse("guide-reason"), as_form(BACK_PAIN, "reason"))
    # Without JavaScript the follow-up is always on the page, saying when it applies,
    # with "does not apply" chosen (a radio button cannot be unticked).
    page = client.get(reverse("guide-screen")).content.decode()
    assert "Only if you answered “Yes” to “" in page
    assert re.search(r'id="q-pregnancy_high_risk-none" value=""\s*checked', page)
    contradictory = {**as_form(SCREEN_NONE, "screen"), "pregnancy_high_risk": "yes"}
    response = client.post(reverse("guide-screen"), contradictory)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'href="#q-pregnancy_high_risk-box"' in page
    assert "Book" not in page
    assert not GuideResult.objects.exists()
    # A pregnancy said yes, and its follow-up left out: asked for.
    pregnant = {**as_form(SCREEN_NONE, "screen"), "pregnant": "yes"}
    response = client.post(reverse("guide-screen"), pregnant)
    assert 'href="#q-pregnancy_high_risk-box"' in response.content.decode()
    assert not GuideResult.objects.exists()
    # "Does not apply" sent back as blank: no contradiction.
    blank = {**as_form(SCREEN_NONE, "screen"), "pregnancy_high_risk": ""}
    assert client.post(reverse("guide-screen"), blank)["Location"] == reverse("guide-result")
    assert "pregnancy_high_risk" not in GuideResult.objects.get().answers


def test_a_follow_up_that_does_not_apply_answered_no_is_no_contradiction(client, world):
    start(client)
    client.post(reverse("guide-red-flags"), as_form(RED_FLAGS_NONE, "red_flags"))
    client.post(reverse("guide-reason"), as_form(BACK_PAIN, "reason"))
    not_pregnant = {**as_form(SCREEN_NONE, "screen"), "pregnancy_high_risk": "no"}

    response = client.post(reverse("guide-screen"), not_pregnant)

    assert response["Location"] == reverse("guide-result")
    assert "pregnancy_high_risk" not in GuideResult.objects.get().answers


def test_an_emergency_ends_the_guide_at_once_with_no_booking(client, world, personas):
    start(client)
    response = client.post(reverse("guide-red-flags"), as_form(CHEST_PAIN, "red_flags"))
    assert response["Location"] == reverse("guide-result")
    page = client.get(response["Location"]).content.decode()
    assert "Call 911 or go to the nearest emergency department now" in page
    assert 'href="tel:911"' in page
    assert "/book/" not in page
    assert "Book " not in page
    assert personas.pickering.phone in page  # the "call us" path stays
    result = GuideResult.objects.get()
    assert result.level == "emergency"
    assert set(result.answers) == set(codes_of("red_flags"))


@pytest.mark.parametrize(
    ("flag", "level", "heading"),
    [
        ("rf_calf_swollen", "doctor_today", "Please see a doctor today"),
        ("rf_weight_loss", "doctor_first", "Please see your doctor before treatment"),
    ],
)
def test_a_doctor_result_says_what_to_do_and_offers_only_a_call(
    client, world, personas, flag, level, heading
):
    through(client, {**HEALTHY_BACK_PAIN, flag: "yes"})
    page = client.get(reverse("guide-result")).content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert "/book/" not in page
    assert "Book " not in page
    assert f'href="tel:{personas.pickering.phone}"' in page
    assert "not a diagnosis" in page
    assert GuideResult.objects.get().level == level


def test_a_suggested_visit_tells_the_therapist_what_to_take_care_with(client, world):
    through(client, {**HEALTHY_BACK_PAIN, "anticoagulants": "yes"})
    page = client.get(reverse("guide-result")).content.decode()
    assert "Your therapist will take care with" in page
    assert "Blood thinners" in page
    assert "[S" not in page  # the rule file's citations are for clinicians


def test_each_reason_says_every_answer_that_drove_it(client, world):
    injury = {**BACK_PAIN, "reason": "injury", "onset_weeks": 2, "pain_now": 8}
    through(client, {**RED_FLAGS_NONE, **injury, **SCREEN_NONE})
    page = client.get(reverse("guide-result")).content.decode()
    assert "A recent injury (under 6 weeks)" in page
    assert "Because you said “A recent injury" in page
    assert "and “2” to “How many weeks ago" in page
    assert "Because you said “8” to “How much does it hurt" in page


def test_a_suggested_visit_opens_booking_with_the_service_chosen(client, world):
    response = through(client, HEALTHY_BACK_PAIN)
    assert response["Location"] == reverse("guide-result")
    page = client.get(reverse("guide-result")).content.decode()
    assert "Because you said" in page
    book = f"{reverse('book-start')}?service={ASSESSMENT}"
    assert f'href="{book}"' in page
    step_one = client.get(book).content.decode()
    service = Service.objects.get(slug=ASSESSMENT)
    assert f'value="{service.pk}" required checked' in step_one
    assert "Have you been to our clinic before?" in step_one  # still asked


def test_the_result_is_stored_with_its_version_and_shown_as_it_was_told(client, world):
    through(client, HEALTHY_BACK_PAIN)
    result = GuideResult.objects.get()
    assert result.answers == HEALTHY_BACK_PAIN
    assert result.ruleset_version == 1
    assert result.level == "book"
    # What a later rule set would say never changes what this visitor reads.
    told = result.result
    told["recommendations"][0]["reasons"] = [{"code": "x", "answer": "y", "text": "As told then"}]
    GuideResult.objects.filter(pk=result.pk).update(result=told)
    assert "As told then" in client.get(reverse("guide-result")).content.decode()


def test_an_unknown_rule_set_version_is_refused(client, world):
    start(client)
    session = client.session
    session[SESSION_KEY] = {**session[SESSION_KEY], "version": 999}
    session.save()
    response = client.post(reverse("guide-red-flags"), as_form(RED_FLAGS_NONE, "red_flags"))
    assert response.status_code == 200  # a refusal shown in place, as pages show them
    assert "start the guide again" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert not GuideResult.objects.exists()


def test_no_answer_is_ever_in_an_address(client, world):
    start(client)
    addresses = []
    for step, route in STEP_ROUTES:
        response = client.post(reverse(route), as_form(HEALTHY_BACK_PAIN, step))
        addresses.append(response["Location"])
    page = client.get(reverse("guide-result")).content.decode()
    assert all("?" not in address for address in addresses)
    for code in HEALTHY_BACK_PAIN:
        assert f"{code}=" not in page
    assert all(form_method == "post" for form_method in _form_methods(page))


def _form_methods(page: str) -> list[str]:
    return re.findall(r'<form method="(\w+)"', page)


def test_starting_again_drops_the_earlier_answers(client, world):
    through(client, HEALTHY_BACK_PAIN)
    start(client)
    page = client.get(reverse("guide-red-flags")).content.decode()
    assert "checked" not in page


def test_the_guide_is_linked_from_home_physio_or_massage_and_booking(client, world):
    guide = reverse("guide-start")
    for route in ("home", "physio-or-massage", "book-start"):
        assert f'href="{guide}"' in client.get(reverse(route)).content.decode(), route


def test_booking_with_a_service_nobody_offers_online_chooses_nothing(client, world):
    page = client.get(f"{reverse('book-start')}?service=no-such-service")
    assert page.status_code == 200
    assert " checked" not in page.content.decode()


def pick_first_time(client, service: Service, world) -> None:
    query = f"?service={service.pk}&location={world.pickering.pk}&practitioner=&visit=new"
    page = client.get(reverse("book-times") + query).content.decode()
    value = re.search(r'name="pick" value="([^"]+)"', page)
    assert value
    response = client.post(
        reverse("book-times"),
        {
            "service": service.pk,
            "location": world.pickering.pk,
            "pick": value.group(1),
            "visit": "new",
        },
    )
    assert response["Location"] == reverse("book-details")


def test_a_new_patient_who_books_after_the_guide_has_it_on_their_record(client, world):
    through(client, HEALTHY_BACK_PAIN)
    result = GuideResult.objects.get()
    pick_first_time(client, Service.objects.get(slug=ASSESSMENT), world)
    prove(client, NEW["email"])
    review = client.post(reverse("book-new"), NEW)["Location"]
    result.refresh_from_db()
    assert result.patient is None  # not booked yet
    client.post(review, {"notice": "1", "consent": "yes"})
    patient = Patient.objects.get(email=NEW["email"])
    assert Appointment.objects.get(patient=patient).status == AppointmentStatus.BOOKED
    result.refresh_from_db()
    assert result.patient == patient
    event = AuditEvent.objects.get(object_type="guidance.guideresult")
    assert [link.patient_id for link in event.patient_links.all()] == [patient.pk]
    # On the record now: the browser's session keeps neither the answers nor the id.
    assert SESSION_KEY not in client.session
    assert "guide" not in client.session["online_booking"]


def test_a_returning_patient_who_books_after_the_guide_has_it_on_their_record(
    client, world, personas
):
    through(client, HEALTHY_BACK_PAIN)
    pick_first_time(client, world.follow_up, world)
    prove(client, "alice@persona.example")
    review = client.post(reverse("book-returning"), {"person": personas.patient_a.pk})["Location"]
    client.post(review, {"notice": "1", "consent": "yes"})
    assert GuideResult.objects.get().patient == personas.patient_a


def test_after_a_doctor_result_booking_offers_the_phone_not_a_treatment(client, world):
    start(client)
    client.post(reverse("guide-red-flags"), as_form(CHEST_PAIN, "red_flags"))

    page = client.get(reverse("book-start")).content.decode()

    assert "Please see a doctor before booking treatment" in page
    assert 'name="service"' not in page
    assert world.pickering.phone in page
    start(client)  # the guide started afresh: its earlier answer no longer speaks
    assert 'name="service"' in client.get(reverse("book-start")).content.decode()


def test_what_the_guide_was_told_follows_the_patient_booked_as_alerts(client, world, personas):
    through(client, {**HEALTHY_BACK_PAIN, "anticoagulants": "yes"})
    pick_first_time(client, world.follow_up, world)
    prove(client, "alice@persona.example")
    review = client.post(reverse("book-returning"), {"person": personas.patient_a.pk})["Location"]
    client.post(review, {"notice": "1", "consent": "yes"})

    alerts = Alert.objects.filter(patient=personas.patient_a)
    assert alerts.exists()
    assert {a.source for a in alerts} == {AlertSource.GUIDE}
    assert {a.rule for a in alerts} >= {"anticoagulants_deep_pressure"}
    assert {a.source_id for a in alerts} == {str(GuideResult.objects.get().pk)}


class TestQueries:
    def test_a_step_reads_in_a_fixed_number_of_queries(
        self, client, world, django_assert_num_queries
    ):
        start(client)
        with django_assert_num_queries(2):  # the session; the clinic's name for the header
            assert client.get(reverse("guide-red-flags")).status_code == 200

    def test_the_last_step_stores_the_result_in_a_fixed_number_of_queries(
        self, client, world, django_assert_num_queries
    ):
        start(client)
        client.post(reverse("guide-red-flags"), as_form(RED_FLAGS_NONE, "red_flags"))
        client.post(reverse("guide-reason"), as_form(BACK_PAIN, "reason"))
        # The session read; the result inserted and the session saved, each in its savepoint.
        with django_assert_num_queries(7):
            response = client.post(reverse("guide-screen"), as_form(SCREEN_NONE, "screen"))
        assert response["Location"] == reverse("guide-result")

    def test_the_result_reads_in_a_fixed_number_of_queries(
        self, client, world, django_assert_num_queries
    ):
        through(client, HEALTHY_BACK_PAIN)
        # The session, the result, the services suggested, the locations, the header.
        with django_assert_num_queries(5):
            assert client.get(reverse("guide-result")).status_code == 200
