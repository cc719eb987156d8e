"""Patients' own sign-ins: a link e-mailed to set a password for the first time, or to
reset a forgotten one.

Staff give a patient a sign-in (patients.services.patient_account_create); a patient
on file can also give themselves one, by asking for a link to the address the clinic
has for them. Whoever asks is shown the same answer whether or not the address is on
file (the page reveals nothing); the link goes only to that address, so only someone
who reads it can set the password.

The link is Django's password-reset token (`default_token_generator`): it works for
PASSWORD_RESET_TIMEOUT (a day) and once only, because it is a hash over the
account's password, which setting a password changes. The page it opens is
web.portal.password_views.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rehabdesk.accounts.models import User, normalize_email
from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.clinic.models import Clinic
from rehabdesk.core.links import site_link
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.services import message_enqueue
from rehabdesk.online.services import Limit, rate_limit_hit
from rehabdesk.patients.models import FamilyLink, Patient
from rehabdesk.patients.services import patient_account_create

LINK_TEMPLATE = "password_link"

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
    (OnlineError RATE_LIMITED when one is used up), then e-mail a link to set a
    password to `email` if it belongs to a patient. Returns whose account the link is
    for, or None when nothing was sent; the caller must answer the same either way.

    Who gets a link:

    1. A sign-in with this address that is active and holds the patient role gets a
       link to reset its password. Any other sign-in with it (a staff account, one
       switched off) gets nothing: staff passwords are the manager's business.
    2. Otherwise, the active patients on file with this address (any case) are
       considered, and one of them is chosen: the one who is nobody's dependent (no
       current family link with them as the dependent), else the oldest (earliest
       date of birth, then the first registered); among several who are nobody's
       dependent, also the oldest. So when a parent and their children share the
       parent's address, the parent gets the sign-in and manages the children from
       it. If the one chosen has no sign-in yet, one is created with no usable
       password (patients.services.patient_account_create) and the link lets them
       set their first one. If they already have a sign-in (under another address),
       nothing is sent: the link goes only to a sign-in's own address.
    """
    email = normalize_email(email)
    # The counts come first, each in its own transaction: nothing below can undo them.
    rate_limit_hit(limit=PASSWORD_LINKS_PER_IP, subject=client_ip, now=now)
    rate_limit_hit(limit=PASSWORD_LINKS_PER_EMAIL, subject=email, now=now)
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        if user is not None:
            if not user.is_active or Role.PATIENT not in roles_of(user.pk):
                return None
        else:
            patient = _patient_for_new_account(email)
            if patient is None:
                return None
            # Locked: two requests at once must not both create the sign-in.
            patient = Patient.objects.select_for_update().get(pk=patient.pk)
            if patient.user_id is not None:
                return None
            user = patient_account_create(actor=None, patient=patient, password=None)
        _enqueue_link(user=user, now=now)
    return user


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


def _enqueue_link(*, user: User, now: datetime) -> None:
    """Write the e-mail with the link to the outbox, in the caller's transaction."""
    # No selector answers "the clinic" yet: one clinic per installation, so the first
    # one made stands for it.
    clinic = Clinic.objects.order_by("pk").first()
    path = reverse(
        "password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    message_enqueue(
        channel=MessageChannel.EMAIL,
        kind=LINK_TEMPLATE,
        recipient=user.email,
        template=LINK_TEMPLATE,
        context={
            "clinic_name": clinic.name if clinic else "Rehabdesk",
            "clinic_phone": clinic.phone if clinic else "",
            "link": site_link(path),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            # First time: the account has never had a password (just created, or made
            # by staff without one).
            "new_account": not user.has_usable_password(),
        },
        related_type="accounts.user",
        related_id=user.pk,
        now=now,
    )
