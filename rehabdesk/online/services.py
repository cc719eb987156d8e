"""Online booking's writes: rate limits, one-time codes, matching or registering the
patient from the booking pages, and the booking itself, step by step as the visitor
goes, through the booking service (rehabdesk.scheduling.services, the only way to book).

Who is a patient of the clinic is itself health information, so nothing a page
answers depends on whether a name, a date of birth or an e-mail address is on file
until the visitor has proved they read the address (docs/domain/online-booking.md):

1. `online_time_pick`: the visitor chooses a time; it is held at once, for nobody yet,
   so it cannot go to someone else while they type (the time they chose before is
   given back).
2. `online_code_request`: every visitor gives an e-mail address and is e-mailed a code,
   whether or not the address is on file (the same work, the same page; only the
   e-mail itself, which reaches only the address's owner, says whether we know it);
   `online_code_verify` checks it, with one answer for every address.
3. Only then is the patient matched: `online_book_returning` for someone the proved
   address may book for (themselves, their dependents), or `online_book_by_details`
   with a name and date of birth: the patient with that name, date of birth and the
   proved address, else a new patient, registered and put on the hold in one
   transaction (a refused hold leaves no record behind).
4. `online_terms_accept`: consent to the privacy notice, and the booking is final.

Rate limits are counters in the database (RateCount), one row per key and fixed
window, counted with a compare-and-count UPDATE (`count = count + 1 WHERE count <
limit`): every process sees the same count, and two racing requests can never both
take the last place. The cache would do on one machine only (the default cache is per
process), so the database it is. A count is its own transaction, taken before the
step's own: a step refused afterwards still counts, or refusals would cost nothing.
Every step counts: codes asked for (per connection and per address), codes tried (per
connection; and each code locks after CODE_ATTEMPTS wrong tries), details given (per
proved address) and times held (per connection).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
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
from rehabdesk.online.selectors import address_on_file, hold_for_nobody
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

CODE_CHECKS_PER_IP = Limit(
    "code-check-ip",
    30,
    timedelta(hours=1),
    "Many codes were tried from this connection in the last hour. Please try again "
    "later, or call us.",
)
DETAILS_PER_EMAIL = Limit(
    "details-email",
    10,
    timedelta(hours=1),
    "Many bookings were started with this address in the last hour. Please try again "
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


PURPOSE = OneTimeCode.Purpose.BOOKING
CODE_REFUSED = (
    "That code is not right, or it has run out. Please check the latest e-mail we sent, "
    "or ask for a new code."
)


def _hash(email: str, code: str) -> str:
    return salted_hmac("rehabdesk.online.code", f"{email.lower()}|{PURPOSE}|{code}").hexdigest()


def code_issue(*, email: str, clinic: Clinic, on_file: bool, now: datetime) -> None:
    """E-mail a fresh six-digit code (through the outbox); it replaces earlier ones.
    `on_file`: someone may be booked for with this address, which the e-mail (and only
    the e-mail) says."""
    email = email.strip().lower()
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        OneTimeCode.objects.filter(email=email, purpose=PURPOSE, used_at__isnull=True).update(
            used_at=now
        )
        OneTimeCode.objects.create(
            email=email,
            purpose=PURPOSE,
            code_hash=_hash(email, code),
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
                "on_file": on_file,
            },
            now=now,
        )


def code_check(*, email: str, code: str, now: datetime) -> None:
    """Accept the latest code sent to `email`, once. Every refusal is the same
    (CODE_WRONG, CODE_REFUSED): a wrong code, one run out, used, locked after
    CODE_ATTEMPTS wrong tries, or none sent; and the same work is done (a hash is
    computed and compared) whether or not a code is there to compare it with."""
    email = email.strip().lower()
    tried = _hash(email, code.strip())
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(email=email, purpose=PURPOSE, used_at__isnull=True, expires_at__gt=now)
            .filter(attempts__lt=CODE_ATTEMPTS)
            .order_by("-created_at")
            .first()
        )
        right = hmac.compare_digest(row.code_hash if row else _hash(email, "-"), tried)
        if row is not None:
            row.attempts += 1
            row.used_at = now if right else None
            row.save(update_fields=["attempts", "used_at"])
    if row is None or not right:
        raise OnlineError(OnlineErrorCode.CODE_WRONG, CODE_REFUSED, field="code")


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
    """Who the appointment is for, as the visitor tells us on the booking pages once
    they have proved their e-mail address (which goes with it)."""

    first_name: str
    last_name: str
    date_of_birth: date
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


def online_book_by_details(
    *,
    details: NewPatient,
    email: str,
    time: ChosenTime,
    hold_id: int | None,
    client_ip: str,
    now: datetime,
) -> Appointment:
    """Put on the time held the person the visitor names, with `email`, the address they
    proved with a code (online_code_verify; the caller's to ensure). Counted against
    DETAILS_PER_EMAIL.

    The active patient with this name, date of birth and address is booked as a
    returning patient (online_book_returning). Anyone else is registered as a new
    patient and put on the hold in one transaction, so a refused hold leaves no record
    behind: so is someone whose name and date of birth are on file under another
    address, for the answer must not tell a visitor that a name they typed is a
    patient's: a second record is made (patients.selectors.possible_duplicates finds
    the pair; there is no tool to merge them yet). A service for returning patients
    is refused first to a new one (online_new_patient_validate)."""
    email = email.strip().lower()
    rate_limit_hit(limit=DETAILS_PER_EMAIL, subject=email, now=now)
    known = patient_on_file(
        first_name=details.first_name,
        last_name=details.last_name,
        date_of_birth=details.date_of_birth,
        email=email,
    )
    if known is not None:
        return online_book_returning(
            patient=known, time=time, hold_id=hold_id, client_ip=client_ip, now=now
        )
    online_new_patient_validate(service=time.service)
    held = hold_for_nobody(appointment_id=hold_id, now=now)
    if held is None:
        rate_limit_hit(limit=HOLDS_PER_IP, subject=client_ip, now=now)
    with transaction.atomic():
        patient = online_patient_register(details=details, email=email)
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
    *, appointment: Appointment, notice_version: int | None, now: datetime
) -> Appointment:
    """The patient agrees to the privacy notice they were shown (`notice_version`),
    which is recorded with its version, and the booking is final, in one transaction
    (the e-mail address was proved before anyone was put on the hold). A notice
    published meanwhile is refused (NOTICE_NOT_CURRENT): they must read the new one.
    A hold run out is the booking service's SchedulingError, and nothing is recorded."""
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
        return booking.appointment_confirm(appointment=appointment, actor=None, now=now)


