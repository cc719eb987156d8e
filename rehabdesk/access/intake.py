"""The health intake through the access layer: its answers are health information.

- Filling in (FILL_INTAKE): the patient and the guardians who manage their bookings,
  online; the holder of an e-mailed manage link, for that booking's patient; the
  front desk, typing a paper form in. Each sees the answers of the draft on their own
  channel only, never a submitted form's: once sent, the answers are clinical record.
- Reading a submitted intake (VIEW_CLINICAL): a practitioner, for a patient in their
  care. The front desk and managers see only where it stands (intake.selectors).

Every time answers are handed out it is put on the audit trail; a refusal raises
AccessDenied (a 404, recorded by the middleware or the page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rehabdesk.access.accessors import PATIENT, User, appointment_by_link, patient_for
from rehabdesk.access.policy import Action
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.intake.choices import IntakeChannel, IntakeStatus
from rehabdesk.intake.models import IntakeResponse
from rehabdesk.intake.selectors import intake_of
from rehabdesk.patients.models import Patient

INTAKE = "intake.intakeresponse"


@dataclass(frozen=True)
class IntakeState:
    """A patient's intake as the one filling it in may see it: where it stands, and
    the draft with its answers only when it is theirs to carry on with."""

    patient: Patient
    status: IntakeStatus | None  # None: not begun
    draft: IntakeResponse | None  # the draft of this channel, answers included
    elsewhere: bool  # a draft begun on the other channel (its answers not shown)
    submitted_at: datetime | None = None


def intake_to_fill(
    *, user: User, patient_id: int, channel: IntakeChannel, view: bool = True
) -> IntakeState:
    """The intake `user` may fill in for this patient (their own, a dependent's, or the
    desk's paper entry). `view`: audit the look at the draft's answers (False when the
    request only writes, audited by the service)."""
    patient = patient_for(
        user=user,
        patient_id=patient_id,
        action=Action.FILL_INTAKE,
        view=False,
        family=False,
    )
    return _state(patient, channel, actor=user, view=view)


def intake_to_fill_by_link(*, token: str, now: datetime, view: bool = True) -> IntakeState:
    """The intake of the patient an e-mailed manage link was made for: the link is the
    credential, as for managing the booking (a refused link: AccessDenied)."""
    appointment = appointment_by_link(token=token, now=now)
    assert appointment.patient is not None  # the link names the appointment's patient
    return _state(appointment.patient, IntakeChannel.ONLINE, actor=None, view=view)


def intake_for(*, user: User, patient_id: int) -> tuple[Patient, IntakeResponse | None]:
    """The patient and their submitted intake, answers included, for a practitioner who
    cares for them (VIEW_CLINICAL); a draft is not shown (None). Audited."""
    patient = patient_for(
        user=user,
        patient_id=patient_id,
        action=Action.VIEW_CLINICAL,
        summary="health intake",
        view=False,
        family=False,
    )
    response = intake_of(patient_id=patient.pk)
    if response is None or response.status != IntakeStatus.SUBMITTED:
        _audit_look(actor=user, patient=patient, response=None, summary="health intake (none sent)")
        return patient, None
    summary = f"health intake answers (form v{response.form_version})"
    _audit_look(actor=user, patient=patient, response=response, summary=summary)
    return patient, response


def _state(
    patient: Patient, channel: IntakeChannel, *, actor: User | None, view: bool
) -> IntakeState:
    """What the one filling in may see; one audit event for the look (`view`): the
    draft's answers when shown, or else the patient's name and the form's status."""
    response = intake_of(patient_id=patient.pk)
    shown: IntakeResponse | None = None
    if response is None:
        state = IntakeState(patient, None, None, elsewhere=False)
    elif response.status == IntakeStatus.SUBMITTED:
        submitted_at = response.submitted_at
        state = IntakeState(patient, IntakeStatus.SUBMITTED, None, False, submitted_at)
    elif response.channel != channel:
        state = IntakeState(patient, IntakeStatus.DRAFT, None, elsewhere=True)
    else:
        shown = response
        state = IntakeState(patient, IntakeStatus.DRAFT, response, elsewhere=False)
    if view:
        summary = f"health intake draft ({channel})" if shown else "health form status"
        _audit_look(actor=actor, patient=patient, response=shown, summary=summary)
    return state


def _audit_look(
    *, actor: User | None, patient: Patient, response: IntakeResponse | None, summary: str
) -> None:
    """One view event: of the intake's answers when shown, else of the patient's record."""
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=INTAKE if response else PATIENT,
        object_id=response.pk if response else patient.pk,
        patient_ids=[patient.pk],
        summary=summary,
    )
