"""Only the author saves and signs; a signed note is refused any save; a draft saved
meanwhile from another window refuses the stale one; content that does not fit the
template, a note incomplete for signing, or no registration in force to sign with is
refused with its code, nothing half-saved."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import pytest

from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import VisitNote
from rehabdesk.care.selectors import note_by_id
from rehabdesk.care.services import note_draft_save, note_sign, note_start
from rehabdesk.clinic.models import Registration
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db
WRITTEN = {"complaint": "Neck stiffness", "plan": "Posture advice"}


@pytest.fixture
def draft(personas, templates, visit):
    return note_start(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(),
        now=at(9, 10, 30),
    )


def save(personas, note, content=WRITTEN, revision=0, actor=None):
    return note_draft_save(
        actor=actor or personas.physio.user,
        note=note,
        content=content,
        revision=revision,
        now=at(9, 10, 45),
    )


def code_of(call, *args, **kwargs) -> StrEnum:
    with pytest.raises(CareError) as refusal:
        call(*args, **kwargs)
    return refusal.value.code


def test_only_the_author_saves_the_draft(personas, draft):
    assert code_of(save, personas, draft, actor=personas.massage_therapist.user) == "not_author"
    assert code_of(save, personas, draft, actor=personas.manager) == "not_author"
    assert VisitNote.objects.get(pk=draft.pk).revision == 0


def test_a_stale_window_is_refused_and_the_newer_draft_kept(personas, draft):
    save(personas, draft, revision=0)
    stale = note_by_id(note_id=draft.pk)
    assert code_of(save, personas, stale, {"complaint": "old"}, revision=0) == "stale_draft"
    row = VisitNote.objects.get(pk=draft.pk)
    assert (row.revision, row.content) == (1, WRITTEN)


def test_a_signed_note_is_refused_a_save(personas, draft):
    save(personas, draft)
    note_sign(actor=personas.physio.user, note=draft, now=at(9, 11))
    assert code_of(save, personas, draft, revision=1) == CareErrorCode.SIGNED
    # A page loaded before signing, holding a draft that is signed since:
    stale = note_by_id(note_id=draft.pk)
    stale.status = "draft"
    assert code_of(save, personas, stale, revision=1) == CareErrorCode.SIGNED


@pytest.mark.parametrize(
    ("content", "code", "field"),
    [
        ({"unknown": "x"}, CareErrorCode.INVALID, "unknown"),
        ({"pain_now": 11}, CareErrorCode.INVALID, "pain_now"),
        ({"complaint": ["not text"]}, CareErrorCode.INVALID, "complaint"),
        ({"complaint": "x" * 4001}, CareErrorCode.TOO_LONG, "complaint"),
    ],
)
def test_content_that_does_not_fit_the_template_is_refused(personas, draft, content, code, field):
    with pytest.raises(CareError) as refusal:
        save(personas, draft, content)
    assert (refusal.value.code, refusal.value.field) == (code, field)
    assert VisitNote.objects.get(pk=draft.pk).content == {}


def test_signing_asks_for_the_fields_required_to_sign(personas, draft):
    save(personas, draft, {"complaint": "Neck"})
    with pytest.raises(CareError) as refusal:
        note_sign(actor=personas.physio.user, note=draft, now=at(9, 11))
    assert (refusal.value.code, refusal.value.field) == (CareErrorCode.INVALID, "plan")
    assert VisitNote.objects.get(pk=draft.pk).status == "draft"


def test_only_the_author_signs_and_only_once(personas, draft):
    save(personas, draft)
    assert code_of(note_sign, actor=personas.manager, note=draft, now=at(9, 11)) == "not_author"
    note_sign(actor=personas.physio.user, note=draft, now=at(9, 11))
    again = note_by_id(note_id=draft.pk)
    assert code_of(note_sign, actor=personas.physio.user, note=again, now=at(9, 12)) == "signed"


def test_no_registration_in_force_on_the_visits_day_refuses_signing(personas, draft):
    save(personas, draft)
    Registration.objects.filter(practitioner=personas.physio).update(valid_until=date(2027, 3, 8))
    assert code_of(note_sign, actor=personas.physio.user, note=draft, now=at(9, 11)) == (
        CareErrorCode.NO_REGISTRATION
    )
    assert VisitNote.objects.get(pk=draft.pk).status == "draft"


def test_the_registration_is_the_one_in_force_on_the_visits_day(personas, draft):
    """Signed two days later, after the registration lapsed: the visit's day counts."""
    save(personas, draft)
    Registration.objects.filter(practitioner=personas.physio).update(valid_until=date(2027, 3, 9))
    signed = note_sign(actor=personas.physio.user, note=draft, now=at(11, 9))
    assert signed.signer_registration == "PERSONA-PT-1"
