"""Holds made through the JSON API (`POST /api/holds`), limited like the booking pages'.

The booking pages let a visitor keep one time at a time (choosing another gives the
first back: online_time_pick) and count every new hold against HOLDS_PER_IP. The API
had no such limit: one patient held 26 times at once, keeping those times from
everybody else. So an API hold is refused:

- when the patient already has LIVE_HOLDS_PER_PATIENT times held and not yet run out
  (409 `too_many_holds`: confirm that hold, or cancel it, first), whoever holds them.
  The booking service counts them inside its own transaction, once it holds the
  patient's place in the queue (`appointment_hold(live_holds_limit=...)`): two
  requests for one patient at once, even with two practitioners, cannot both pass;
- when the account has made HOLDS_PER_ACCOUNT.times holds in the hour (429
  `rate_limited`), counted in the database like the pages' limits (RateCount:
  every process sees one count, and two racing requests cannot both take the last
  place).

A retry with an idempotency key already used is not counted nor refused here: the
booking service answers it with what the first request made (or refuses a mismatch).
"""

from __future__ import annotations

from datetime import datetime

from rehabdesk.online.services import HOLDS_PER_IP, Limit, rate_limit_hit
from rehabdesk.scheduling import services as booking
from rehabdesk.scheduling.models import Appointment

# ⚠ The pages' numbers: one time held at once per visitor, HOLDS_PER_IP an hour.
LIVE_HOLDS_PER_PATIENT = 1
HOLDS_PER_ACCOUNT = Limit(
    "hold-account",
    HOLDS_PER_IP.times,
    HOLDS_PER_IP.per,
    "This account has held many times in the last hour. Please confirm or cancel the "
    "times held, and try again later.",
)


def api_hold(
    *,
    request: booking.BookingRequest,
    actor: booking.Actor,
    now: datetime,
    idempotency_key: str | None = None,
    note: str = "",
) -> Appointment:
    """Hold a time through the API, within the limits above (the booking service's
    own rules and refusals follow)."""
    retry = bool(idempotency_key) and (
        Appointment.objects.filter(idempotency_key=idempotency_key).exists()
    )
    if not retry and request.patient is not None:
        # A first look, so that a patient already holding a time is refused before the
        # account's hourly count takes their request. It proves nothing: the booking
        # service counts again under the patient's lock, and that count decides.
        booking.live_holds_check(patient=request.patient, limit=LIVE_HOLDS_PER_PATIENT, now=now)
        if actor is not None and actor.pk is not None:
            rate_limit_hit(limit=HOLDS_PER_ACCOUNT, subject=f"user:{actor.pk}", now=now)
    return booking.appointment_hold(
        request=request,
        actor=actor,
        now=now,
        idempotency_key=idempotency_key,
        note=note,
        live_holds_limit=LIVE_HOLDS_PER_PATIENT,
    )
