"""The chart's treatment plan lines: the active plan's progress in one line with its
link, the way to make one where there is none, the plans closed before, all read in
a fixed number of queries and covered by the chart's one audit event."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.web.tests.plan_world import (
    a_plan,
    booked,
    discharge,
    goal,
    plan_url,
    plan_world,
    signed_in,
)

pytestmark = pytest.mark.django_db


def _chart(personas) -> str:
    response = signed_in(personas, "physio").get(
        reverse("patient-chart", args=[personas.patient_a.pk])
    )
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.text)


def test_without_a_plan_the_chart_offers_to_make_one(personas):
    plan_world(personas)
    html = _chart(personas)
    new = reverse("plan-new", kwargs={"patient_id": personas.patient_a.pk})
    assert f'No active plan. <a href="{new}">Make a plan</a>' in html


def test_the_active_plan_is_one_line_of_progress_with_its_link(personas):
    world = plan_world(personas)
    plan = booked(world, a_plan(world, courses=[world.course(weeks=2)]))
    html = _chart(personas)
    link = f'<a href="{plan_url("plan-detail", plan)}">Plan from '
    assert link in html
    line = html[html.index(link) :]
    assert ": 0 of 4 visits attended, 4 booked" in line[:200]
    assert "Make a plan" not in html
    # The plan section sits with the record's summary, above the visits and entries.
    assert html.index('id="plans-heading"') < html.index('id="history-heading"')


def test_a_plan_not_booked_yet_says_so_rather_than_behind(personas):
    world = plan_world(personas)
    a_plan(world, courses=[world.course(weeks=2)])
    html = _chart(personas)
    assert '0 of 4 visits attended, 0 booked <span class="tag">Not booked yet</span>' in html
    assert "Behind" not in html


def test_plans_closed_before_are_listed_behind_a_toggle(personas):
    world = plan_world(personas)
    old = discharge(a_plan(world))
    html = _chart(personas)
    assert "<summary>Closed plans (1)</summary>" in html
    assert f'href="{plan_url("plan-detail", old)}"' in html
    assert "Goals met" in html


def test_the_chart_shows_its_plans_under_its_own_single_event(personas):
    world = plan_world(personas)
    a_plan(world)
    before = AuditEvent.objects.count()
    _chart(personas)
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert event.summary == "clinical chart"


def _queries(personas) -> int:
    client = signed_in(personas, "physio")
    url = reverse("patient-chart", args=[personas.patient_a.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_charts_query_count_does_not_grow_with_the_plans(personas):
    world = plan_world(personas)
    first = booked(world, a_plan(world, courses=[world.course(weeks=2)]))
    few = _queries(personas)
    discharge(first)
    booked(
        world,
        a_plan(
            world,
            courses=[world.course(weeks=3), world.course(massage=True, every_weeks=2, weeks=4)],
            goals=[goal(n) for n in range(3)],
        ),
    )
    discharge(a_plan(world))
    # The chart's own reads (22: the visits the lockbox withholds, the corrections and
    # statements of disagreement among them), the patient's plans with their goals and
    # courses (three), the active plan's progress (plans.selectors.plan_progress: four, its
    # goals and courses already read): none of it grows with the plans, goals, courses or
    # visits. 32 with the exercise programs' section (one) and the outcome measures' (two).
    assert _queries(personas) == few == 32
