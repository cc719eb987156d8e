"""New patients — their first visit checked in during the period — and where they heard
of us (their intake's answer to "How did you hear of us?", "Not told" otherwise).

The week of Monday March 8, 2027 at Pickering: Alice (intake: "My doctor") and Charlie
(intake: "My doctor", a health answer beside it) come for the first time; Grace comes
for the first time without an intake; Bob came on March 5 already and comes again; an
outsider's booking is cancelled and so never a visit.
"""

from __future__ import annotations

from datetime import date

import pytest

from rehabdesk.billing.selectors.report_visits import NOT_TOLD, new_patients
from rehabdesk.billing.selectors.reports import Period, report_scope
from rehabdesk.intake.choices import IntakeChannel, IntakeStatus
from rehabdesk.intake.models import IntakeResponse
from rehabdesk.scheduling.services import appointment_arrive, appointment_book
from rehabdesk.scheduling.testing import at, build_booking_world

pytestmark = pytest.mark.django_db

WEEK = Period(date(2027, 3, 8), date(2027, 3, 12))
EARLY = at(1, 8)


def visit(world, start, patient):
    booked = appointment_book(request=world.request(start, patient=patient), actor=None, now=EARLY)
    appointment_arrive(appointment=booked, actor=None, now=start)


def intake(patient, **answers):
    IntakeResponse.objects.create(
        patient=patient,
        form_version=1,
        answers=answers,
        status=IntakeStatus.SUBMITTED,
        channel=IntakeChannel.ONLINE,
        started_at=EARLY,
        updated_at=EARLY,
        submitted_at=EARLY,
    )


@pytest.fixture
def week(personas):
    world = build_booking_world(personas)
    intake(personas.patient_a, heard_from="doctor")
    intake(personas.child, heard_from="doctor", pain_now=7)
    intake(personas.patient_b, heard_from="friend")
    visit(world, at(5, 9), personas.patient_b)
    visit(world, at(8, 9), personas.patient_b)
    visit(world, at(8, 10), personas.patient_a)
    visit(world, at(9, 10), personas.patient_a)
    visit(world, at(9, 11), personas.child)
    visit(world, at(10, 9), personas.guardian)
    return world


def test_it_counts_first_visits_by_where_they_heard_of_us(week):
    report = new_patients(period=WEEK, scope=report_scope())
    assert [(row.key, row.label, row.patients) for row in report.rows] == [
        ("doctor", "My doctor", 2),
        ("not_told", NOT_TOLD, 1),
    ]
    assert report.patients == 3


def test_it_gives_each_source_its_share(week):
    report = new_patients(period=WEEK, scope=report_scope())
    assert [str(report.share(row)) for row in report.rows] == ["66.7", "33.3"]


def test_it_does_not_count_a_patient_seen_before_the_period_again(week):
    later = Period(date(2027, 3, 9), date(2027, 3, 12))
    report = new_patients(period=later, scope=report_scope())
    # Alice's first visit was on the 8th: only Charlie and Grace are new from the 9th.
    assert [(row.label, row.patients) for row in report.rows] == [
        ("My doctor", 1),
        (NOT_TOLD, 1),
    ]


def test_it_counts_a_visit_at_another_location_only_there(week):
    milton = report_scope(location_ids=[week.milton.pk])
    assert new_patients(period=WEEK, scope=milton).rows == []
