"""A patient asks to correct their record. The note's author accepts with an amendment
(care's own correction: the original stays), or the privacy officer or author refuses
with a reason; the patient may then file a statement of disagreement, which the record
carries from then on, exports included."""

from __future__ import annotations

import json

import pytest

from rehabdesk.care.choices import NoteRelation, NoteStatus
from rehabdesk.care.models import VisitNote
from rehabdesk.privacy import services
from rehabdesk.privacy.choices import RequestStatus
from rehabdesk.privacy.errors import PrivacyError, PrivacyErrorCode
from rehabdesk.privacy.models import CorrectionRequest
from rehabdesk.scheduling.testing import at

pytestmark = pytest.mark.django_db


def ask(personas, note=None):
    return services.correction_request_create(
        actor=personas.patient_a.user,
        patient=personas.patient_a,
        note=note,
        wrong="It says my right side",
        should_say="My left side",
        now=at(10, 9),
    )


def test_the_author_accepts_by_starting_an_amendment(personas, signed):
    correction = services.correction_accept(
        actor=personas.physio.user,
        correction=ask(personas, signed),
        reason="Side corrected",
        now=at(10, 12),
    )
    amendment = VisitNote.objects.get(pk=correction.amendment_id)
    assert (amendment.corrects_id, amendment.relation, amendment.status) == (
        signed.pk,
        NoteRelation.AMENDS,
        NoteStatus.DRAFT,
    )
    assert f"request {correction.pk}" in amendment.reason
    assert correction.status == RequestStatus.GRANTED


def test_someone_who_writes_no_notes_cannot_accept_a_note_correction(personas, officer, signed):
    correction = ask(personas, signed)
    with pytest.raises(PrivacyError) as refused:
        services.correction_accept(
            actor=officer, correction=correction, reason="Fine", now=at(10, 12)
        )
    assert refused.value.code == PrivacyErrorCode.NOT_DECIDER
    assert CorrectionRequest.objects.get(pk=correction.pk).status == RequestStatus.RECEIVED
    assert not VisitNote.objects.filter(corrects=signed).exists()


def test_a_note_of_another_patient_is_refused(personas, signed):
    with pytest.raises(PrivacyError) as refused:
        services.correction_request_create(
            actor=personas.patient_b.user,
            patient=personas.patient_b,
            note=signed,
            wrong="x",
            should_say="y",
            now=at(10, 9),
        )
    assert (refused.value.code, refused.value.field) == (PrivacyErrorCode.INVALID, "note")
    assert not CorrectionRequest.objects.exists()


def test_a_statement_of_disagreement_follows_a_refusal_only(personas, officer, signed):
    correction = ask(personas, signed)
    with pytest.raises(PrivacyError) as early:
        services.disagreement_file(
            actor=personas.patient_a.user, correction=correction, statement="No", now=at(10, 10)
        )
    assert early.value.code == PrivacyErrorCode.NOT_REFUSED
    refused = services.correction_refuse(
        actor=officer,
        correction=correction,
        reason="The practitioner examined the right side",
        now=at(10, 12),
    )
    filed = services.disagreement_file(
        actor=personas.patient_a.user,
        correction=refused,
        statement="It was my left side that hurt.",
        now=at(10, 13),
    )
    assert filed.disagreement_at == at(10, 13)
    with pytest.raises(PrivacyError) as twice:
        services.disagreement_file(
            actor=personas.patient_a.user, correction=filed, statement="Again", now=at(10, 14)
        )
    assert twice.value.code == PrivacyErrorCode.DECIDED


def test_the_statement_is_in_the_released_record(personas, officer, signed):
    refused = services.correction_refuse(
        actor=officer, correction=ask(personas, signed), reason="As examined", now=at(10, 12)
    )
    services.disagreement_file(
        actor=personas.patient_a.user,
        correction=refused,
        statement="It was my left side that hurt.",
        now=at(10, 13),
    )
    request = services.access_request_create(
        actor=personas.patient_a.user, patient=personas.patient_a, details="", now=at(11, 9)
    )
    released = services.access_request_release(actor=officer, request=request, now=at(11, 10))
    (statement,) = json.loads(released.export_json)["disagreements"]
    assert (statement["statement"], statement["note_id"], statement["refusal_reason"]) == (
        "It was my left side that hurt.",
        signed.pk,
        "As examined",
    )
