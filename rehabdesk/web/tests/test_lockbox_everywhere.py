"""The lockbox applied everywhere: a patient withholds their record (or one visit's
notes) from a practitioner; every reader of clinical content refuses them, what is not
clinical stays; an opening (consent or emergency) lets them in until it expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rehabdesk.access import chart, documents, exercises, notes, outcomes, plans, safety
from rehabdesk.access.accessors import patient_for, patients_for
from rehabdesk.access.errors import AccessDenied, RecordWithheld
from rehabdesk.access.lockbox import visits_withheld
from rehabdesk.access.policy import Action, may, person_for, withheld_from
from rehabdesk.care.choices import CopyPurpose
from rehabdesk.clinic.models import Discipline, HomeLocation, Location
from rehabdesk.consents.choices import ConsentChannel, DirectiveMode, DirectiveScope, OverrideKind
from rehabdesk.consents.errors import ConsentError, ConsentErrorCode
from rehabdesk.consents.lockbox import (
    OPENING_LASTS,
    directive_set,
    directive_withdraw,
    override_open,
)
from rehabdesk.consents.models import LockboxOverride
from rehabdesk.core.clock import date_and_clock
from rehabdesk.outcomes.choices import RequestPurpose
from rehabdesk.outcomes.models import MeasureResult
from rehabdesk.outcomes.scoring import Instrument
from rehabdesk.outcomes.selectors import latest_scores, measure_series
from rehabdesk.outcomes.testing import request_make, result_record
from rehabdesk.plans.choices import DischargeReason, GoalOutcome
from rehabdesk.plans.inputs import CourseInput, GoalInput
from rehabdesk.plans.models import TreatmentPlan
from rehabdesk.plans.services import plan_create, plan_discharge
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.testing import BookingWorld, at
from rehabdesk.web.tests.chart_record import entry
from rehabdesk.web.tests.note_world import note_world

NOW = timezone.now


def withhold(personas, mode=DirectiveMode.FROM_NAMED, named=("physio",), **more):
    return directive_set(
        patient=more.pop("patient", personas.patient_a),
        scope=more.pop("scope", DirectiveScope.RECORD),
        mode=mode,
        practitioner_ids=[getattr(personas, n).pk for n in named],
        channel=ConsentChannel.ONLINE,
        actor=personas.patient_a.user,
        now=NOW(),
        **more,
    )


def user(personas):
    # A fresh account object each time: person_for caches on it.
    return type(personas.physio.user).objects.get(pk=personas.physio.user_id)


# Every reader of patient A's clinical content, as the physio in their care.
READERS = {
    "chart": lambda u, p: chart.chart_for(user=u, patient_id=p.patient_a.pk, now=NOW()),
    "printed copy": lambda u, p: chart.chart_export_for(
        user=u,
        patient_id=p.patient_a.pk,
        since=None,
        until=None,
        purpose=CopyPurpose.PATIENT,
        now=NOW(),
    ),
    "notes": lambda u, p: notes.notes_for(user=u, patient_id=p.patient_a.pk),
    "documents": lambda u, p: documents.documents_for(user=u, patient_id=p.patient_a.pk),
    # The chart's measures come with the chart (measures_on_chart takes it); entering
    # one shows the activities named last time.
    "measure to enter": lambda u, p: outcomes.measure_to_record(user=u, patient_id=p.patient_a.pk),
    "exercises": lambda u, p: exercises.programs_for(user=u, patient_id=p.patient_a.pk, now=NOW()),
    "plan to start": lambda u, p: plans.plan_start_for(user=u, patient_id=p.patient_a.pk),
    "entry to write": lambda u, p: notes.patient_for_note(user=u, patient_id=p.patient_a.pk),
}


@pytest.mark.parametrize("reader", READERS)
def test_every_reader_of_clinical_content_refuses_a_withheld_record(personas, reader):
    READERS[reader](user(personas), personas)  # in care: shown
    withhold(personas)
    with pytest.raises(AccessDenied):
        READERS[reader](user(personas), personas)


@pytest.mark.parametrize("reader", READERS)
def test_an_opening_lets_them_in_and_it_expires(personas, reader):
    withhold(personas)
    opening = override_open(
        patient=personas.patient_a,
        practitioner=personas.physio,
        kind=OverrideKind.CONSENT,
        reason="Patient agreed at the visit",
        actor=personas.physio.user,
        now=NOW(),
    )
    READERS[reader](user(personas), personas)
    LockboxOverride.objects.filter(pk=opening.pk).update(
        starts_at=NOW() - OPENING_LASTS - timedelta(minutes=1),
        expires_at=NOW() - timedelta(minutes=1),
    )
    with pytest.raises(AccessDenied):
        READERS[reader](user(personas), personas)


def test_the_chart_tells_a_withheld_record_from_one_not_in_care(personas):
    withhold(personas, named=("physio", "massage_therapist"))
    with pytest.raises(RecordWithheld):
        chart.chart_for(user=user(personas), patient_id=personas.patient_a.pk, now=NOW())
    # Outside the care circle the same 404 as ever: no hint a directive exists.
    therapist = personas.massage_therapist.user
    with pytest.raises(AccessDenied) as refused:
        chart.chart_for(user=therapist, patient_id=personas.patient_a.pk, now=NOW())
    assert not isinstance(refused.value, RecordWithheld)


@pytest.mark.parametrize(
    ("mode", "named", "withheld"),
    [
        (DirectiveMode.FROM_NAMED, ("physio",), True),
        (DirectiveMode.FROM_NAMED, ("massage_therapist",), False),
        (DirectiveMode.ALL_BUT_NAMED, ("massage_therapist",), True),
        (DirectiveMode.ALL_BUT_NAMED, ("physio",), False),
        (DirectiveMode.ALL_BUT_NAMED, (), True),
    ],
)
def test_whom_a_directive_withholds_from(personas, mode, named, withheld):
    withhold(personas, mode=mode, named=named)
    person = person_for(user(personas))
    assert may(person, Action.VIEW_CLINICAL, personas.patient_a.pk) is not withheld
    assert may(person, Action.CHANGE_CLINICAL, personas.patient_a.pk) is not withheld
    assert withheld_from(person, personas.patient_a.pk) is withheld


def test_a_withdrawn_directive_withholds_nothing(personas):
    directive = withhold(personas)
    directive_withdraw(directive=directive, actor=personas.patient_a.user, now=NOW())
    assert may(person_for(user(personas)), Action.VIEW_CLINICAL, personas.patient_a.pk)


def test_what_is_not_clinical_stays_the_name_bookings_and_search(personas):
    withhold(personas)
    u = user(personas)
    person = person_for(u)
    assert may(person, Action.VIEW_DEMOGRAPHICS, personas.patient_a.pk)
    assert may(person, Action.MANAGE_BOOKINGS, personas.patient_a.pk)
    patient_for(user=u, patient_id=personas.patient_a.pk, action=Action.VIEW_DEMOGRAPHICS)
    found = patients_for(
        user=u, patients=[personas.patient_a], summary="search", object_type="web.patient_search"
    )
    assert found == [personas.patient_a]
    # The safety panel: "held" or not, never the alerts' detail.
    assert safety.safety_panel_for(user=u, patient_id=personas.patient_a.pk).record is None


def test_break_glass_outside_the_care_circle(personas):
    therapist = personas.massage_therapist
    person = person_for(therapist.user)
    assert not may(person, Action.VIEW_CLINICAL, personas.patient_a.pk)
    override_open(
        patient=personas.patient_a,
        practitioner=therapist,
        kind=OverrideKind.EMERGENCY,
        reason="Collapsed in the waiting room",
        actor=therapist.user,
        now=NOW(),
    )
    assert may(person, Action.VIEW_CLINICAL, personas.patient_a.pk)
    chart.chart_for(user=therapist.user, patient_id=personas.patient_a.pk, now=NOW())
    # Nobody else is let in by it.
    assert not may(person, Action.VIEW_CLINICAL, personas.patient_b.pk)


def test_one_visits_notes_withheld_leave_the_rest_of_the_record(personas):
    world = note_world(personas)
    visit = world.visit()
    hidden = world.signed(visit=visit)
    kept = entry(personas.physio, personas.patient_a, "Knee", days_ago=1)
    withhold(personas, scope=DirectiveScope.VISIT, appointment_id=visit.pk)
    u = user(personas)
    seen = chart.chart_for(user=u, patient_id=personas.patient_a.pk, now=NOW())
    assert [e.note.pk for e in seen.entries] == [kept.pk]
    assert seen.withheld_notes == 1
    listed = notes.notes_for(user=u, patient_id=personas.patient_a.pk)
    assert [e.note.pk for e in listed] == [kept.pk]
    with pytest.raises(AccessDenied):
        notes.note_for(user=u, note_id=hidden.pk)
    notes.note_for(user=u, note_id=kept.pk)
    copy = chart.chart_export_for(
        user=u,
        patient_id=personas.patient_a.pk,
        since=None,
        until=None,
        purpose=CopyPurpose.PATIENT,
        now=NOW(),
    )
    assert [e.note.pk for e in copy.entries] == [kept.pk]


def test_my_day_badges_leave_out_a_withheld_record(personas):
    from rehabdesk.safety.choices import AlertLevel
    from rehabdesk.safety.services import alert_add

    alert_add(
        patient=personas.patient_a,
        level=AlertLevel.MODIFY,
        modalities=[],
        reason="Blood thinners",
        actor=personas.physio.user,
        now=NOW(),
    )
    ids = [personas.patient_a.pk]
    assert safety.day_safety_for(user=user(personas), patient_ids=ids).badges
    withhold(personas)
    assert not safety.day_safety_for(user=user(personas), patient_ids=ids).badges


def test_a_visit_of_someone_else_is_refused(personas):
    visit = note_world(personas).visit()  # patient A's
    with pytest.raises(ConsentError) as refused:
        withhold(
            personas,
            patient=personas.patient_b,
            scope=DirectiveScope.VISIT,
            appointment_id=visit.pk,
        )
    assert refused.value.code == ConsentErrorCode.NOT_THEIR_VISIT


# --- A withheld visit is withheld whole ------------------------------------------------
# Patient A withholds one visit (9 March 2027) from the physio ("covered"), or from the
# massage therapist ("someone else": the physio sees it all), or from the physio who has
# an opening now ("opened"). Its score is the latest PSFS; the other visit's (10 March,
# a day older) is what a covered physio sees instead.
CASES = {"covered": False, "someone else": True, "opened": True}


@dataclass
class Withheld:
    visit: Appointment  # withheld
    other: Appointment  # not withheld
    hidden: MeasureResult  # the withheld visit's PSFS, the latest
    kept: MeasureResult  # the other visit's, a day older
    sees: bool  # whether the physio sees the withheld visit's content
    booking: BookingWorld


def visit_withheld(personas, case: str) -> Withheld:
    world = note_world(personas)
    visit, other = world.visit(), world.visit(start=at(10, 10))
    kept = result_record(
        patient=personas.patient_a,
        instrument=Instrument.PSFS,
        answers={"1": 3},
        activities={"1": "Gardening"},
        appointment=other,
        recorded_by=personas.physio.user,
        now=NOW() - timedelta(days=1),
    )
    hidden = result_record(
        patient=personas.patient_a,
        instrument=Instrument.PSFS,
        answers={"1": 7},
        activities={"1": "Climbing stairs"},
        appointment=visit,
        recorded_by=personas.physio.user,
        now=NOW(),
    )
    named = ("massage_therapist",) if case == "someone else" else ("physio",)
    withhold(personas, named=named, scope=DirectiveScope.VISIT, appointment_id=visit.pk)
    if case == "opened":
        override_open(
            patient=personas.patient_a,
            practitioner=personas.physio,
            kind=OverrideKind.EMERGENCY,
            reason="Fell in the gym",
            actor=personas.physio.user,
            now=NOW(),
        )
    return Withheld(visit, other, hidden, kept, CASES[case], world.booking)


@pytest.mark.parametrize("case", CASES)
def test_a_withheld_visit_s_measures_are_withheld_whole(personas, case):
    w = visit_withheld(personas, case)
    u, patient_id = user(personas), personas.patient_a.pk
    # The chart's scores.
    seen = chart.chart_for(user=u, patient_id=patient_id, now=NOW())
    series = outcomes.measures_on_chart(chart=seen).series[Instrument.PSFS]
    shown = [w.kept.pk, w.hidden.pk] if w.sees else [w.kept.pk]
    assert [point.result_id for point in series] == shown
    # The visit's own scores (the note pages).
    of_visit = outcomes.visit_results_for(user=u, patient_id=patient_id, appointment_id=w.visit.pk)
    assert [r.pk for r in of_visit] == ([w.hidden.pk] if w.sees else [])
    of_other = outcomes.visit_results_for(user=u, patient_id=patient_id, appointment_id=w.other.pk)
    assert [r.pk for r in of_other] == [w.kept.pk]
    # Entering a measure: for the visit, refused; the activities to re-rate, the latest seen.
    to_record = outcomes.measure_to_record(user=u, patient_id=patient_id)
    assert to_record.activities == {"1": "Climbing stairs" if w.sees else "Gardening"}
    if w.sees:
        outcomes.measure_to_record(user=u, patient_id=patient_id, appointment_id=w.visit.pk)
    else:
        with pytest.raises(AccessDenied):
            outcomes.measure_to_record(user=u, patient_id=patient_id, appointment_id=w.visit.pk)
    # Writing the visit's note.
    if w.sees:
        notes.visit_for_note(user=u, appointment_id=w.visit.pk)
    else:
        with pytest.raises(AccessDenied):
            notes.visit_for_note(user=u, appointment_id=w.visit.pk)
    notes.visit_for_note(user=u, appointment_id=w.other.pk)


def a_plan_with_measures(personas, w: Withheld) -> TreatmentPlan:
    """Patient A's plan by the physio: a PSFS goal of 8 or more, a measure asked for each
    of the two visits."""
    world = w.booking
    plan = plan_create(
        patient=personas.patient_a,
        practitioner=personas.physio,
        problems=["Knee pain on stairs"],
        goals=[GoalInput("Stairs without pain", date(2027, 4, 30), "psfs", Decimal(8))],
        courses=[
            CourseInput(
                discipline_id=Discipline.objects.get(slug="physiotherapy").pk,
                service_id=world.follow_up.pk,
                practitioner_id=personas.physio.pk,
                location_id=world.pickering.pk,
                visits=1,
                weeks=4,
                every_weeks=1,
            )
        ],
        measures=[],
        starts_on=date(2027, 3, 8),
        reassess_on=None,
        reassess_after_visits=4,
        discharge_criteria="Stairs without pain",
        user=personas.physio.user,
        now=NOW(),
    )
    for visit in (w.visit, w.other):
        request_make(
            patient=personas.patient_a,
            now=NOW(),
            instrument=Instrument.PSFS,
            appointment=visit,
            purpose=RequestPurpose.PROGRESS,
            plan_id=plan.pk,
        )
    return plan


@pytest.mark.parametrize("case", CASES)
def test_a_plan_shows_no_score_nor_measure_of_a_withheld_visit(personas, case):
    w = visit_withheld(personas, case)
    plan = a_plan_with_measures(personas, w)
    u = user(personas)
    progress = plans.plan_progress_for(user=u, plan=plan, now=NOW())
    (goal,) = progress.goals
    assert goal.latest is not None
    assert goal.latest.pk == (w.hidden.pk if w.sees else w.kept.pk)
    assert goal.reached is False  # 7 or 3: short of 8 either way
    asked = [line.request.appointment_id for line in progress.measures]
    assert asked == ([w.visit.pk, w.other.pk] if w.sees else [w.other.pk])
    on_chart = plans.plans_on_chart(
        chart=chart.chart_for(user=u, patient_id=personas.patient_a.pk, now=NOW()), now=NOW()
    )
    assert on_chart.progress is not None
    assert on_chart.progress.goals[0].latest.pk == goal.latest.pk
    assert len(on_chart.progress.measures) == len(asked)


def test_a_discharge_summary_never_copies_a_withheld_visit_s_score(personas):
    # Whoever the directive names: every practitioner in care reads the summary later.
    w = visit_withheld(personas, "someone else")
    plan = a_plan_with_measures(personas, w)
    done = plan_discharge(
        plan=plan,
        reason=DischargeReason.GOALS_MET,
        summary="Back on the stairs.",
        goal_outcomes={g.pk: GoalOutcome.PARTLY_MET for g in plan.goals.all()},
        user=personas.physio.user,
        now=NOW(),
    )
    scores = done.discharge_summary.split("Last scores at discharge:")[1]
    assert ": 3 (" in scores
    assert ": 7 (" not in scores


def test_the_patient_still_answers_a_measure_asked_for_their_withheld_visit(personas):
    world = note_world(personas)
    visit = world.visit()
    asked = request_make(
        patient=personas.patient_a, now=NOW(), instrument=Instrument.NPRS, appointment=visit
    )
    withhold(
        personas,
        mode=DirectiveMode.ALL_BUT_NAMED,
        named=(),
        scope=DirectiveScope.VISIT,
        appointment_id=visit.pk,
    )
    mine = outcomes.requests_to_answer(user=personas.patient_a.user, today=NOW().date())
    assert [r.pk for r in mine] == [asked.pk]


@pytest.fixture
def march_tenth(monkeypatch):
    """The pages' clock: Wednesday 10 March 2027, 11:00 in Toronto (the visits are past)."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: at(10, 11))


