"""The clinical rules checked when a note is signed (never on a draft save): needles
counted out as counted in unless an adverse event explains it (acupuncture); an
internal pelvic examination only with its consent in force at the visit (pelvic
health); sensitive areas only with the client's written consent for that day naming
each of them (massage therapy)."""

from __future__ import annotations

import pytest

from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import VisitNote
from rehabdesk.care.services import note_draft_save, note_sign, note_start
from rehabdesk.care.testing import note_write
from rehabdesk.consents.choices import ConsentMethod, TreatmentTopic
from rehabdesk.consents.services import (
    treatment_consent_give,
    treatment_consent_record_verbal,
    treatment_consent_text_publish,
    treatment_consent_withdraw,
)
from rehabdesk.scheduling.testing import NOW, at

pytestmark = pytest.mark.django_db


def write(personas, template, appointment, content, *, who="physio"):
    practitioner = getattr(personas, who)
    return note_write(
        actor=practitioner.user,
        template=template,
        appointment=appointment,
        content=content,
        now=at(9, 11),
    )


def refusal(personas, template, appointment, content, *, who="physio") -> CareError:
    practitioner = getattr(personas, who)
    note = note_start(
        actor=practitioner.user, template=template, appointment=appointment, now=at(9, 11)
    )
    # A draft saves it whatever the rules say; signing is where they apply.
    note = note_draft_save(
        actor=practitioner.user, note=note, content=content, revision=0, now=at(9, 11)
    )
    with pytest.raises(CareError) as refused:
        note_sign(actor=practitioner.user, note=note, now=at(9, 11))
    assert VisitNote.objects.get(pk=note.pk).status == "draft"
    return refused.value


def consent(personas, topic, *, now=NOW, areas=(), verbal=False):
    text = treatment_consent_text_publish(topic=topic, body=f"{topic} consent", now=now)
    if verbal:
        return treatment_consent_record_verbal(
            patient=personas.patient_a,
            text=text,
            note="Went through the text",
            now=now,
            actor=personas.physio.user,
        )
    return treatment_consent_give(
        patient=personas.patient_a,
        text=text,
        method=ConsentMethod.TABLET,
        actor=None,
        now=now,
        agreed=True,
        signed_name="Alice Anders",
        areas=areas,
    )


# --- Acupuncture -----------------------------------------------------------------------


def test_needles_counted_out_as_in_sign(personas, templates, visit):
    note = write(
        personas,
        templates["acupuncture"],
        visit(),
        {"needles_in": 8, "needles_out": 8, "points": [{"point": "LI4"}]},
    )
    assert note.signed


@pytest.mark.parametrize("out", [7, None])
def test_a_needle_not_counted_out_refuses_signing(personas, templates, visit, out):
    content = {"needles_in": 8, **({"needles_out": out} if out is not None else {})}
    refused = refusal(personas, templates["acupuncture"], visit(), content)
    assert (refused.code, refused.field) == (CareErrorCode.NEEDLE_COUNT_MISMATCH, "needles_out")


def test_none_is_no_adverse_event(personas, templates, visit):
    content = {"needles_in": 8, "needles_out": 7, "adverse_events": ["none"]}
    assert refusal(personas, templates["acupuncture"], visit(), content).code == (
        CareErrorCode.NEEDLE_COUNT_MISMATCH
    )


def test_an_adverse_event_recorded_explains_the_difference(personas, templates, visit):
    content = {
        "needles_in": 8,
        "needles_out": 7,
        "adverse_events": ["broken_needle"],
        "response": "Fragment removed with tweezers; patient informed",
    }
    assert write(personas, templates["acupuncture"], visit(), content).signed


# --- Pelvic health ---------------------------------------------------------------------


def test_an_internal_exam_without_consent_refuses_signing(personas, templates, visit):
    refused = refusal(
        personas,
        templates["pelvic"],
        visit(),
        {"internal_exam": True, "findings": "Tone increased"},
    )
    assert (refused.code, refused.field) == (CareErrorCode.PELVIC_CONSENT_MISSING, "internal_exam")


