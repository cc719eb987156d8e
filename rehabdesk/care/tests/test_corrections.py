"""A signed note never changes: an amendment is a new entry holding the content in force,
signed in its turn; an addendum adds to it on the general entry template; "entered in
error" withdraws it at once. Each correction points at the original, with its reason."""

from __future__ import annotations

import pytest

from rehabdesk.care.choices import NoteRelation, NoteStatus
from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import VisitNote
from rehabdesk.care.selectors import patient_notes
from rehabdesk.care.services import note_correct, note_draft_save, note_sign
from rehabdesk.care.testing import note_write
from rehabdesk.clinic.models import Registration
from rehabdesk.clinic.testing import make_practitioner, make_registration
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db
WRITTEN = {"complaint": "Low back pain", "plan": "Walking program"}


@pytest.fixture
def signed(personas, templates, visit):
    return note_write(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(),
        content=WRITTEN,
        now=at(9, 11),
    )


def correct(personas, note, relation, reason="Wrong side recorded", now=None):
    return note_correct(
        actor=personas.physio.user,
        note=note,
        relation=relation,
        reason=reason,
        now=now or at(10, 9),
    )


def test_an_amendment_starts_with_the_content_in_force_and_keeps_the_original(personas, signed):
    amendment = correct(personas, signed, NoteRelation.AMENDS)
    assert (amendment.status, amendment.corrects, amendment.relation) == (
        NoteStatus.DRAFT,
        signed,
        NoteRelation.AMENDS,
    )
    assert (amendment.content, amendment.template, amendment.appointment) == (
        WRITTEN,
        signed.template,
        signed.appointment,
    )
    amendment = note_draft_save(
        actor=personas.physio.user,
        note=amendment,
        content={**WRITTEN, "complaint": "Low back pain, left"},
        revision=0,
        now=at(10, 9, 5),
    )
    note_sign(actor=personas.physio.user, note=amendment, now=at(10, 9, 6))
    original = VisitNote.objects.get(pk=signed.pk)
    assert (original.content, original.content_sha256) == (WRITTEN, signed.content_sha256)
    (entry,) = patient_notes(patient_id=signed.patient_id)
    assert (entry.note, entry.superseded, entry.in_error) == (original, True, False)
    assert entry.in_force.content["complaint"] == "Low back pain, left"
    assert not entry.in_force.late_entry  # corrections are dated on their own


def test_amending_an_amendment_corrects_the_original_from_the_latest_amendment(personas, signed):
    first = correct(personas, signed, NoteRelation.AMENDS)
    first = note_draft_save(
        actor=personas.physio.user,
        note=first,
        content={**WRITTEN, "plan": "Swim"},
        revision=0,
        now=at(10, 9),
    )
    first = note_sign(actor=personas.physio.user, note=first, now=at(10, 9))
    second = correct(personas, first, NoteRelation.AMENDS, now=at(10, 10))
    assert (second.corrects_id, second.content["plan"]) == (signed.pk, "Swim")


def test_an_addendum_starts_empty_on_the_general_entry_template(personas, signed, templates):
    addendum = correct(personas, signed, NoteRelation.APPENDS, reason="Results of imaging")
    assert (addendum.template, addendum.content, addendum.corrects) == (
        templates["general"],
        {},
        signed,
    )
    addendum = note_draft_save(
        actor=personas.physio.user,
        note=addendum,
        content={"entry": "X-ray clear"},
        revision=0,
        now=at(10, 9),
    )
    note_sign(actor=personas.physio.user, note=addendum, now=at(10, 9))
    (entry,) = patient_notes(patient_id=signed.patient_id)
    assert (entry.superseded, [c.relation for c in entry.corrections]) == (False, ["appends"])