def test_the_visit_lists_say_a_withheld_visit_is_withheld_and_lead_nowhere(
    client, personas, march_tenth
):
    world = note_world(personas)
    visit, other = world.visit(), world.visit(start=at(9, 11))
    draft = world.draft(visit=visit)  # the physio's own draft, then withheld from them
    signed = world.signed(visit=other)
    withhold(personas, scope=DirectiveScope.VISIT, appointment_id=visit.pk)
    client.force_login(personas.physio.user)

    page = client.get(reverse("patient-detail", args=[personas.patient_a.pk])).text
    assert "Withheld at the patient&#x27;s request" in page
    assert reverse("note-edit", args=[draft.pk]) not in page
    assert reverse("note-edit", args=[signed.pk]) in page

    day = client.get(reverse("my-day"), {"day": "2027-03-09"}).context
    link = day["notes"][visit.pk]
    assert (link.withheld, link.openable, link.writable) == (True, False, False)
    assert not day["notes"][other.pk].withheld
    assert draft.pk not in [note.pk for note in day["to_sign"]]

    # Its note cannot be started or opened, nor a measure entered for it.
    assert client.post(reverse("note-start", args=[visit.pk])).status_code == 404
    assert client.get(reverse("note-edit", args=[draft.pk])).status_code == 404
    measure = reverse("measure-new", args=[personas.patient_a.pk])
    assert client.get(measure, {"appointment": visit.pk}).status_code == 404
    assert client.get(measure, {"appointment": other.pk}).status_code == 200


