"""Manage-my-booking links: the link in every booking e-mail that lets the patient see,
cancel or move that one appointment without signing in.

The link's token is signed with the site's secret key (django.core.signing, HMAC-SHA256
with a salt of its own) over three numbers: the appointment, its patient, and when the
link stops working — the start of the appointment as it was when the e-mail was
written. It names no person and says nothing about their health; changing any digit
breaks the signature. A token is good only while all of this holds:

- the signature is right (a forged or altered token is refused);
- `now` is before its expiry (an old e-mail stops working once the visit has begun);
- the appointment still exists and still belongs to the patient it was signed for.

Every refusal looks the same to the visitor (access.accessors.appointment_by_link), so a
guessed or stolen token teaches nothing. What the link then allows is the clinic's
policy (scheduling.services.self_service), not the token's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.core import signing
from django.urls import reverse

from rehabdesk.core.links import site_link
from rehabdesk.scheduling.models import Appointment

SALT = "rehabdesk.scheduling.manage-link"


@dataclass(frozen=True)
class ManageLink:
    """What a token says, once its signature has been checked."""

    appointment_id: int
    patient_id: int
    expires_at: datetime


def manage_token(appointment: Appointment) -> str:
    """A token for this appointment's patient, good until the appointment starts."""
    if appointment.patient_id is None:
        raise ValueError("a manage link needs the appointment's patient")
    payload = [appointment.pk, appointment.patient_id, int(appointment.start.timestamp())]
    return signing.dumps(payload, salt=SALT)


def manage_link(appointment: Appointment) -> str:
    """The absolute address of the appointment's manage page, for an e-mail."""
    return site_link(reverse("manage-booking", kwargs={"token": manage_token(appointment)}))


def intake_link(appointment: Appointment) -> str:
    """The absolute address of the health form for the appointment's patient, through
    the same token (web/portal/intake_views.py): filled in before the visit."""
    return site_link(reverse("manage-intake", kwargs={"token": manage_token(appointment)}))


def manage_link_read(token: str, *, now: datetime) -> ManageLink | None:
    """What a token says, or None when it is forged, altered, malformed or expired.
    Whether the appointment still belongs to that patient is the caller's check."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(payload, list)
        or len(payload) != 3
        or not all(isinstance(value, int) and not isinstance(value, bool) for value in payload)
    ):
        return None
    appointment_id, patient_id, expires = payload
    expires_at = datetime.fromtimestamp(expires, tz=UTC)
    if now >= expires_at:
        return None
    return ManageLink(appointment_id, patient_id, expires_at)
