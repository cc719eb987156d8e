"""The demo's treatment plans, home programs and outcome measures (demo/progress.py), as
the demo practitioner would find them: her patients improving, on a plateau and getting
worse on their charts, one discharged with a summary, each plan's visits and measures
tied together; the patient who signs in has today's exercises to tick and a
questionnaire to answer from an e-mailed link. Every score is the scoring package's.

One demo, loaded two weeks either side of NOW, is shared by the module; these tests
only read it (and open the link, which reads)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from io import StringIO
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import resolve

from rehabdesk.audit.models import AuditEvent
from rehabdesk.demo.clinic import PRACTITIONERS
from rehabdesk.demo.patients import regular_patient_email
from rehabdesk.demo.progress import SCORES, SIGNS_IN_SCORES, demo_measure_link
from rehabdesk.demo.tests.shared import NOW, TORONTO
from rehabdesk.exercises.models import Program, ProgramSession
from rehabdesk.exercises.selectors import adherence, program_today
from rehabdesk.outcomes.models import MeasureRequest, MeasureResult
from rehabdesk.outcomes.scoring import Instrument, Verdict, judge_change, score
from rehabdesk.outcomes.selectors import measure_series, request_by_token
from rehabdesk.plans.choices import PlanStatus
from rehabdesk.plans.models import PlanCourse, PlanGoal, TreatmentPlan
from rehabdesk.plans.selectors import plan_progress

pytestmark = pytest.mark.django_db

TODAY = NOW.astimezone(TORONTO).date()


def _plans() -> list[TreatmentPlan]:
    return list(
        TreatmentPlan.objects.filter(practitioner__user__email=PRACTITIONERS[0].email)
        .select_related("patient")
        .order_by("pk")
    )


def _main(plan: TreatmentPlan) -> Instrument:
    """The plan's first goal's measure: the course's main one (ODI, LEFS, QuickDASH)."""
    return Instrument(PlanGoal.objects.get(plan=plan, position=1).instrument)


def _verdict(plan: TreatmentPlan) -> Verdict:
    points = measure_series(patient_id=plan.patient_id)[_main(plan)]
    return judge_change(_main(plan), baseline=points[0].score, follow_up=points[-1].score).verdict


def _signs_in(plan: TreatmentPlan) -> bool:
    return plan.patient.user_id is not None


def test_her_charts_show_one_improving_one_on_a_plateau_one_worse_and_one_discharged(
    shared_demo,
):
    plans = _plans()
    active = [p for p in plans if p.status == PlanStatus.ACTIVE and not _signs_in(p)]
    [discharged] = [p for p in plans if p.status == PlanStatus.DISCHARGED]

    assert len(plans) == 5
    assert sorted(_verdict(plan) for plan in active) == sorted(
        [Verdict.IMPROVED, Verdict.NO_CLEAR_CHANGE, Verdict.WORSENED]
    )
    assert _verdict(discharged) == Verdict.IMPROVED
    worse = next(plan for plan in active if _verdict(plan) == Verdict.WORSENED)
    assert plan_progress(plan=worse, now=NOW).reassessment.due


def test_each_patient_has_three_to_six_scores_of_each_of_the_plans_measures(shared_demo):
    for plan in _plans():
        series = measure_series(patient_id=plan.patient_id)
        asked = set(plan.measures.values_list("instrument", flat=True))
        least, most = (SIGNS_IN_SCORES, SIGNS_IN_SCORES) if _signs_in(plan) else SCORES

        assert len(asked) == 2
        assert asked == set(series), plan.patient
        for instrument in asked:
            assert 3 <= least <= len(series[Instrument(instrument)]) <= most <= 6


def test_every_score_is_the_scoring_package_s_for_the_answers_kept(shared_demo):
    results = list(MeasureResult.objects.all())

    assert len(results) >= 5 * 2 * 4
    for result in results:
        scored = score(result.instrument, result.responses)
        assert scored.score == result.score
        assert scored.version == result.scoring_version
        assert (scored.band or "") == result.band
    recorded = AuditEvent.objects.filter(summary__startswith="outcome measure recorded")
    assert recorded.count() == len(results)


def test_scores_taken_at_a_visit_are_the_plan_s_own_visits_and_answer_its_requests(
    shared_demo,
):
    at_visits = MeasureResult.objects.filter(appointment__isnull=False).select_related(
        "appointment", "request"
    )

    assert at_visits.exists()
    for result in at_visits:
        plan = TreatmentPlan.objects.get(patient_id=result.patient_id)
        series = PlanCourse.series.through.objects.filter(plancourse__plan=plan)
        assert result.appointment.series_id in set(
            series.values_list("appointmentseries_id", flat=True)
        )
        assert result.request is not None
        assert result.request.plan_id == plan.pk
        assert result.taken_at < result.appointment.start


