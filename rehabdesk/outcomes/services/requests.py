"""Measures asked of a patient: made (by a plan's schedule or a practitioner), sent by
e-mail with a link of their own — by the scheduler when one comes due
(`measure_requests_send_due`) — cancelled with the visit they were for.

The link carries a random token; the database keeps only its SHA-256, so a copy of the
database opens no questionnaire. Each sending makes a fresh token (the previous link
stops working). The e-mail says no more than "your clinic asks you to fill in a short
questionnaire": not which one (an instrument's name tells what hurts). Each function
owns its transaction and audits what it did (never the answers).
docs/algorithms/outcome-measures.md
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import Exists, OuterRef

from rehabdesk.accounts.models import User
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.clinic.models import Clinic
from rehabdesk.clinic.selectors import clinic_current
from rehabdesk.clinic.services.shift_rules import clinic_zone
from rehabdesk.core.links import site_link
from rehabdesk.core.secrets import secret_digest, secret_urlsafe
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.outcomes.choices import RequestPurpose
from rehabdesk.outcomes.errors import OutcomeError, OutcomeErrorCode
from rehabdesk.outcomes.models import InstrumentWording, MeasureRequest, MeasureResult
from rehabdesk.outcomes.scoring import SPECS, Instrument
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.messages import addressee, whose
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services.reminders import QuietHours

Actor = AbstractBaseUser | AnonymousUser | None
REQUEST = "outcomes.measurerequest"
MESSAGE_TEMPLATE = "measure_request"
# ⚠ Our choice: a questionnaire not yet sent is e-mailed this many days before its due
# day (the visit's), by the scheduler, outside the clinic's quiet hours.
SEND_DAYS_BEFORE_DUE = 2
TOKEN_BYTES = 32


def token_digest(token: str) -> str:
    """What the database keeps of a link's token (core/secrets.py)."""
    return secret_digest(token)


def measure_link(token: str) -> str:
    """The e-mailed address of the questionnaire: `{SITE_URL}/measure/<token>/` (the
    web app's route of that shape answers it without a sign-in)."""
    return site_link(f"/measure/{token}/")


def measure_request_create(
    *,
    patient: Patient,
    instrument: str,
    purpose: str,
    due_on: date,
    appointment: Appointment | None = None,
    plan_id: int | None = None,
    requested_by: User | None = None,
    now: datetime,
) -> MeasureRequest:
    """Ask `patient` for `instrument`, due on `due_on` (before `appointment`, when it is
    for a visit). Nothing is sent: `measure_request_send` e-mails the link. Refuses
    (INVALID, naming the field) an unknown instrument or purpose, an inactive patient,
    and a visit of another patient."""
    instrument = instrument_of(instrument)
    if purpose not in RequestPurpose.values:
        raise OutcomeError(OutcomeErrorCode.INVALID, "Choose why it is asked.", field="purpose")
    if not patient.active:
        raise OutcomeError(
            OutcomeErrorCode.INVALID, "This patient's record is closed.", field="patient"
        )
    if appointment is not None and appointment.patient_id != patient.pk:
        raise OutcomeError(
            OutcomeErrorCode.INVALID, "That visit is another patient's.", field="appointment"
        )
    with transaction.atomic():
        request = MeasureRequest.objects.create(
            patient=patient,
            instrument=instrument,
            purpose=purpose,
            appointment=appointment,
            plan_id=plan_id,
            due_on=due_on,
            requested_by=requested_by,
            created_at=now,
        )
        audit_record(
            actor=requested_by,
            action=AuditAction.CREATE,
            object_type=REQUEST,
            object_id=request.pk,
            patient_ids=[patient.pk],
            summary="outcome measure requested",
            now=now,
        )
    return request


