"""Everyone's forgotten password, and patients' first one: a link e-mailed to set a
password ("Forgot your password?" on the sign-in page, /my/password/).

Any active sign-in, staff or patient, can ask for a link to its own address. Staff
give a patient a sign-in (patients.services.patient_account_create); a patient on
file can also give themselves one, by asking for a link to the address the clinic has
for them. Whoever asks is shown the same answer whether or not the address is on file,
and the request does the same work either way: two counts, one look-up, one e-mail
written to the outbox (a link, or a note that no link could be sent), one audit row.
Only the e-mail, which reaches only that address's owner, tells them apart; the link
goes only to that address, so only someone who reads it can set the password.

The link is Django's password-reset token (`default_token_generator`): it works for
PASSWORD_RESET_TIMEOUT (a day) and once only, because it is a hash over the
account's password, which setting a password changes. The page it opens is
web.portal.password_views; setting the password there is
accounts.services.user_password_set_by_link (every session ends, the owner is told,
staff still pass their second factor at the next sign-in).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef

from rehabdesk.accounts.models import User, normalize_email
from rehabdesk.accounts.services import password_set_path
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.clinic.models import Clinic
from rehabdesk.core.links import site_link
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.online.services import Limit, rate_limit_hit
from rehabdesk.patients.models import FamilyLink, Patient
from rehabdesk.patients.services import patient_account_create

LINK_TEMPLATE = "password_link"
NO_LINK_TEMPLATE = "password_link_none"
ACCOUNT = "accounts.user"

PASSWORD_LINKS_PER_EMAIL = Limit(
    "password-link-email",
    3,
    timedelta(hours=1),
    "Several links were asked for this address in the last hour. Please use the latest "
    "one, or try again later.",
)
PASSWORD_LINKS_PER_IP = Limit(
    "password-link-ip",
    10,
    timedelta(hours=1),
    "Many links were asked for from this connection in the last hour. Please try again "
    "later, or call us.",
)


def password_link_request(*, email: str, client_ip: str, now: datetime) -> User | None:
    """Count the request against the limits per client address and per e-mail address
    (OnlineError RATE_LIMITED when one is used up), then e-mail `email` a link to set
    a password if a sign-in may have one, else a note that none was sent. Returns whose
    account the link is for, or None when none was sent; the caller must answer the
    same either way.

    Who gets a link:

    1. A sign-in with this address that is active, whatever its roles (staff or
       patient), gets a link to reset its password. One switched off gets the note.
    2. Otherwise, the active patients on file with this address (any case) are
       considered, and one of them is chosen: the one who is nobody's dependent (no
       current family link with them as the dependent), else the oldest (earliest
       date of birth, then the first registered); among several who are nobody's
       dependent, also the oldest. So when a parent and their children share the
       parent's address, the parent gets the sign-in and manages the children from
       it. If the one chosen has no sign-in yet, one is created with no usable
       password (patients.services.patient_account_create) and the link lets them
       set their first one. If they already have a sign-in (under another address),
       the note goes: the link goes only to a sign-in's own address.
    """
    email = normalize_email(email)
    # The counts come first, each in its own transaction: nothing below can undo them.
    rate_limit_hit(limit=PASSWORD_LINKS_PER_IP, subject=client_ip, now=now)
    rate_limit_hit(limit=PASSWORD_LINKS_PER_EMAIL, subject=email, now=now)
    with transaction.atomic():
        user = _account_for(email)
        if user is None:
            _enqueue_note(email=email, now=now)
        else:
            _enqueue_link(user=user, now=now)
    return user


def _account_for(email: str) -> User | None:
    """The sign-in a link for `email` is for (rules in password_link_request)."""
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user if user.is_active else None
    patient = _patient_for_new_account(email)
    if patient is None:
        return None
    # Locked: two requests at once must not both create the sign-in.
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if patient.user_id is not None:
        return None
    return patient_account_create(actor=None, patient=patient, password=None)


def _patient_for_new_account(email: str) -> Patient | None:
    """The patient an address on file belongs to (the rule is in
    password_link_request's docstring)."""
    is_dependent = Exists(
        FamilyLink.objects.filter(dependent=OuterRef("pk"), ended_at__isnull=True)
    )
    return (
        Patient.objects.filter(email__iexact=email, active=True)
        .annotate(is_dependent=is_dependent)
        .order_by("is_dependent", "date_of_birth", "pk")
        .first()
    )


def _clinic_context() -> dict[str, object]:
    # No selector answers "the clinic" yet: one clinic per installation, so the first
    # one made stands for it.
    clinic = Clinic.objects.order_by("pk").first()
    return {
        "clinic_name": clinic.name if clinic else "Rehabdesk",
        "clinic_phone": clinic.phone if clinic else "",
    }


def _enqueue_link(*, user: User, now: datetime) -> None:
    """Write the e-mail with the link to the outbox, and its audit row, in the
    caller's transaction."""
    message_enqueue(
        channel=MessageChannel.EMAIL,
        kind=LINK_TEMPLATE,
        recipient=user.email,
        template=LINK_TEMPLATE,
        context={
            **_clinic_context(),
            "link": site_link(password_set_path(user)),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            # First time: the account has never had a password (just created, or made
            # by staff without one).
            "new_account": not user.has_usable_password(),
        },
        related_type=ACCOUNT,
        related_id=user.pk,
        now=now,
    )
    audit_record(
        actor=None,
        action=AuditAction.CHANGE,
        object_type=ACCOUNT,
        object_id=user.pk,
        summary="password link sent on request",
        now=now,
    )


def _enqueue_note(*, email: str, now: datetime) -> None:
    """The same work as a link, for an address with none to send: the note and an
    audit row (no account to name: the row names none, nor the address)."""
    message_enqueue(
        channel=MessageChannel.EMAIL,
        kind=NO_LINK_TEMPLATE,
        recipient=email,
        template=NO_LINK_TEMPLATE,
        context=_clinic_context(),
        now=now,
    )
    audit_record(
        actor=None,
        action=AuditAction.CHANGE,
        object_type="accounts.password_link",
        summary="password link asked for, none sent",
        now=now,
    )
