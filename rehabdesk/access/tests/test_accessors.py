"""The accessors fetch, authorize and put the look on file in one step: a page cannot
show a record without the view being recorded, and a refusal says nothing about
whether the record exists."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rehabdesk.access.accessors import appointment_for, patient_for, patients_for, require
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action, Capability
from rehabdesk.audit.models import AuditEvent
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.services import appointment_book, appointment_hold
from rehabdesk.scheduling.testing import NOW, at, build_booking_world
from rehabdesk.testing.personas import Personas

pytestmark = pytest.mark.django_db


def views() -> list[tuple[str, str, str, list[int]]]:
    return [
        (
            e.object_type,
            e.object_id,
            e.summary,
            list(e.patient_links.values_list("patient_id", flat=True)),
        )
        for e in AuditEvent.objects.filter(action="view").order_by("pk")
    ]


def test_a_permitted_look_returns_the_record_and_puts_it_on_file(personas):
    patient = patient_for(
        user=personas.physio.user, patient_id=personas.patient_a.pk, action=Action.VIEW_CLINICAL
    )
    assert patient == personas.patient_a
    assert [c.insurer for c in patient.coverages.all()] == ["Sample Life"]
    assert views() == [
        ("patients.patient", str(patient.pk), "patient record", [personas.patient_a.pk])
    ]
    assert AuditEvent.objects.get(action="view").actor == personas.physio.user


def test_the_summary_names_what_was_shown(personas):
    patient_for(
        user=personas.front_desk,
        patient_id=personas.patient_b.pk,
        action=Action.VIEW_DEMOGRAPHICS,
        summary="patient record (bookings)",
    )
    assert views()[0][2] == "patient record (bookings)"


def test_a_change_is_left_for_the_service_to_put_on_file(personas):
    patient_for(
        user=personas.front_desk,
        patient_id=personas.patient_b.pk,
        action=Action.CHANGE_DEMOGRAPHICS,
    )
    assert views() == []


def test_an_edit_form_shows_the_record_so_it_can_ask_for_the_view_on_file(personas):
    patient_for(
        user=personas.front_desk,
        patient_id=personas.patient_b.pk,
        action=Action.CHANGE_DEMOGRAPHICS,
        view=True,
    )
    assert len(views()) == 1


def test_a_refused_look_names_the_patient_for_the_trail_and_records_nothing_itself(personas):
    with pytest.raises(AccessDenied) as refused:
        patient_for(
            user=personas.massage_therapist.user,
            patient_id=personas.patient_a.pk,
            action=Action.VIEW_DEMOGRAPHICS,
        )
    denial = refused.value
    assert (denial.found, denial.object_type, denial.object_id, denial.patient_ids) == (
        True,
        "patients.patient",
        str(personas.patient_a.pk),
        [personas.patient_a.pk],
    )
    # The middleware records it, after any transaction of the view has ended.
    assert not AuditEvent.objects.filter(action__in=["view", "deny"]).exists()


def test_an_unknown_patient_is_refused_like_a_forbidden_one(personas):
    with pytest.raises(AccessDenied) as refused:
        patient_for(user=personas.manager, patient_id=999_999, action=Action.VIEW_DEMOGRAPHICS)
    assert (refused.value.found, refused.value.patient_ids) == (False, [])
    assert "999999" in str(refused.value)
    assert "Anders" not in str(refused.value)


def decision(user, patient_id: int, *, family: bool) -> str:
    try:
        patient = patient_for(
            user=user, patient_id=patient_id, action=Action.MANAGE_BOOKINGS, family=family
        )
    except AccessDenied as denial:
        return f"refused {denial.found} {denial.patient_ids}"
    return f"allowed {patient.pk}"


def test_the_patient_alone_is_decided_exactly_as_the_record_with_family(
    personas, django_assert_num_queries
):
    # A booking reads the patient alone: one query of the patient's own, not five.
    others = ("guardian", "child", "patient_a", "patient_b")
    for name in Personas.EVERYONE:
        user = personas.user(name)
        for patient_id in [*(getattr(personas, other).pk for other in others), 999_999]:
            assert decision(user, patient_id, family=False) == decision(
                user, patient_id, family=True
            ), (name, patient_id)
    patient_for(
        user=personas.front_desk, patient_id=personas.child.pk, action=Action.MANAGE_BOOKINGS
    )
    with django_assert_num_queries(1):
        alone = patient_for(
            user=personas.front_desk,
            patient_id=personas.child.pk,
            action=Action.MANAGE_BOOKINGS,
            family=False,
        )
    assert alone == personas.child


def test_someone_not_signed_in_reaches_no_record(personas):
    with pytest.raises(AccessDenied):
        patient_for(user=None, patient_id=personas.patient_a.pk, action=Action.VIEW_DEMOGRAPHICS)


def test_a_guardian_opens_their_childs_record_but_not_its_clinical_content(personas):
    user = personas.guardian.user
    assert patient_for(user=user, patient_id=personas.child.pk, action=Action.MANAGE_BOOKINGS)
    with pytest.raises(AccessDenied):
        patient_for(user=user, patient_id=personas.child.pk, action=Action.VIEW_CLINICAL)


def everyone(personas) -> list[Patient]:
    return [personas.patient_a, personas.patient_b, personas.guardian, personas.child]


@pytest.mark.parametrize("who", ["front_desk", "manager"])
def test_the_desk_and_managers_see_every_search_result_in_one_event(personas, who):
    shown = patients_for(
        user=personas.user(who),
        patients=everyone(personas),
        summary="patient search",
        object_type="web.patient_search",
    )
    assert shown == everyone(personas)
    [event] = AuditEvent.objects.filter(object_type="web.patient_search")
    assert set(event.patient_links.values_list("patient_id", flat=True)) == {p.pk for p in shown}


def test_a_practitioner_sees_only_the_patients_in_their_care(personas):
    shown = patients_for(
        user=personas.physio.user,
        patients=everyone(personas),
        summary="patient search",
        object_type="web.patient_search",
    )
    assert shown == [personas.patient_a]


def test_a_guardian_sees_their_own_family_only(personas):
    shown = patients_for(
        user=personas.guardian.user,
        patients=everyone(personas),
        summary="family",
        object_type="web.family",
    )
    assert shown == [personas.guardian, personas.child]


@pytest.mark.parametrize("who", ["outsider", "massage_therapist", "anonymous"])
def test_a_list_with_nothing_to_show_puts_nothing_on_file(personas, who):
    shown = patients_for(
        user=personas.user(who),
        patients=everyone(personas),
        summary="patient search",
        object_type="web.patient_search",
    )
    assert shown == []
    assert not AuditEvent.objects.filter(object_type="web.patient_search").exists()


@pytest.mark.parametrize(
    ("who", "capability", "allowed"),
    [
        ("front_desk", Capability.RUN_THE_DESK, True),
        ("front_desk", Capability.MANAGE_HOURS, False),
        ("manager", Capability.MANAGE_HOURS, True),
        ("manager", Capability.OVERSEE_NOTES, True),
        ("front_desk", Capability.OVERSEE_NOTES, False),
        ("physio", Capability.OVERSEE_NOTES, False),
        ("physio", Capability.SEARCH_PATIENTS, True),
        ("physio", Capability.VIEW_SCHEDULES, False),
        ("patient_a", Capability.SEARCH_PATIENTS, False),
        ("anonymous", Capability.SEARCH_PATIENTS, False),
    ],
)
def test_a_page_that_needs_a_capability_is_refused_to_the_rest(personas, who, capability, allowed):
    if allowed:
        require(user=personas.user(who), capability=capability)
        return
    with pytest.raises(AccessDenied) as refused:
        require(user=personas.user(who), capability=capability)
    assert (refused.value.object_type, refused.value.object_id) == ("web.page", str(capability))
    assert refused.value.patient_ids == []


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def test_an_appointment_is_shown_to_who_may_manage_its_bookings_and_put_on_file(world, personas):
    booked = appointment_book(request=world.request(at(10, 9)), actor=None, now=NOW)
    assert appointment_for(user=personas.patient_a.user, appointment_id=booked.pk) == booked
    event = AuditEvent.objects.get(action="view", object_type="scheduling.appointment")
    assert (event.object_id, event.location_id, event.actor) == (
        str(booked.pk),
        world.pickering.pk,
        personas.patient_a.user,
    )
    appointment_for(user=personas.front_desk, appointment_id=booked.pk, view=False)
    assert AuditEvent.objects.filter(action="view").count() == 1


def test_another_patients_appointment_is_refused_naming_its_patient(world, personas):
    booked = appointment_book(request=world.request(at(10, 9)), actor=None, now=NOW)
    with pytest.raises(AccessDenied) as refused:
        appointment_for(user=personas.patient_b.user, appointment_id=booked.pk)
    assert (refused.value.found, refused.value.patient_ids) == (True, [personas.patient_a.pk])
    assert not AuditEvent.objects.filter(action="view").exists()


def test_an_unknown_appointment_or_a_hold_for_nobody_is_not_found(world, personas):
    # Online booking holds the time before the visitor has said who they are.
    anonymous = replace(world.request(at(10, 9), channel=Channel.ONLINE), patient=None)
    hold = appointment_hold(request=anonymous, actor=None, now=NOW)
    assert hold.patient_id is None
    for appointment_id in (hold.pk, 999_999):
        with pytest.raises(AccessDenied) as refused:
            appointment_for(user=personas.manager, appointment_id=appointment_id)
        assert (refused.value.found, refused.value.patient_ids) == (False, [])
