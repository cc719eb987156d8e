"""A practitioner in the patient's care makes a treatment plan — from the chart, or from
a signed assessment note with its problem list — and reads it: goals beside the last
scores, the visits planned, booked and attended per course, the reassessment, the
ways on. Bad input is refused beside its field with nothing saved; everyone else gets
the same 404, on file."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.models import AuditEvent
from rehabdesk.outcomes.testing import answers_all, result_record
from rehabdesk.patients.services import care_assignment_add
from rehabdesk.plans.inputs import MeasureInput
from rehabdesk.plans.models import PlanCourse, PlanGoal, PlanMeasure, TreatmentPlan
from rehabdesk.web.tests.note_world import SIGNABLE
from rehabdesk.web.tests.plan_world import (
    a_plan,
    assessment,
    booked,
    discharge,
    goal,
    plan_post,
    plan_url,
    plan_world,
    signed_in,
    today,
)

pytestmark = pytest.mark.django_db


def _new(patient_id: int, note: int | None = None) -> str:
    url = reverse("plan-new", kwargs={"patient_id": patient_id})
    return f"{url}?note={note}" if note else url


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_a_plan_made_from_the_form_is_saved_whole_and_shown(personas):
    world = plan_world(personas)
    client = signed_in(personas, "physio")

    response = client.post(_new(world.patient.pk), plan_post(world))

    plan = TreatmentPlan.objects.get(patient=world.patient)
    assert response.status_code == 302
    assert response["Location"] == plan_url("plan-detail", plan)
    assert plan.problems == ["Sitting tolerance 20 minutes", "Cannot lift a laundry basket"]
    assert plan.practitioner == world.physio
    assert plan.reassess_after_visits == 8
    goals = list(PlanGoal.objects.filter(plan=plan).order_by("position"))
    assert [(g.text, g.instrument, g.target) for g in goals] == [
        ("Sits through a work day", "odi", 20),
        ("Lifts the laundry basket without pain", "", None),
    ]
    courses = PlanCourse.objects.filter(plan=plan).order_by("pk")
    assert [(c.service, c.visits, c.every_weeks, c.weeks) for c in courses] == [
        (world.follow_up, 2, 1, 6),
        (world.massage, 1, 2, 8),
    ]
    assert [c.discipline for c in courses] == [world.physiotherapy, world.massage_therapy]
    (measure,) = PlanMeasure.objects.filter(plan=plan)
    assert (measure.instrument, measure.at_start, measure.every_visits, measure.at_discharge) == (
        "odi",
        True,
        4,
        True,
    )

    page = _squash(client.get(response["Location"]).text)
    assert "The plan is made." in page
    assert "Sits through a work day" in page
    assert "0 of 16 planned visits attended · 0 booked" in page
    assert "2 visits every week for 6 weeks" in page
    assert "1 visit every 2 weeks for 8 weeks" in page
    # The ways on, one click away.
    assert f'href="{plan_url("plan-book", plan)}"' in page
    assert f'href="{plan_url("plan-discharge", plan)}"' in page
    assert f'href="{plan_url("plan-edit", plan)}"' in page


def test_a_plan_from_a_signed_assessment_starts_from_its_problem_list(personas):
    world = plan_world(personas)
    note = assessment(world)
    client = signed_in(personas, "physio")

    form = client.get(_new(world.patient.pk, note.pk))
    made = client.post(_new(world.patient.pk), plan_post(world, note=str(note.pk)))

    assert form.status_code == 200
    assert "Sitting tolerance 20 minutes\nCannot lift a laundry basket</textarea>" in form.text
    assert f'name="note" value="{note.pk}"' in form.text
    # The practitioner's own course is filled in to start with.
    assert f'<option value="{world.physio.pk}" selected>' in form.text
    assert made.status_code == 302
    assert TreatmentPlan.objects.get(patient=world.patient).assessment_note == note


def test_the_signed_assessment_leads_to_a_new_plan_and_a_follow_up_does_not(personas):
    world = plan_world(personas)
    initial = assessment(world)
    follow_up = assessment(world, code="physio-follow-up", content=SIGNABLE)
    client = signed_in(personas, "physio")

    on_initial = client.get(reverse("note-edit", args=[initial.pk])).text
    on_follow_up = client.get(reverse("note-edit", args=[follow_up.pk])).text

    assert f'href="{_new(world.patient.pk, initial.pk)}">Make a plan' in on_initial
    assert "Make a plan" not in on_follow_up


@pytest.mark.parametrize("which", ["draft", "follow_up", "other_patient", "unknown", "words"])
def test_a_plan_from_anything_but_this_patients_signed_assessment_is_refused(personas, which):
    world = plan_world(personas)
    # The physio cares for patient B too: their assessment is still not patient A's.
    care_assignment_add(
        actor=personas.front_desk,
        patient=world.other_patient,
        practitioner=world.physio,
        reason="Referral",
    )
    note = {
        "draft": lambda: assessment(world, sign=False).pk,
        "follow_up": lambda: assessment(world, code="physio-follow-up", content=SIGNABLE).pk,
        "other_patient": lambda: assessment(world, patient=world.other_patient).pk,
        "unknown": lambda: 999_999,
        "words": lambda: "first",
    }[which]()
    response = signed_in(personas, "physio").get(_new(world.patient.pk, note))
    assert response.status_code == 404
    assert "Low back pain" not in response.text


def test_a_goal_without_a_target_date_is_refused_beside_it_and_nothing_is_saved(personas):
    world = plan_world(personas)
    response = signed_in(personas, "physio").post(
        _new(world.patient.pk), plan_post(world, **{"goals-1-target_on": ""})
    )
    assert response.status_code == 200
    html = _squash(response.text)
    assert "Give the goal a target date." in html
    assert "Nothing is saved yet: 1 thing to correct below." in html
    # What was typed comes back.
    assert "Lifts the laundry basket without pain" in html
    assert "Cannot lift a laundry basket" in html
    assert not TreatmentPlan.objects.exists()


def test_a_plan_over_a_year_is_refused_and_nothing_is_saved(personas):
    world = plan_world(personas)
    client = signed_in(personas, "physio")
    beyond = (today() + timedelta(weeks=53)).isoformat()

    a_course_too_long = client.post(
        _new(world.patient.pk), plan_post(world, **{"courses-0-weeks": "60"})
    )
    a_goal_too_far = client.post(
        _new(world.patient.pk), plan_post(world, **{"goals-0-target_on": beyond})
    )

    assert "A plan runs a year at most (52 weeks)." in a_course_too_long.text
    # The services' refusal, beside the goal it is about.
    goal_error = re.search(
        r'id="id_goals-0-target_on_error">(.*?)</div>', a_goal_too_far.text, re.S
    )
    assert goal_error
    assert "at most 52 weeks" in goal_error.group(1)
    assert a_goal_too_far.status_code == 200
    assert not TreatmentPlan.objects.exists()
    assert not PlanGoal.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"problems": "  \r\n "}, "Write at least one problem."),
        ({"reassess_on": "", "reassess_after_visits": ""}, "Say when to reassess"),
        (
            {
                "goals-0-text": "",
                "goals-1-text": "",
                "goals-0-instrument": "",
                "goals-0-target": "",
                "goals-0-target_on": "",
                "goals-1-target_on": "",
            },
            "Write at least one goal.",
        ),
        (
            {
                "courses-0-service": "",
                "courses-0-practitioner": "",
                "courses-0-location": "",
                "courses-1-service": "",
                "courses-1-practitioner": "",
                "courses-1-location": "",
            },
            "Plan at least one course of visits.",
        ),
        ({"courses-0-visits": "two"}, "Enter a whole number."),
        ({"courses-1-practitioner": "PHYSIO"}, "Select a valid choice."),
        ({"goals-0-instrument": "womac"}, "Select a valid choice."),
        ({"goals-0-target": "twenty"}, "Enter a number."),
        ({"goals-0-target": "1e400"}, "Ensure that there are no more than 7 digits in total."),
        ({"starts_on": "0001-01-01"}, "Choose a date from 2000 to 2199."),
        (
            {
                "measures-0-at_start": "",
                "measures-0-every_visits": "",
                "measures-0-at_discharge": "",
            },
            "Say when to ask it",
        ),
        ({"courses-TOTAL_FORMS": "5000"}, "Please submit at most 6 forms."),
    ],
)
def test_bad_input_is_a_form_error_never_a_half_saved_plan(personas, changes, message):
    world = plan_world(personas)
    response = signed_in(personas, "physio").post(
        _new(world.patient.pk), plan_post(world, **changes)
    )
    assert response.status_code == 200
    assert message in response.text.replace("&#x27;", "'")
    assert not TreatmentPlan.objects.exists()


def test_a_physio_course_with_the_massage_therapist_is_refused_beside_the_practitioner(personas):
    world = plan_world(personas)
    response = signed_in(personas, "physio").post(
        _new(world.patient.pk),
        plan_post(world, **{"courses-0-practitioner": world.massage_therapist.pk}),
    )
    error = re.search(r'id="id_courses-0-practitioner_error">(.*?)</div>', response.text, re.S)
    assert error
    assert "does not practise physiotherapy" in error.group(1)
    assert not TreatmentPlan.objects.exists()


def test_more_rows_brings_the_page_back_as_typed_with_blank_rows_and_saves_nothing(personas):
    world = plan_world(personas)
    response = signed_in(personas, "physio").post(
        _new(world.patient.pk), {**plan_post(world, **{"goals-1-target_on": ""}), "more": "1"}
    )
    assert response.status_code == 200
    assert "Lifts the laundry basket without pain" in response.text
    assert "Give the goal a target date." not in response.text  # nothing checked yet
    assert 'name="goals-TOTAL_FORMS" value="4"' in response.text  # two written, two blank
    assert not TreatmentPlan.objects.exists()


@pytest.mark.parametrize(
    "who", ["front_desk", "manager", "massage_therapist", "patient_a", "outsider"]
)
def test_only_a_practitioner_in_care_opens_or_makes_a_plan(personas, who):
    world = plan_world(personas)
    plan = a_plan(world)
    client = signed_in(personas, who)
    for response in (
        client.get(plan_url("plan-detail", plan)),
        client.get(_new(world.patient.pk)),
        client.post(_new(world.patient.pk), plan_post(world)),
        client.get(plan_url("plan-edit", plan)),
        client.get(plan_url("plan-discharge", plan)),
    ):
        assert response.status_code == 404
        assert "Sits through a work day" not in response.text
    assert TreatmentPlan.objects.count() == 1
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.outcome) == ("deny", "denied")


def test_a_plan_is_refused_under_another_patients_address(personas):
    world = plan_world(personas)
    plan = a_plan(world)
    url = reverse("plan-detail", kwargs={"patient_id": world.other_patient.pk, "plan_id": plan.pk})
    assert signed_in(personas, "physio").get(url).status_code == 404


def test_a_plan_fallen_behind_warns_and_a_reassessment_due_prompts(personas):
    world = plan_world(personas)
    # Made and booked two weeks ago; none of its visits held since.
    then = timezone.now() - timedelta(weeks=2)
    plan = a_plan(world, now=then, reassess_on=today(), reassess_after_visits=None)
    booked(world, plan, now=then)

    html = _squash(signed_in(personas, "physio").get(plan_url("plan-detail", plan)).text)

    assert "Falling behind the plan." in html
    assert re.search(r"Follow-up: no visit held in the week from [A-Z][a-z]{2} \d{1,2}\.", html)
    assert "Reassessment due</strong> — planned for" in html
    assert 'class="behind"' in html


def test_the_plan_shows_the_last_score_against_each_goal(personas):
    world = plan_world(personas)
    plan = a_plan(world)  # ODI 20 or less in six weeks
    client = signed_in(personas, "physio")

    before = _squash(client.get(plan_url("plan-detail", plan)).text)
    result_record(
        patient=world.patient, instrument="odi", answers=answers_all("odi", 2), now=timezone.now()
    )
    first = _squash(client.get(plan_url("plan-detail", plan)).text)
    result_record(
        patient=world.patient, instrument="odi", answers=answers_all("odi", 1), now=timezone.now()
    )
    later = _squash(client.get(plan_url("plan-detail", plan)).text)

    assert "Target: ODI 20 or less" in before
    assert "No score yet" in before
    assert "Last score: <strong>40</strong>" in first
    assert "target reached" not in first
    assert "Last score: <strong>20</strong>" in later
    assert "— target reached" in later


@pytest.mark.parametrize(
    ("route", "who", "summary"),
    [
        ("plan-detail", "physio", "treatment plan"),
        ("plan-edit", "physio", "treatment plan"),
        ("plan-discharge", "physio", "treatment plan"),
        ("plan-book", "physio", "treatment plan booking (times)"),
        ("plan-book", "front_desk", "treatment plan booking (times)"),
    ],
)
def test_each_plan_page_is_on_file_as_one_event(personas, route, who, summary):
    world = plan_world(personas)
    plan = a_plan(world)
    before = AuditEvent.objects.count()

    assert signed_in(personas, who).get(plan_url(route, plan)).status_code == 200

    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.object_type, event.object_id, event.summary) == (
        "view",
        "plans.treatmentplan",
        str(plan.pk),
        summary,
    )
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [world.patient.pk]


def test_a_new_plan_from_an_assessment_is_one_event_the_notes(personas):
    world = plan_world(personas)
    note = assessment(world)
    before = AuditEvent.objects.count()

    signed_in(personas, "physio").get(_new(world.patient.pk, note.pk))

    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.object_type, event.object_id) == (
        "view",
        "care.visitnote",
        str(note.pk),
    )
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [world.patient.pk]


def test_making_a_plan_is_on_file_and_names_no_content(personas):
    world = plan_world(personas)
    before = AuditEvent.objects.count()
    signed_in(personas, "physio").post(_new(world.patient.pk), plan_post(world))
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [e.action for e in events] == ["view", "create"]
    assert all("laundry" not in e.summary for e in events)


def _queries(client, url) -> int:
    client.get(url)  # the session and the clinic's header, once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_plan_pages_query_count_does_not_grow_with_its_goals_courses_and_visits(personas):
    world = plan_world(personas)
    client = signed_in(personas, "physio")
    small = booked(world, a_plan(world, courses=[world.course(weeks=2)]))
    few = _queries(client, plan_url("plan-detail", small))
    discharge(small)
    big = booked(
        world,
        a_plan(
            world,
            courses=[world.course(), world.course(massage=True, every_weeks=2, weeks=8)],
            goals=[goal(n) for n in range(4)],
            measures=[MeasureInput(instrument="odi"), MeasureInput(instrument="nprs")],
        ),
    )
    # The plan's look (the plan, the care relationship, the audit event), its progress
    # (plans.selectors.plan_progress) and its measures, the session and the menu.
    assert _queries(client, plan_url("plan-detail", big)) == few == 18