def test_an_internal_exam_with_consent_on_file_signs(personas, templates, visit):
    consent(personas, TreatmentTopic.INTERNAL_PELVIC, verbal=True)
    note = write(
        personas,
        templates["pelvic"],
        visit(),
        {"internal_exam": True, "findings": "Tone increased"},
    )
    assert note.signed


def test_a_consent_withdrawn_before_the_visit_does_not_count(personas, templates, visit):
    given = consent(personas, TreatmentTopic.INTERNAL_PELVIC, verbal=True)
    treatment_consent_withdraw(consent=given, actor=personas.front_desk, now=at(8, 12))
    refused = refusal(
        personas,
        templates["pelvic"],
        visit(),
        {"internal_exam": True, "findings": "Tone increased"},
    )
    assert refused.code == CareErrorCode.PELVIC_CONSENT_MISSING


def test_a_consent_withdrawn_after_the_visit_still_covers_it(personas, templates, visit):
    given = consent(personas, TreatmentTopic.INTERNAL_PELVIC, verbal=True)
    treatment_consent_withdraw(consent=given, actor=personas.front_desk, now=at(9, 10, 45))
    note = write(
        personas,
        templates["pelvic"],
        visit(),
        {"internal_exam": True, "findings": "Tone increased"},
    )
    assert note.signed


def test_no_internal_exam_needs_no_consent(personas, templates, visit):
    note = write(
        personas,
        templates["pelvic"],
        visit(),
        {"internal_exam": False, "findings": "External assessment only"},
    )
    assert note.signed


# --- Massage therapy -------------------------------------------------------------------


@pytest.fixture
def massage(world, visit):
    return visit(at(9, 13), practitioner=world.massage_therapist, service=world.massage)


def test_a_massage_note_signs_with_the_therapists_registration(personas, templates, massage):
    note = write(
        personas,
        templates["massage"],
        massage,
        {"pressure": "moderate", "response": "Less tension"},
        who="massage_therapist",
    )
    assert (note.signer_name, note.signer_designation, note.signer_registration) == (
        "Olivia Massage",
        "RMT",
        "PERSONA-RMT-1",
    )


def test_sensitive_areas_without_consent_refuse_signing(personas, templates, massage):
    refused = refusal(
        personas,
        templates["massage"],
        massage,
        {"sensitive_areas": ["gluteal"], "response": "Less tension"},
        who="massage_therapist",
    )
    assert (refused.code, refused.field) == (
        CareErrorCode.SENSITIVE_CONSENT_MISSING,
        "sensitive_areas",
    )


def test_sensitive_areas_need_consent_for_that_day_naming_each(personas, templates, massage):
    consent(personas, TreatmentTopic.SENSITIVE_AREAS, now=at(9, 12, 50), areas=["gluteal"])
    refused = refusal(
        personas,
        templates["massage"],
        massage,
        {"sensitive_areas": ["gluteal", "chest_wall"], "response": "Better"},
        who="massage_therapist",
    )
    assert refused.code == CareErrorCode.SENSITIVE_CONSENT_MISSING
    assert "Chest wall" in refused.message


def test_sensitive_areas_consented_that_day_sign(personas, templates, massage):
    consent(personas, TreatmentTopic.SENSITIVE_AREAS, now=at(9, 12, 50), areas=["gluteal"])
    note = write(
        personas,
        templates["massage"],
        massage,
        {"sensitive_areas": ["gluteal"], "response": "Better"},
        who="massage_therapist",
    )
    assert note.signed


def test_a_consent_of_another_day_does_not_cover_the_visit(personas, templates, massage):
    consent(personas, TreatmentTopic.SENSITIVE_AREAS, now=at(8, 12), areas=["gluteal"])
    refused = refusal(
        personas,
        templates["massage"],
        massage,
        {"sensitive_areas": ["gluteal"], "response": "Better"},
        who="massage_therapist",
    )
    assert refused.code == CareErrorCode.SENSITIVE_CONSENT_MISSING
