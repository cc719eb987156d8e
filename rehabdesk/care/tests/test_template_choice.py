"""Which templates a practitioner is offered, and which one a visit's note starts on:
the discipline's own and the general entry; an initial assessment for a first visit of
the discipline, a follow-up after that; pelvic health for the services that need the
internal pelvic examination roster. Each read in a fixed number of queries."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rehabdesk.care.choices import NoteKind, NoteStatus, VisitType
from rehabdesk.care.models import NoteTemplate, VisitNote
from rehabdesk.care.selectors import template_for_visit, templates_for
from rehabdesk.care.services import note_template_publish
from rehabdesk.clinic import loading
from rehabdesk.clinic.choices import ServiceKind
from rehabdesk.clinic.description import RegisteredWith
from rehabdesk.clinic.models import Discipline, Service
from rehabdesk.clinic.testing import TODAY, make_service, qualification, sample_service
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at, build_booking_world

pytestmark = pytest.mark.django_db


def discipline(slug: str) -> Discipline:
    return Discipline.objects.get(slug=slug)


def codes(templates: list[NoteTemplate]) -> list[str]:
    return [template.code for template in templates]


def initial_service(name: str, *, discipline: str = "physiotherapy", **kwargs) -> Service:
    spec = replace(
        sample_service(name, discipline=discipline, **kwargs), kind=ServiceKind.INITIAL_ASSESSMENT
    )
    return loading.service_load(service=spec, today=TODAY)


def visit(service: Service, patient) -> Appointment:
    """A visit as the selector reads it: its service and its patient."""
    return Appointment(service=service, patient=patient)


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def physio_visit_note(world, *, signed: bool) -> VisitNote:
    """Patient A's physiotherapy visit with its note, signed or a draft."""
    appointment = appointment_book(request=world.request(at(9, 10)), actor=None, now=NOW)
    signature = (
        {
            "status": NoteStatus.SIGNED,
            "signed_at": NOW,
            "signer_name": "Priya Physio",
            "content_sha256": "0" * 64,
        }
        if signed
        else {}
    )
    return VisitNote.objects.create(
        patient=world.patient,
        kind=NoteKind.VISIT,
        appointment=appointment,
        author=world.physio,
        discipline=discipline("physiotherapy"),
        template=NoteTemplate.objects.get(code="physio-initial"),
        encounter_at=appointment.start,
        content={"chief_complaint": "Low back pain."},
        created_at=NOW,
        updated_at=NOW,
        **signature,
    )


@pytest.fixture
def seen_before(world):
    """Patient A, whose physiotherapy visit's note is signed."""
    physio_visit_note(world, signed=True)
    return world.patient


def test_a_physiotherapist_is_offered_the_disciplines_templates_then_the_general_entry():
    assert codes(templates_for(discipline_id=discipline("physiotherapy").pk)) == [
        "pelvic-health-initial",
        "physio-initial",
        "pelvic-health-follow-up",
        "physio-follow-up",
        "physio-discharge",
        "general-entry",
    ]
    assert codes(templates_for(discipline_id=discipline("massage-therapy").pk)) == [
        "massage-initial",
        "massage-follow-up",
        "general-entry",
    ]
    assert codes(templates_for(discipline_id=None)) == ["general-entry"]


def test_the_list_narrows_to_one_kind_of_visit():
    physiotherapy = discipline("physiotherapy").pk
    assert codes(templates_for(discipline_id=physiotherapy, visit_type=VisitType.FOLLOW_UP)) == [
        "pelvic-health-follow-up",
        "physio-follow-up",
    ]
    assert codes(templates_for(discipline_id=physiotherapy, visit_type=VisitType.OTHER)) == [
        "general-entry"
    ]


def test_only_the_current_version_is_offered():
    first = NoteTemplate.objects.get(code="general-entry")
    definition = {"sections": [{**first.definition["sections"][0], "title": "Note"}]}
    second = note_template_publish(
        actor=None,
        code="general-entry",
        name=first.name,
        discipline=None,
        visit_type=first.visit_type,
        definition=definition,
        now=NOW,
    )
    assert templates_for(discipline_id=None) == [second]