def test_the_plan_page_shows_the_last_score_the_practitioner_may_see(client, personas):
    w = visit_withheld(personas, "covered")
    plan = a_plan_with_measures(personas, w)
    client.force_login(personas.physio.user)
    url = reverse("plan-detail", kwargs={"patient_id": plan.patient_id, "plan_id": plan.pk})
    page = client.get(url).text
    assert "Last score: <strong>3</strong>" in page
    assert "Last score: <strong>7</strong>" not in page


# --- The chart's banner while an opening lets the practitioner in ----------------------


def opened(personas, kind=OverrideKind.EMERGENCY, practitioner=None):
    return override_open(
        patient=personas.patient_a,
        practitioner=practitioner or personas.physio,
        kind=kind,
        reason="Collapsed on the plinth",
        actor=(practitioner or personas.physio).user,
        now=NOW(),
    )


def chart_page(client, user, personas) -> str:
    client.force_login(user)
    response = client.get(reverse("patient-chart", args=[personas.patient_a.pk]))
    assert response.status_code == 200
    return response.text


def test_the_chart_says_an_emergency_opening_how_why_until_when_and_who_is_told(client, personas):
    withhold(personas)
    opening = opened(personas)
    page = chart_page(client, personas.physio.user, personas)
    ends = opening.expires_at.astimezone(ZoneInfo("America/Toronto"))
    assert 'class="warning opening-banner"' in page
    assert "Emergency access (break-glass)</h2>" in page
    assert "Collapsed on the plinth" in page
    assert f"{date_and_clock(ends, 'D, M j')} {ends.tzname()}" in page
    assert "the privacy officer reviews every opening" in page
    assert page.index("opening-banner") < page.index("Safety alerts")