def test_the_plans_visits_are_tied_to_their_course_and_followed(shared_demo):
    followed = [plan_progress(plan=plan, now=NOW) for plan in _plans()]

    assert sum(progress.booked for progress in followed) > 0
    assert all(progress.planned == 6 for progress in followed)
    for progress in followed:
        assert progress.attended <= progress.booked


def test_the_discharged_plan_keeps_its_summary_its_goals_judged_and_its_program_stopped(
    shared_demo,
):
    [plan] = [p for p in _plans() if p.status == PlanStatus.DISCHARGED]
    program = Program.objects.get(patient=plan.patient)

    assert plan.discharged_at is not None
    assert plan.discharged_at.astimezone(TORONTO).date() == TODAY - timedelta(weeks=3)
    assert "Last scores at discharge:" in plan.discharge_summary
    assert set(plan.goals.values_list("outcome", flat=True)) == {"met"}
    assert program.stopped_at == plan.discharged_at


def test_home_programs_were_ticked_on_a_realistic_share_of_the_last_four_weeks(shared_demo):
    shares = {}
    for plan in _plans():
        [program] = Program.objects.filter(patient=plan.patient)
        ticks = ProgramSession.objects.filter(program=program)
        if plan.status == PlanStatus.DISCHARGED:
            continue
        percent = adherence(program=program, today=TODAY).last_28.percent
        shares[plan.pk] = percent

        assert program.starts_on == TODAY - timedelta(days=27)
        assert not ticks.filter(day=TODAY).exists()
        assert not ticks.filter(day__lt=program.starts_on).exists()
        assert 20 <= percent <= 95, (plan.patient, percent)
        assert ticks.filter(pain__isnull=False).exists()
    by_verdict = {
        _verdict(plan): shares[plan.pk]
        for plan in _plans()
        if plan.pk in shares and not _signs_in(plan)
    }
    assert by_verdict[Verdict.IMPROVED] > by_verdict[Verdict.WORSENED]


def test_the_patient_who_signs_in_has_today_s_exercises_and_a_questionnaire_e_mailed(
    shared_demo,
):
    email = regular_patient_email()
    [plan] = [p for p in _plans() if _signs_in(p)]
    [program] = Program.objects.filter(patient=plan.patient, stopped_at__isnull=True)
    [request] = MeasureRequest.objects.filter(patient=plan.patient, result__isnull=True)
    link = demo_measure_link(email=email)

    assert plan.patient.email == email
    # Left to book: README's walk books it.
    assert not PlanCourse.series.through.objects.filter(plancourse__plan=plan).exists()
    assert program_today(program=program, today=TODAY).next_number == 1
    assert program.reminder_at is not None
    assert (request.instrument, request.due_on, request.plan_id) == ("nprs", TODAY, plan.pk)
    assert request.sent_at == NOW
    assert link is not None
    token = urlsplit(link).path.split("/")[2]
    assert request_by_token(token) == request
    # Opened on the demo's day (NOW): past the request's last day the link is refused.
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        page = Client().get(urlsplit(link).path)
    assert page.status_code == 200
    assert "Pain rating" in page.text


def test_plans_and_programs_are_on_the_audit_trail_as_their_services_write_them(shared_demo):
    summaries = Counter(
        AuditEvent.objects.filter(
            summary__in=[
                "treatment plan written",
                "treatment plan discharged",
                "home exercise program prescribed",
                "home exercise program stopped",
                "home exercise reminder set",
                "outcome measure request e-mailed",
            ]
        ).values_list("summary", flat=True)
    )

    assert summaries == {
        "treatment plan written": 5,
        "treatment plan discharged": 1,
        "home exercise program prescribed": 5,
        "home exercise program stopped": 1,
        "home exercise reminder set": 1,
        "outcome measure request e-mailed": 1,
    }


def test_the_welcome_lists_each_plan_s_chart_and_the_questionnaire_s_link(shared_demo):
    out = StringIO()
    call_command("demo_welcome", stdout=out)
    lines = out.getvalue().splitlines()
    heading = next(n for n, line in enumerate(lines) if line.startswith("Treatment plans"))
    charts = lines[heading + 1 : lines.index("", heading)]
    [questionnaire] = [line for line in lines if "Questionnaire (e-mailed)" in line]

    assert [line.split("  ")[1].strip() for line in charts] == [
        "Improving (ODI)",
        "On a plateau (LEFS)",
        "Worsening (QuickDASH)",
        "Discharged",
        "Signs in (exercises)",
    ]
    for line in charts:
        url = next(word for word in line.split() if word.startswith("http"))
        assert resolve(urlsplit(url).path).url_name == "patient-chart"
    assert demo_measure_link(email=regular_patient_email()) in questionnaire
