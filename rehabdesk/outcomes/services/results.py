"""Recording a completed measure: the answers as given, scored once by the versioned
scoring package, kept for good (outcomes/guards.py: the database refuses any change).

A set the scoring cannot score is refused, never stored half-valid: the first reason
becomes the refusal, naming the item (OUT_OF_RANGE, MISSING_ITEM, INVALID). A request
is answered once: its row is locked while checking, and the result's unique key on the
request decides a race the lock cannot see (the loser gets ALREADY_ANSWERED too).
docs/algorithms/outcome-measures.md
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import IntegrityError, transaction

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.outcomes.choices import ResultSource
from rehabdesk.outcomes.errors import OutcomeError, OutcomeErrorCode
from rehabdesk.outcomes.models import MeasureRequest, MeasureResult
from rehabdesk.outcomes.scoring import SPECS, Instrument, NoScore, NoScoreCode, Spec, score
from rehabdesk.outcomes.services.requests import check_answerable, instrument_of
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.models import Appointment

RESULT = "outcomes.measureresult"
ACTIVITY_MAX = 200


def measure_result_record(
    *,
    patient: Patient,
    instrument: str,
    answers: Mapping[str, object],
    activities: Mapping[str, str] | None = None,
    context: str = "",
    source: str,
    request: MeasureRequest | None = None,
    appointment: Appointment | None = None,
    recorded_by: User | None = None,
    now: datetime,
) -> MeasureResult:
    """Score `answers` (the scoring's input format) and keep them with the score.

    `activities`: PSFS only, each rated activity's words by its key. `context`: the
    NPRS's period or the GROC's reference point (the instrument's first when empty);
    nothing for the others. `request`: the request answered (its visit is the result's
    unless `appointment` says otherwise); needed when the answers come from the link.

    Refuses INVALID (field: "instrument", "source", "request", "appointment",
    "context", "activities" or an item's key), OUT_OF_RANGE and MISSING_ITEM (field:
    the item), ALREADY_ANSWERED and REQUEST_CLOSED for the request. Nothing is written
    unless everything holds."""
    spec = SPECS[instrument_of(instrument)]
    if source not in ResultSource.values:
        raise _invalid("Say where the answers come from.", "source")
    if source == ResultSource.LINK and request is None:
        raise _invalid("Answers from an e-mailed link answer its request.", "request")
    if request is not None and (
        request.patient_id != patient.pk or request.instrument != spec.instrument
    ):
        raise _invalid("That request is for another patient or questionnaire.", "request")
    if appointment is None and request is not None:
        appointment = request.appointment
    if appointment is not None and appointment.patient_id != patient.pk:
        raise _invalid("That visit is another patient's.", "appointment")
    context = _context(spec, context)
    scored = score(spec.instrument, answers)
    if scored.score is None:
        raise _refusal(spec, scored.reasons[0])
    kept_activities = _activities(spec, answers, activities or {})
    with transaction.atomic():
        if request is not None:
            # Locked while checking: a second answer to the same request waits here
            # (PostgreSQL; SQLite runs one writer at a time) and then finds the first.
            locked = MeasureRequest.objects.select_for_update().get(pk=request.pk)
            check_answerable(locked, now)
        try:
            with transaction.atomic():
                result = MeasureResult.objects.create(
                    patient=patient,
                    instrument=spec.instrument,
                    scoring_version=scored.version,
                    request=request,
                    appointment=appointment,
                    responses=_responses(spec, answers),
                    activities=kept_activities,
                    score=scored.score,
                    band=scored.band or "",
                    no_score_reasons=[],
                    prorated=scored.prorated,
                    context=context,
                    source=source,
                    taken_at=now,
                    recorded_by=recorded_by,
                )
        except IntegrityError:
            # The request's result was recorded meanwhile: its unique key held.
            raise OutcomeError(
                OutcomeErrorCode.ALREADY_ANSWERED,
                "This questionnaire has been answered already.",
            ) from None
        audit_record(
            actor=recorded_by,
            action=AuditAction.CREATE,
            object_type=RESULT,
            object_id=result.pk,
            patient_ids=[patient.pk],
            summary=f"outcome measure recorded ({spec.instrument})",
            now=now,
        )
    return result


def _context(spec: Spec, context: str) -> str:
    codes = [option.code for option in spec.contexts]
    if not codes:
        if context:
            raise _invalid("This questionnaire is not asked for a period.", "context")
        return ""
    if not context:
        return codes[0]
    if context not in codes:
        raise _invalid("Choose the period the answer is for.", "context")
    return context


def _activities(
    spec: Spec, answers: Mapping[str, object], activities: Mapping[str, str]
) -> dict[str, str]:
    """PSFS: each rated activity named, no name without its rating."""
    if spec.instrument is not Instrument.PSFS:
        if activities:
            raise _invalid("Only the PSFS names activities.", "activities")
        return {}
    for key in activities:
        if key not in spec.items:
            raise _invalid("The PSFS has five activities at most.", "activities")
    kept = {}
    for key in spec.items:
        words = " ".join(str(activities.get(key) or "").split())
        rated = answers.get(key) is not None
        if rated and not words:
            raise _invalid("Name the activity you rated.", key)
        if words and not rated:
            raise OutcomeError(
                OutcomeErrorCode.MISSING_ITEM, "Rate the activity you named.", field=key
            )
        if len(words) > ACTIVITY_MAX:
            raise _invalid(f"An activity in {ACTIVITY_MAX} characters at most.", key)
        if words:
            kept[key] = words
    return kept


def _responses(spec: Spec, answers: Mapping[str, object]) -> dict[str, object]:
    """The answers as stored: every main item (None when unanswered), each module item
    given. Only ints and None remain once the set has scored."""
    kept = {key: answers.get(key) for key in spec.items}
    kept.update((key, answers[key]) for key in spec.all_items[len(spec.items) :] if key in answers)
    return kept


def _refusal(spec: Spec, reason: NoScore) -> OutcomeError:
    item = reason.item
    if reason.code in (NoScoreCode.OUT_OF_RANGE, NoScoreCode.NOT_A_NUMBER):
        return OutcomeError(
            OutcomeErrorCode.OUT_OF_RANGE,
            f"Choose one of the answers, from {spec.low} to {spec.high}.",
            field=item,
        )
    if reason.code is NoScoreCode.NO_ACTIVITIES:
        return OutcomeError(
            OutcomeErrorCode.MISSING_ITEM, "Name and rate at least one activity.", field="1"
        )
    if reason.code is NoScoreCode.TOO_MANY_MISSING:
        allowed = (
            "Please answer every question."
            if spec.max_missing == 0
            else f"Please answer this question: at most {spec.max_missing} may be left out."
        )
        return OutcomeError(OutcomeErrorCode.MISSING_ITEM, allowed, field=item)
    return _invalid("This questionnaire has no such question.", item)


def _invalid(message: str, field: str | None) -> OutcomeError:
    return OutcomeError(OutcomeErrorCode.INVALID, message, field=field)