def test_entered_in_error_is_signed_at_once_and_withdraws_the_original(personas, signed):
    withdrawn = correct(personas, signed, NoteRelation.ENTERED_IN_ERROR, reason="Wrong patient")
    assert (withdrawn.status, withdrawn.content, withdrawn.reason) == (
        NoteStatus.SIGNED,
        {},
        "Wrong patient",
    )
    assert withdrawn.signer_registration == "PERSONA-PT-1"
    (entry,) = patient_notes(patient_id=signed.patient_id)
    assert entry.in_error


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("", CareErrorCode.INVALID),
        ("   ", CareErrorCode.INVALID),
        ("x" * 501, CareErrorCode.TOO_LONG),
    ],
)
def test_a_correction_needs_a_reason_of_at_most_500_characters(personas, signed, reason, code):
    with pytest.raises(CareError) as refused:
        correct(personas, signed, NoteRelation.AMENDS, reason=reason)
    assert (refused.value.code, refused.value.field) == (code, "reason")
    assert VisitNote.objects.count() == 1


def test_a_draft_is_not_corrected(personas, templates, visit):
    draft = note_write(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(),
        content=WRITTEN,
        now=at(9, 11),
        sign=False,
    )
    with pytest.raises(CareError) as refused:
        correct(personas, draft, NoteRelation.AMENDS)
    assert refused.value.code == CareErrorCode.NOT_SIGNED


def test_a_correction_written_days_later_is_not_a_late_entry(personas, signed):
    amendment = correct(personas, signed, NoteRelation.AMENDS, now=at(12, 9))
    note_draft_save(
        actor=personas.physio.user, note=amendment, content=WRITTEN, revision=0, now=at(12, 9)
    )
    assert not note_sign(actor=personas.physio.user, note=amendment, now=at(12, 9)).late_entry


def test_another_physiotherapist_corrects_with_their_own_registration(personas, signed):
    colleague = make_practitioner("Paula Colleague")
    make_registration(colleague, "cpo", number="COLLEAGUE-PT-2")
    withdrawn = note_correct(
        actor=colleague.user,
        note=signed,
        relation=NoteRelation.ENTERED_IN_ERROR,
        reason="Wrong patient",
        now=at(12, 9),
    )
    assert (withdrawn.author, withdrawn.signer_name, withdrawn.signer_registration) == (
        colleague,
        "Paula Colleague",
        "COLLEAGUE-PT-2",
    )
    assert VisitNote.objects.get(pk=signed.pk).signer_registration == "PERSONA-PT-1"


def test_a_correction_is_signed_with_the_registration_in_force_when_signed(personas, signed):
    Registration.objects.filter(practitioner=personas.physio).update(valid_until=at(11, 0).date())
    with pytest.raises(CareError) as refused:
        correct(personas, signed, NoteRelation.ENTERED_IN_ERROR, now=at(12, 9))
    assert refused.value.code == CareErrorCode.NO_REGISTRATION
    assert VisitNote.objects.count() == 1


def test_only_a_practitioner_corrects(personas, signed):
    with pytest.raises(CareError) as refused:
        note_correct(
            actor=personas.front_desk,
            note=signed,
            relation=NoteRelation.APPENDS,
            reason="x",
            now=at(12, 9),
        )
    assert refused.value.code == CareErrorCode.NOT_AUTHOR


def test_an_entry_withdrawn_as_entered_in_error_takes_no_further_correction(personas, signed):
    correct(personas, signed, NoteRelation.ENTERED_IN_ERROR, reason="Wrong patient")
    for relation in NoteRelation:
        with pytest.raises(CareError) as refused:
            correct(personas, signed, relation, now=at(11, 9))
        assert (refused.value.code, refused.value.field) == (CareErrorCode.INVALID, "relation")
    assert VisitNote.objects.count() == 2


def test_an_unknown_kind_of_correction_is_refused(personas, signed):
    with pytest.raises(CareError) as refused:
        correct(personas, signed, "rewrites")
    assert (refused.value.code, refused.value.field) == (CareErrorCode.INVALID, "relation")


@pytest.mark.parametrize(
    ("name", "designation", "signed_as"),
    [
        ("Priya Raman", "PT", "Priya Raman, PT"),
        ("Kevin Zhang, PT", "PT", "Kevin Zhang, PT"),
        ("Mei Chen, R. Ac", "R. Ac", "Mei Chen, R. Ac"),
        ("Mei Chen", "", "Mei Chen"),
    ],
)
def test_the_signature_names_the_designation_once(name, designation, signed_as):
    assert VisitNote(signer_name=name, signer_designation=designation).signed_as == signed_as
