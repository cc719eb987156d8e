"""Online booking's own writes: rate limits, one-time codes, registering a new patient
from the booking pages, and holding and confirming their time through the booking
service (rehabdesk.scheduling.services, the only way to book).

Rate limits are counters in the database (RateCount), one row per key and fixed
window, counted with a compare-and-count UPDATE (`count = count + 1 WHERE count <
limit`): every process sees the same count, and two racing requests can never both
take the last place. The cache would do on one machine only (the default cache is per
process), so the database it is.
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

from rehabdesk.clinic.models import Clinic
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.online.errors import OnlineError, OnlineErrorCode
from rehabdesk.online.models import OneTimeCode, RateCount
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import patient_create
from rehabdesk.scheduling import services as booking
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


# --- New patients and their bookings ----------------------------------------------


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


def online_hold(*, request: booking.BookingRequest, client_ip: str, now: datetime) -> Appointment:
    """Hold the chosen time for HOLD_FOR, counted against the client's hourly limit."""
    rate_limit_hit(limit=HOLDS_PER_IP, subject=client_ip, now=now)
    return booking.appointment_hold(request=request, actor=None, now=now, hold_for=HOLD_FOR)


def online_confirm_new(*, appointment: Appointment, code: str, now: datetime) -> Appointment:
    """A new patient's booking becomes final once the code e-mailed to them is right."""
    if appointment.patient is None:
        raise OnlineError(OnlineErrorCode.INVALID, "This time is not held for anyone yet.")
    code_check(
        email=appointment.patient.email, purpose=OneTimeCode.Purpose.CONFIRM, code=code, now=now
    )
    return booking.appointment_confirm(appointment=appointment, actor=None, now=now)