def measure_request_send(
    *, request: MeasureRequest, now: datetime, actor: Actor = None, first_time: bool = False
) -> None:
    """E-mail the patient (or the guardian who manages a child's bookings) a link to
    answer the request: a fresh token, its SHA-256 kept, the previous link void.

    Refuses ALREADY_ANSWERED, REQUEST_CLOSED (cancelled, or past its last day),
    NO_WORDING (a licensed instrument whose wording the clinic has not entered), and
    INVALID (field "patient") when nobody may be e-mailed about this patient; with
    `first_time`, ALREADY_SENT when it was e-mailed before (another scheduler)."""
    clinic = clinic_current()
    token = secret_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        locked = MeasureRequest.objects.select_for_update().select_related("patient")
        current = locked.get(pk=request.pk)
        if first_time and current.sent_at is not None:
            raise OutcomeError(OutcomeErrorCode.ALREADY_SENT, "This questionnaire was sent.")
        check_answerable(current, now)
        if not _has_wording(clinic, Instrument(current.instrument)):
            raise OutcomeError(
                OutcomeErrorCode.NO_WORDING,
                "The clinic has not entered the wording of this questionnaire yet.",
                field="instrument",
            )
        patient = current.patient
        to = addressee(patient)
        if to is None:
            raise OutcomeError(
                OutcomeErrorCode.INVALID,
                "There is no e-mail address we may write to about this patient.",
                field="patient",
            )
        current.token_digest = token_digest(token)
        current.sent_at = now
        current.save(update_fields=["token_digest", "sent_at"])
        message_enqueue(
            channel=MessageChannel.EMAIL,
            kind=MESSAGE_TEMPLATE,
            recipient=to.email,
            template=MESSAGE_TEMPLATE,
            context={
                "clinic_name": clinic.name if clinic else "Rehabdesk",
                "clinic_phone": clinic.phone if clinic else "",
                "greeting_name": to.full_name,
                "for_whom": whose(patient, to)["for_whom"],
                "link": measure_link(token),
                "due_text": _day_text(current.due_on),
                "closes_text": _day_text(current.closes_on),
            },
            related_type=REQUEST,
            related_id=current.pk,
            now=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=REQUEST,
            object_id=current.pk,
            patient_ids=[patient.pk],
            summary="outcome measure request e-mailed",
            now=now,
        )
    request.token_digest, request.sent_at = current.token_digest, now


def measure_requests_send_due(*, now: datetime) -> int:
    """E-mail each open questionnaire nobody has sent whose due day is at most
    SEND_DAYS_BEFORE_DUE days away (the clinic's zone), outside the clinic's quiet
    hours: the reminder that a measure is due, a chore of `manage.py run_scheduler`
    (apps.py). One that cannot be sent (nobody to e-mail, a licensed instrument without
    its wording) waits to be sent by hand. Returns how many were e-mailed."""
    clinic = clinic_current()
    if clinic is None:
        return 0
    local = now.astimezone(clinic_zone())
    if QuietHours.of(clinic).covers(local.time()):
        return 0
    today = local.date()
    answered = MeasureResult.objects.filter(request_id=OuterRef("pk"))
    due = (
        MeasureRequest.objects.filter(
            sent_at__isnull=True,
            cancelled_at__isnull=True,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=SEND_DAYS_BEFORE_DUE),
        )
        .filter(~Exists(answered))
        .order_by("due_on", "pk")
    )
    sent = 0
    for request in due:
        try:
            measure_request_send(request=request, now=now, first_time=True)
        except OutcomeError:
            continue
        sent += 1
    return sent


def measure_requests_cancel(*, appointment: Appointment, now: datetime) -> int:
    """Cancel the requests for this visit that are still open (not answered): called
    when the visit is cancelled. Their links stop working. Returns how many."""
    with transaction.atomic():
        cancelled = MeasureRequest.objects.filter(
            appointment=appointment, cancelled_at__isnull=True, result__isnull=True
        ).update(cancelled_at=now)
        if cancelled and appointment.patient_id is not None:
            audit_record(
                actor=None,
                action=AuditAction.CHANGE,
                object_type="scheduling.appointment",
                object_id=appointment.pk,
                patient_ids=[appointment.patient_id],
                summary=f"outcome measure requests cancelled ({cancelled})",
                now=now,
            )
    return cancelled


def check_answerable(request: MeasureRequest, now: datetime) -> None:
    """Refuse a request that is answered, cancelled or past its last day: the day in
    the clinic's zone, as the pages count it (at 20:00 in Toronto it is tomorrow in
    UTC, and the link is still open)."""
    if MeasureResult.objects.filter(request_id=request.pk).exists():
        raise OutcomeError(
            OutcomeErrorCode.ALREADY_ANSWERED, "This questionnaire has been answered already."
        )
    if not request.is_open_on(now.astimezone(clinic_zone()).date()):
        raise OutcomeError(
            OutcomeErrorCode.REQUEST_CLOSED,
            "This questionnaire is no longer open: it was cancelled, or its time has passed.",
        )


def _has_wording(clinic: Clinic | None, instrument: Instrument) -> bool:
    """Whether patients can be shown the instrument: ours, or the clinic entered its
    licensed wording."""
    if not SPECS[instrument].licensed_wording:
        return True
    wordings = InstrumentWording.objects.filter(instrument=instrument, current=True)
    return clinic is not None and wordings.filter(clinic=clinic).exists()


def instrument_of(code: str) -> Instrument:
    try:
        return Instrument(code)
    except ValueError:
        raise OutcomeError(
            OutcomeErrorCode.INVALID, "Choose a questionnaire.", field="instrument"
        ) from None


def _day_text(day: date) -> str:
    """'Tuesday, March 9'."""
    return f"{day:%A, %B} {day.day}"
