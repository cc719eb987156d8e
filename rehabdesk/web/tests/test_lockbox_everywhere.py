"""The lockbox applied everywhere: a patient withholds their record (or one visit's
notes) from a practitioner; every reader of clinical content refuses them, what is not
clinical stays; an opening (consent or emergency) lets them in until it expires."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from rehabdesk.access import chart, documents, exercises, notes, outcomes, plans, safety
from rehabdesk.access.accessors import patient_for, patients_for
from rehabdesk.access.errors import AccessDenied, RecordWithheld
from rehabdesk.access.policy import Action, may, person_for, withheld_from
from rehabdesk.care.choices import CopyPurpose
from rehabdesk.consents.choices import ConsentChannel, DirectiveMode, DirectiveScope, OverrideKind
from rehabdesk.consents.errors import ConsentError, ConsentErrorCode
from rehabdesk.consents.lockbox import (
    OPENING_LASTS,
    directive_set,
    directive_withdraw,
    override_open,
)
from rehabdesk.consents.models import LockboxOverride
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