def test_the_list_is_read_in_one_query():
    physiotherapy = discipline("physiotherapy").pk
    with CaptureQueriesContext(connection) as queries:
        names = [(t.name, t.discipline) for t in templates_for(discipline_id=physiotherapy)]
    assert len(queries) == 1
    assert len(names) == 6


def test_a_first_visit_of_the_discipline_starts_on_the_initial_assessment(personas):
    treatment = make_service("Physiotherapy follow-up, 30 minutes")
    assert template_for_visit(appointment=visit(treatment, personas.patient_a)).code == (
        "physio-initial"
    )


def test_after_a_signed_visit_note_a_visit_starts_on_the_follow_up(seen_before, world):
    template = template_for_visit(appointment=visit(world.follow_up, seen_before))
    assert template is not None
    assert (template.code, template.version) == ("physio-follow-up", 1)


def test_a_note_of_another_discipline_does_not_count(seen_before, world):
    template = template_for_visit(appointment=visit(world.massage, seen_before))
    assert template is not None
    assert template.code == "massage-initial"


def test_a_draft_does_not_count(world):
    physio_visit_note(world, signed=False)
    template = template_for_visit(appointment=visit(world.follow_up, world.patient))
    assert template is not None
    assert template.code == "physio-initial"


@pytest.mark.parametrize(
    "name", ["Physiotherapy initial visit", "Sports assessment", "Post-surgery ASSESSMENT"]
)
def test_an_assessment_service_starts_on_the_initial_assessment_even_for_a_known_patient(
    seen_before, name
):
    service = make_service(name)
    template = template_for_visit(appointment=visit(service, seen_before))
    assert template is not None
    assert template.code == "physio-initial"


def test_a_service_of_the_initial_assessment_kind_starts_on_it(seen_before):
    service = initial_service("First physiotherapy visit")
    template = template_for_visit(appointment=visit(service, seen_before))
    assert template is not None
    assert template.code == "physio-initial"


def test_a_pelvic_health_service_starts_on_a_pelvic_health_template(seen_before, personas):
    # Saved inactive: nobody in the test clinic holds the roster.
    pelvic = [qualification("cpo", "internal-pelvic")]
    follow_up = make_service(
        "Pelvic floor rehabilitation follow-up", qualifications=pelvic, active=False
    )
    assessment = initial_service(
        "Pelvic floor rehabilitation assessment",
        qualifications=(RegisteredWith("cpo", ("internal-pelvic",)),),
        active=False,
    )
    first = template_for_visit(appointment=visit(follow_up, personas.patient_b))
    later = template_for_visit(appointment=visit(follow_up, seen_before))
    assessed = template_for_visit(appointment=visit(assessment, seen_before))
    assert (first.code, later.code, assessed.code) == (
        "pelvic-health-initial",
        "pelvic-health-follow-up",
        "pelvic-health-initial",
    )


def test_acupuncture_has_one_template_for_every_visit(seen_before, personas):
    needles = [qualification("ctcmpao")]
    first = initial_service(
        "Acupuncture initial treatment",
        discipline="acupuncture",
        qualifications=(RegisteredWith("ctcmpao"),),
        tax="acupuncture",
        active=False,
    )
    later = make_service(
        "Acupuncture treatment",
        discipline="acupuncture",
        qualifications=needles,
        tax="acupuncture",
        active=False,
    )
    assert template_for_visit(appointment=visit(first, personas.patient_b)).code == "acupuncture"
    assert template_for_visit(appointment=visit(later, seen_before)).code == "acupuncture"


def test_a_discipline_without_templates_writes_on_the_general_entry(personas):
    Discipline.objects.create(name="Kinesiology", slug="kinesiology")
    service = make_service("Kinesiology session", discipline="kinesiology")
    template = template_for_visit(appointment=visit(service, personas.patient_a))
    assert template is not None
    assert template.code == "general-entry"


def test_a_visit_is_matched_in_at_most_three_queries(seen_before, world):
    follow_up = visit(world.follow_up, seen_before)
    with CaptureQueriesContext(connection) as queries:
        template = template_for_visit(appointment=follow_up)
    assert template is not None
    assert len(queries) == 3
