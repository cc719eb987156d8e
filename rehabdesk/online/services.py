"""Online booking's writes: rate limits, one-time codes, registering a new patient
from the booking pages, and the booking itself, step by step as the visitor goes,
through the booking service (rehabdesk.scheduling.services, the only way to book).

The steps, each one function the page calls:

1. `online_time_pick`: the visitor chooses a time; it is held at once, for nobody yet,
   so it cannot go to someone else while they type (the time they chose before is
   given back).
2. `online_book_new_patient` or `online_book_returning`: who it is for. A new patient
   is registered and put on the hold in one transaction (a refused hold leaves no
   record behind); a returning patient first proves their e-mail address with a code
   (`online_code_request`, `online_code_verify`), or is signed in.
3. `online_terms_accept`: consent to the privacy notice, then a returning patient's
   booking is final, and a new patient is e-mailed a code to confirm their address.
4. `online_confirm_new` with that code (`online_code_resend` for another).

Rate limits are counters in the database (RateCount), one row per key and fixed
window, counted with a compare-and-count UPDATE (`count = count + 1 WHERE count <
limit`): every process sees the same count, and two racing requests can never both
take the last place. The cache would do on one machine only (the default cache is per
process), so the database it is. A count is its own transaction, taken before the
step's own: a step refused afterwards still counts, or refusals would cost nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.crypto import salted_hmac

from rehabdesk.clinic.choices import PatientEligibility
from rehabdesk.clinic.models import Clinic, Location, Practitioner, Service
from rehabdesk.consents.choices import ConsentChannel
from rehabdesk.consents.selectors import privacy_notice_current
from rehabdesk.consents.services import consent_record
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.online.errors import OnlineError, OnlineErrorCode
from rehabdesk.online.models import OneTimeCode, RateCount
from rehabdesk.online.selectors import bookable_people, hold_for_nobody
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import patient_create
from rehabdesk.safety.services import booking_safety_validate
from rehabdesk.scheduling import services as booking
from rehabdesk.scheduling.choices import Channel
from rehabdesk.scheduling.models import Appointment

# How long a time stays held while the visitor finishes (and a new patient confirms
# their e-mail address).
HOLD_FOR = timedelta(minutes=15)


@dataclass(frozen=True)
class Limit:
    action: str
    times: int
    per: timedelta
    message: str


HOLDS_PER_IP = Limit(
    "hold-ip",
    10,
    timedelta(hours=1),
    "You have held many times in the last hour. Please try again later, or call us.",
)
CODES_PER_EMAIL = Limit(
    "code-email",
    5,
    timedelta(hours=1),
    "We have sent several codes to this address in the last hour. Please use the latest "
    "one, or try again later.",
)
CODES_PER_IP = Limit(
    "code-ip",
    20,
    timedelta(hours=1),
    "Many codes were asked for from this connection in the last hour. Please try again "
    "later, or call us.",
)

CODE_LIFETIME = timedelta(minutes=10)
CODE_ATTEMPTS = 5
CODE_TEMPLATE = "online_code"


# --- Rate limits -------------------------------------------------------------------


def rate_limit_hit(*, limit: Limit, subject: str, now: datetime) -> None:
    """Count one `limit.action` by `subject` (a client address or an e-mail address),
    or refuse with OnlineError(RATE_LIMITED) when the window's count is used up."""
    seconds = int(limit.per.total_seconds())
    window_start = datetime.fromtimestamp(now.timestamp() // seconds * seconds, tz=now.tzinfo)
    key = hashlib.sha256(f"{limit.action}|{subject.strip().lower()}".encode()).hexdigest()
    with transaction.atomic():
        counted = RateCount.objects.filter(
            key=key, window_start=window_start, count__lt=limit.times
        ).update(count=F("count") + 1)
        if not counted:
            try:
                with transaction.atomic():
                    RateCount.objects.create(key=key, window_start=window_start, count=1)
                counted = 1
            except IntegrityError:
                # The row exists: full, or another request created it a moment ago.
                counted = RateCount.objects.filter(
                    key=key, window_start=window_start, count__lt=limit.times
                ).update(count=F("count") + 1)
            RateCount.objects.filter(window_start__lt=now - timedelta(days=1)).delete()
    if not counted:
        raise OnlineError(OnlineErrorCode.RATE_LIMITED, limit.message)


# --- One-time codes ----------------------------------------------------------------


def _hash(email: str, purpose: str, code: str) -> str:
    return salted_hmac("rehabdesk.online.code", f"{email.lower()}|{purpose}|{code}").hexdigest()


def code_issue(*, email: str, purpose: OneTimeCode.Purpose, clinic: Clinic, now: datetime) -> None:
    """E-mail a fresh six-digit code (through the outbox); it replaces earlier ones."""
    email = email.strip().lower()
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        OneTimeCode.objects.filter(email=email, purpose=purpose, used_at__isnull=True).update(
            used_at=now
        )
        OneTimeCode.objects.create(
            email=email,
            purpose=purpose,
            code_hash=_hash(email, purpose, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        message_enqueue(
            channel=MessageChannel.EMAIL,
            kind=CODE_TEMPLATE,
            recipient=email,
            template=CODE_TEMPLATE,
            context={
                "clinic_name": clinic.name,
                "clinic_phone": clinic.phone,
                "code": code,
                "minutes": int(CODE_LIFETIME.total_seconds() // 60),
                "confirming": purpose == OneTimeCode.Purpose.CONFIRM,
            },
            now=now,
        )


def code_check(*, email: str, purpose: OneTimeCode.Purpose, code: str, now: datetime) -> None:
    """Accept the latest code sent to `email` once; refuse a wrong one (each try counts,
    CODE_ATTEMPTS at most) or one that expired or was used."""
    email = email.strip().lower()
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(email=email, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .filter(attempts__lt=CODE_ATTEMPTS)
            .order_by("-created_at")
            .first()
        )
        if row is None:
            right = False
        else:
            row.attempts += 1
            right = hmac.compare_digest(row.code_hash, _hash(email, purpose, code.strip()))
            row.used_at = now if right else None
            row.save(update_fields=["attempts", "used_at"])
    if row is None:
        raise OnlineError(
            OnlineErrorCode.CODE_EXPIRED,
            "That code has expired or has been tried too many times: please ask for a new one.",
            field="code",
        )
    if not right:
        left = CODE_ATTEMPTS - row.attempts
        raise OnlineError(
            OnlineErrorCode.CODE_WRONG,
            f"That code is not right. {left} tries left."
            if left
            else "That code is not "
            "right, and it has been tried too many times: please ask for a new one.",
            field="code",
        )


# --- The booking, step by step ----------------------------------------------------


@dataclass(frozen=True)
class ChosenTime:
    """A free time the visitor chose on the slot picker."""

    service: Service
    start: datetime
    practitioner: Practitioner
    location: Location

    def request_for(self, patient: Patient | None) -> booking.BookingRequest:
        return booking.BookingRequest(
            patient=patient,
            practitioner=self.practitioner,
            service=self.service,
            location=self.location,
            start=self.start,
            channel=Channel.ONLINE,
        )


@dataclass(frozen=True)
class NewPatient:
    """What a new patient tells us about themselves on the booking pages."""

    first_name: str
    last_name: str
    date_of_birth: date
    email: str
    phone: str


def online_time_pick(
    *, time: ChosenTime, previous_hold_id: int | None, client_ip: str, now: datetime
) -> Appointment:
    """Hold the time the visitor chose, for nobody yet, for HOLD_FOR; the details step
    puts the patient on it (online_book_new_patient, online_book_returning).

    The time they held before, if nobody was put on it, is given back first, in its
    own transaction: they changed their mind, whether or not the new time can still be
    held. Then the hold counts against the client's hourly limit and is made by the
    booking service, which takes its first look at the calendar outside any
    transaction (docs/algorithms/booking.md). A time gone meanwhile is a
    SchedulingError with the nearest free times."""
    previous = hold_for_nobody(appointment_id=previous_hold_id)
    if previous is not None:
        booking.appointment_cancel(
            appointment=previous, actor=None, now=now, reason="another time chosen"
        )
    return online_hold(request=time.request_for(None), client_ip=client_ip, now=now)


def online_new_patient_validate(*, service: Service) -> None:
    """May a new patient book this service online? A service for patients the clinic
    already knows (a follow-up needs a first visit) is refused with
    RETURNING_PATIENTS_ONLY, before they type their details: the pages ask this as soon
    as the visitor says they are new, and online_book_new_patient asks it again."""
    if service.patient_eligibility == PatientEligibility.EXISTING_ONLY:
        raise OnlineError(
            OnlineErrorCode.RETURNING_PATIENTS_ONLY,
            f"{service.name} follows a first visit, so it is for returning patients. "
            "New patients book a first visit (an assessment) first.",
            field="service",
        )


def online_book_new_patient(
    *, details: NewPatient, time: ChosenTime, hold_id: int | None, client_ip: str, now: datetime
) -> Appointment:
    """Register a new patient and put them on the time held for them, in one
    transaction: a refused hold (the time gone, a service for existing patients only)
    leaves no patient record behind. A service a new patient may not book is refused
    first (online_new_patient_validate: RETURNING_PATIENTS_ONLY), and someone already
    on file (ALREADY_ON_FILE) is asked to book as a returning patient."""
    online_new_patient_validate(service=time.service)
    held = hold_for_nobody(appointment_id=hold_id, now=now)
    if held is None:
        rate_limit_hit(limit=HOLDS_PER_IP, subject=client_ip, now=now)
    with transaction.atomic():
        patient = online_patient_register(
            first_name=details.first_name,
            last_name=details.last_name,
            date_of_birth=details.date_of_birth,
            email=details.email,
            phone=details.phone,
        )
        return _hold_for(patient=patient, held=held, time=time, now=now)


def online_book_returning(
    *, patient: Patient, time: ChosenTime, hold_id: int | None, client_ip: str, now: datetime
) -> Appointment:
    """Put a returning patient (or a dependent whose bookings they manage) on the time
    held for them. Who the visitor may book for is the page's question, answered by
    the access policy or the e-mail address they proved with a code. A service a
    practitioner must clear first for this patient (a safety alert, a red flag not yet
    reviewed) is refused with the clinic's phone number, nothing clinical said."""
    phone = time.location.phone or time.location.clinic.phone
    booking_safety_validate(
        patient_id=patient.pk,
        service=time.service,
        message=f"We need to talk with you before this visit is booked. Please call us at {phone}."
        if phone
        else "Please call the clinic to book this visit.",
    )
    held = hold_for_nobody(appointment_id=hold_id, now=now)
    if held is None:
        rate_limit_hit(limit=HOLDS_PER_IP, subject=client_ip, now=now)
    with transaction.atomic():
        return _hold_for(patient=patient, held=held, time=time, now=now)


def _hold_for(
    *, patient: Patient, held: Appointment | None, time: ChosenTime, now: datetime
) -> Appointment:
    """Put the patient on the time held when it was chosen; if that hold has lapsed,
    hold the time again for them (it may have gone meanwhile: SchedulingError). The
    caller has counted a new hold against its limit."""
    if held is not None:
        return booking.appointment_hold_claim(
            appointment=held, patient=patient, actor=None, now=now
        )
    return booking.appointment_hold(
        request=time.request_for(patient), actor=None, now=now, hold_for=HOLD_FOR
    )


def online_terms_accept(
    *, appointment: Appointment, notice_version: int | None, new_patient: bool, now: datetime
) -> Appointment:
    """The patient agrees to the privacy notice they were shown (`notice_version`),
    which is recorded with its version; then, in the same transaction, a returning
    patient's booking is final, and a new patient is e-mailed a code to confirm their
    address (online_confirm_new). A notice published meanwhile is refused
    (NOTICE_NOT_CURRENT): they must read the new one. A hold run out is the booking
    service's SchedulingError, and nothing is recorded."""
    patient = _patient_of(appointment)
    notice = privacy_notice_current()
    if notice is None or notice.version != notice_version:
        raise OnlineError(
            OnlineErrorCode.NOTICE_NOT_CURRENT,
            "Please read the privacy notice and tick the box to agree to it.",
            field="consent",
        )
    with transaction.atomic():
        consent_record(
            patient=patient, notice=notice, channel=ConsentChannel.ONLINE, actor=None, now=now
        )
        if not new_patient:
            return booking.appointment_confirm(appointment=appointment, actor=None, now=now)
        code_issue(
            email=patient.email,
            purpose=OneTimeCode.Purpose.CONFIRM,
            clinic=appointment.location.clinic,
            now=now,
        )
    return appointment


def online_code_request(*, email: str, clinic: Clinic, client_ip: str, now: datetime) -> None:
    """A returning patient asks for a code to prove they read `email`. Counted against
    the limits per client address and per e-mail address (RATE_LIMITED when one is used
    up); then the code is e-mailed only if someone may be booked for with this
    address. The caller answers the same either way, so the page never tells whether
    an address is on file."""
    email = email.strip().lower()
    rate_limit_hit(limit=CODES_PER_IP, subject=client_ip, now=now)
    rate_limit_hit(limit=CODES_PER_EMAIL, subject=email, now=now)
    if bookable_people(email=email):
        code_issue(email=email, purpose=OneTimeCode.Purpose.SIGN_IN, clinic=clinic, now=now)


def online_code_verify(*, email: str, code: str, now: datetime) -> list[Patient]:
    """Accept the code e-mailed to a returning patient (code_check's refusals), and
    answer whom they may now book for."""
    code_check(email=email, purpose=OneTimeCode.Purpose.SIGN_IN, code=code, now=now)
    return bookable_people(email=email)


def online_code_resend(*, appointment: Appointment, now: datetime) -> None:
    """E-mail a new patient another code to confirm their booking, counted against the
    limit per e-mail address."""
    email = _patient_of(appointment).email
    rate_limit_hit(limit=CODES_PER_EMAIL, subject=email, now=now)
    code_issue(
        email=email,
        purpose=OneTimeCode.Purpose.CONFIRM,
        clinic=appointment.location.clinic,
        now=now,
    )


def online_confirm_new(*, appointment: Appointment, code: str, now: datetime) -> Appointment:
    """A new patient's booking becomes final once the code e-mailed to them is right."""
    code_check(
        email=_patient_of(appointment).email,
        purpose=OneTimeCode.Purpose.CONFIRM,
        code=code,
        now=now,
    )
    return booking.appointment_confirm(appointment=appointment, actor=None, now=now)


def _patient_of(appointment: Appointment) -> Patient:
    if appointment.patient is None:
        raise OnlineError(OnlineErrorCode.INVALID, "This time is not held for anyone yet.")
    return appointment.patient


def online_hold(*, request: booking.BookingRequest, client_ip: str, now: datetime) -> Appointment:
    """Hold the chosen time for HOLD_FOR, counted against the client's hourly limit."""
    rate_limit_hit(limit=HOLDS_PER_IP, subject=client_ip, now=now)
    return booking.appointment_hold(request=request, actor=None, now=now, hold_for=HOLD_FOR)


# --- New patients -----------------------------------------------------------------


def already_on_file(*, first_name: str, last_name: str, date_of_birth: date, email: str) -> bool:
    """Someone with this name and date of birth, or this e-mail address, is on file."""
    same = Q(
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        date_of_birth=date_of_birth,
    ) | Q(email__iexact=email.strip())
    return Patient.objects.filter(same).exists()


def online_patient_register(
    *, first_name: str, last_name: str, date_of_birth: date, email: str, phone: str
) -> Patient:
    """Register a new patient from the booking pages. Someone already on file (same
    name and date of birth, or same e-mail) is not registered twice: they are asked to
    book as a returning patient with a code sent to their e-mail address."""
    if already_on_file(
        first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, email=email
    ):
        raise OnlineError(
            OnlineErrorCode.ALREADY_ON_FILE,
            "It looks like you have been here before. Please book as a returning patient: "
            "we will e-mail you a code.",
        )
    return patient_create(
        actor=None,
        patient=Patient(
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            date_of_birth=date_of_birth,
            email=email.strip().lower(),
            phone=phone.strip(),
        ),
        # Same name and birth date, and same e-mail, were refused above; a shared
        # family phone number is no reason to refuse.
        confirm_not_duplicate=True,
    )
