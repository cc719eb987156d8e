"""Writes of the health intake: start (or resume) a draft, save a section, submit.

Each owns its transaction and audits what it changed (`create` / `change`, naming the
section, never an answer). A refused save keeps nothing of the section it was sent
for; a submit with answers missing keeps the draft as it was. On submit, the answers
go to the safety part in the same transaction (`alerts_from_answers`), so a submitted
intake never exists without the alerts and red-flag reviews it raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.intake.choices import IntakeChannel, IntakeStatus
from rehabdesk.intake.errors import IntakeError, IntakeErrorCode
from rehabdesk.intake.form import (
    Answer,
    IntakeForm,
    Problem,
    UnknownForm,
    clean_section,
    load_form,
    missing,
)
from rehabdesk.intake.models import IntakeResponse
from rehabdesk.patients.models import Patient
from rehabdesk.safety.services import alerts_from_answers

Actor = AbstractBaseUser | AnonymousUser | None
OBJECT_TYPE = "intake.intakeresponse"


def intake_start(
    *,
    patient: Patient,
    channel: IntakeChannel,
    actor: Actor,
    now: datetime,
    form_version: int | None = None,
) -> IntakeResponse:
    """The patient's draft to carry on with, or a new one on the latest form. A
    submitted intake is not redone (`already_submitted`); a draft begun on the other
    channel is not opened here (`draft_elsewhere`): the desk never reads what a
    patient typed online, and a patient never sees the desk's half-typed paper form."""
    try:
        form = load_form(form_version)
    except UnknownForm as unknown:
        raise IntakeError(IntakeErrorCode.UNKNOWN_FORM, str(unknown)) from None
    with transaction.atomic():
        existing = IntakeResponse.objects.select_for_update().filter(patient=patient).first()
        if existing is None:
            try:
                with transaction.atomic():
                    created = IntakeResponse.objects.create(
                        patient=patient,
                        form_version=form.version,
                        channel=channel,
                        entered_by=_user(actor),
                        started_at=now,
                        updated_at=now,
                    )
            except IntegrityError:
                # Another request started it a moment ago: carry on with that one.
                existing = IntakeResponse.objects.select_for_update().get(patient=patient)
            else:
                audit_record(
                    actor=actor,
                    action=AuditAction.CREATE,
                    object_type=OBJECT_TYPE,
                    object_id=created.pk,
                    patient_ids=[patient.pk],
                    summary=f"health intake started (form v{form.version}, {channel})",
                    now=now,
                )
                return created
        _refuse_unless_draft(existing, channel)
        return existing


def intake_section_save(
    *,
    response: IntakeResponse,
    section: str,
    answers: Mapping[str, object],
    channel: IntakeChannel,
    actor: Actor,
    now: datetime,
    partial: bool = False,
) -> IntakeResponse:
    """Keep one section's answers ("Save and continue"), replacing what the section
    held. Every answer is checked by its kind (forms/v<N>.toml); any problem refuses
    the whole section with every problem listed. `partial` ("Save and finish later")
    lets required questions stay blank; submitting asks for them."""
    with transaction.atomic():
        locked = IntakeResponse.objects.select_for_update().get(pk=response.pk)
        _refuse_unless_draft(locked, channel)
        form = load_form(locked.form_version)
        part = form.section(section)
        if part is None:
            raise IntakeError(IntakeErrorCode.UNKNOWN_SECTION, "There is no such page.")
        own = {question.code for question in part.questions}
        earlier = {code: value for code, value in locked.answers.items() if code not in own}
        cleaned = clean_section(
            form, part, answers, earlier=earlier, today=timezone.localdate(now), partial=partial
        )
        locked.answers = _consistent(form, {**earlier, **cleaned})
        locked.updated_at = now
        locked.save(update_fields=["answers", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=OBJECT_TYPE,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary=f"health intake: section {part.code} saved",
            now=now,
        )
    return locked


def intake_submit(
    *, response: IntakeResponse, channel: IntakeChannel, actor: Actor, now: datetime
) -> IntakeResponse:
    """Send the completed form: every required question answered, or `incomplete`
    naming the sections to finish. From now on it is clinical record: the answers go
    to the safety part, which raises the alerts and red-flag reviews they call for."""
    with transaction.atomic():
        locked = (
            IntakeResponse.objects.select_for_update().select_related("patient").get(pk=response.pk)
        )
        _refuse_unless_draft(locked, channel)
        form = load_form(locked.form_version)
        gaps = missing(form, locked.answers)
        if gaps:
            raise IntakeError(
                IntakeErrorCode.INCOMPLETE,
                "Some questions are still to answer.",
                problems=[_gap(form, code, len(codes)) for code, codes in gaps.items()],
            )
        locked.status = IntakeStatus.SUBMITTED
        locked.submitted_at = now
        locked.updated_at = now
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=OBJECT_TYPE,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary=f"health intake submitted (form v{locked.form_version}, {locked.channel})",
            now=now,
        )
        _raise_alerts(locked, actor=actor, now=now)
    return locked


def _raise_alerts(response: IntakeResponse, *, actor: Actor, now: datetime) -> None:
    """Hand the answers to the safety part (issue 21's contract): the red-flag and
    screen questions carry the rule set's codes; answers it does not ask (a list of
    body areas, free text) are the intake's own and are left out."""
    answers = {
        code: value
        for code, value in response.answers.items()
        if isinstance(value, str | int) and not isinstance(value, bool)
    }
    alerts_from_answers(
        patient=response.patient, answers=answers, source=response, actor=actor, now=now
    )


def _refuse_unless_draft(response: IntakeResponse, channel: IntakeChannel) -> None:
    if response.status == IntakeStatus.SUBMITTED:
        raise IntakeError(
            IntakeErrorCode.ALREADY_SUBMITTED,
            "This health form has been sent already. To change an answer, please tell "
            "your practitioner at your visit.",
        )
    if response.channel != channel:
        raise IntakeError(
            IntakeErrorCode.DRAFT_ELSEWHERE,
            "This health form was begun online by the patient; the front desk enters a "
            "paper form only for a patient who has not begun online."
            if channel == IntakeChannel.PAPER
            else "The clinic is entering this health form from paper. Please ask the front "
            "desk if something needs changing.",
        )


def _consistent(form: IntakeForm, answers: dict[str, Answer]) -> dict[str, Answer]:
    """Drop the answers to questions no longer asked (a due date, once "not pregnant")."""
    return {
        code: value
        for code, value in answers.items()
        if (question := form.question(code)) is not None and not question.ruled_out(answers)
    }


def _gap(form: IntakeForm, section_code: str, count: int) -> Problem:
    section = form.section(section_code)
    title = section.title if section else section_code
    questions = "question" if count == 1 else "questions"
    return Problem(section_code, f"{title}: {count} {questions} still to answer.")


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None