def online_code_request(*, email: str, clinic: Clinic, client_ip: str, now: datetime) -> None:
    """Any visitor asks for a code to prove they read `email`. Counted against the
    limits per client address and per e-mail address (RATE_LIMITED when one is used
    up); then a code is e-mailed to every address, on file or not: the same work and
    the same answer, so the page never tells whether an address is on file. Only the
    e-mail says so, to whoever reads that mailbox."""
    email = email.strip().lower()
    rate_limit_hit(limit=CODES_PER_IP, subject=client_ip, now=now)
    rate_limit_hit(limit=CODES_PER_EMAIL, subject=email, now=now)
    on_file = address_on_file(email=email)
    code_issue(email=email, clinic=clinic, on_file=on_file, now=now)


def online_code_verify(*, email: str, code: str, client_ip: str, now: datetime) -> None:
    """Accept the code e-mailed to `email` (code_check: one refusal for every address),
    counted against the limit of tries per client address."""
    rate_limit_hit(limit=CODE_CHECKS_PER_IP, subject=client_ip, now=now)
    code_check(email=email, code=code, now=now)


def _patient_of(appointment: Appointment) -> Patient:
    if appointment.patient is None:
        raise OnlineError(OnlineErrorCode.INVALID, "This time is not held for anyone yet.")
    return appointment.patient


def online_hold(*, request: booking.BookingRequest, client_ip: str, now: datetime) -> Appointment:
    """Hold the chosen time for HOLD_FOR, counted against the client's hourly limit."""
    rate_limit_hit(limit=HOLDS_PER_IP, subject=client_ip, now=now)
    return booking.appointment_hold(request=request, actor=None, now=now, hold_for=HOLD_FOR)


# --- New patients -----------------------------------------------------------------


def patient_on_file(
    *, first_name: str, last_name: str, date_of_birth: date, email: str
) -> Patient | None:
    """The active patient with this name, date of birth and e-mail address (any case),
    if there is one."""
    return (
        Patient.objects.filter(
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            date_of_birth=date_of_birth,
            email__iexact=email.strip(),
            active=True,
        )
        .order_by("pk")
        .first()
    )


def online_patient_register(*, details: NewPatient, email: str) -> Patient:
    """Register a new patient from the booking pages, with the address they proved."""
    return patient_create(
        actor=None,
        patient=Patient(
            first_name=details.first_name.strip(),
            last_name=details.last_name.strip(),
            date_of_birth=details.date_of_birth,
            email=email.strip().lower(),
            phone=details.phone.strip(),
        ),
        # The same name and birth date under another address is registered all the
        # same (online_book_by_details says why).
        confirm_not_duplicate=True,
    )