def test_the_banner_says_a_consented_opening_and_break_glass_outside_care(client, personas):
    withhold(personas)
    opened(personas, kind=OverrideKind.CONSENT)
    assert "Opened with the patient's express consent</h2>" in chart_page(
        client, personas.physio.user, personas
    )
    opened(personas, practitioner=personas.massage_therapist)  # not in their care
    page = chart_page(client, personas.massage_therapist.user, personas)
    assert "Emergency access (break-glass)</h2>" in page


def test_the_banner_tells_the_time_in_the_practitioner_s_home_location_zone(client, personas):
    Location.objects.filter(pk=personas.milton.pk).update(time_zone="America/Vancouver")
    HomeLocation.objects.update_or_create(
        user=personas.physio.user, defaults={"location_id": personas.milton.pk}
    )
    opening = opened(personas)
    ends = opening.expires_at.astimezone(ZoneInfo("America/Vancouver"))
    assert f"{date_and_clock(ends, 'D, M j')} {ends.tzname()}" in chart_page(
        client, personas.physio.user, personas
    )


def test_no_banner_without_an_opening_in_force(client, personas):
    assert "opening-banner" not in chart_page(client, personas.physio.user, personas)
    opening = opened(personas)
    assert "opening-banner" in chart_page(client, personas.physio.user, personas)
    LockboxOverride.objects.filter(pk=opening.pk).update(
        starts_at=NOW() - OPENING_LASTS - timedelta(minutes=1),
        expires_at=NOW() - timedelta(minutes=1),
    )
    # In care with nothing withheld: the chart, with no banner once the opening ended.
    assert "opening-banner" not in chart_page(client, personas.physio.user, personas)


def test_the_banner_costs_no_query(client, personas):
    def queries() -> int:
        client.force_login(personas.physio.user)
        url = reverse("patient-chart", args=[personas.patient_a.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    closed = queries()
    withhold(personas)
    opened(personas)
    assert queries() == closed


def test_someone_not_a_practitioner_has_no_visit_withheld(personas):
    # The privacy officer's export and the portal read as before: the rule's condition
    # for a non-practitioner leaves nothing out, inside a subquery too.
    w = visit_withheld(personas, "covered")
    nobody = visits_withheld(practitioner_id=None)
    patient_id = personas.patient_a.pk
    assert list(nobody) == []
    assert latest_scores(patient_id=patient_id, leaving_out=nobody)[Instrument.PSFS] == w.hidden
    series = measure_series(patient_id=patient_id, leaving_out=nobody)[Instrument.PSFS]
    assert [point.result_id for point in series] == [w.kept.pk, w.hidden.pk]
