"""Writes to accounts: creating people who sign in and giving them roles; the clinic
resetting a patient's or a colleague's password or changing their sign-in e-mail (each
audited and told to the account's owner); one's own password, changed or set with an
e-mailed link; lifting a sign-in lockout."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Literal

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rehabdesk.accounts.errors import AccountsError, AccountsErrorCode
from rehabdesk.accounts.models import User, normalize_email
from rehabdesk.accounts.roles import ADMIN_ROLES, STAFF_ROLES, Role, roles_of
from rehabdesk.accounts.throttle import account_id_of
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.core.links import site_link
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.services import message_enqueue


def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    roles: Iterable[Role] = (),
    check_password_strength: bool = True,
    password_hash: str | None = None,
) -> User:
    """Create someone who signs in by e-mail. A password of None means they cannot
    sign in by password until they set one (through a reset link). `password_hash`, in
    place of a password, is one already hashed and checked for another account: the
    clinic loader's accounts share the description's one published password, and
    hashing it once instead of for each account saves seconds of every demo start."""
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise AccountsError(
            AccountsErrorCode.INVALID, f"“{email}” is not an e-mail address.", field="email"
        ) from None
    if password is not None and check_password_strength:
        try:
            validate_password(password, User(email=email, first_name=first_name))
        except ValidationError as error:
            raise AccountsError(
                AccountsErrorCode.INVALID, " ".join(error.messages), field="password"
            ) from None
    with transaction.atomic():
        if User.objects.filter(email=email).exists():
            raise AccountsError(
                AccountsErrorCode.EMAIL_TAKEN,
                f"Someone already signs in with {email}.",
                field="email",
            )
        user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
        if password_hash is not None:
            user.password = password_hash
        else:
            user.set_password(password)
        user.save()
        user_set_roles(user=user, roles=roles)
    return user


def user_set_roles(*, user: User, roles: Iterable[Role]) -> None:
    """Make the user hold exactly these roles; admin access follows from them."""
    wanted = set(roles)
    with transaction.atomic():
        held = set(Group.objects.filter(user__id=user.pk).values_list("name", flat=True))
        user.groups.set(Group.objects.filter(name__in=[role.value for role in wanted]))
        is_staff = bool(wanted & ADMIN_ROLES) or user.is_superuser
        changed: list[str] = []
        if user.is_staff != is_staff:
            user.is_staff = is_staff
            changed.append("is_staff")
        if held != {role.value for role in wanted}:
            # A change of privilege ends the person's sessions: the next one starts at
            # the sign-in page, under a new session id, with the roles it now has.
            user.session_generation += 1
            changed.append("session_generation")
        if changed:
            user.save(update_fields=changed)


# Someone else's sign-in, changed by the clinic (a patient's from their record, a
# colleague's by a manager): each act audited and told to the owner.

PASSWORD_RESET_TEMPLATE = "password_reset_by_clinic"  # noqa: S105 (a template's name)
EMAIL_CHANGED_TEMPLATE = "sign_in_email_changed"
PASSWORD_SET_TEMPLATE = "password_set"  # noqa: S105 (a template's name)
ACCOUNT = "accounts.user"


def _patient_account(*, actor: User, user: User) -> None:
    """Refuse what a patient's page may not do to this account: one's own (changed on
    one's own page), a staff account (the manager's, on the staff security page: a
    patient's page must not reach a colleague's sign-in), one switched off."""
    _not_own(actor=actor, user=user)
    roles = roles_of(user.pk)
    if not user.is_active or Role.PATIENT not in roles or roles & STAFF_ROLES or user.is_staff:
        raise AccountsError(
            AccountsErrorCode.NOT_A_PATIENT,
            "Only a patient's active sign-in can be changed here. Staff accounts are "
            "managed by the clinic's manager.",
        )


def _staff_account(*, actor: User, user: User) -> None:
    """Refuse what the manager's staff page may not do: one's own account, or one that
    is not an active staff account (a patient's is changed from the patient's page)."""
    _not_own(actor=actor, user=user)
    if not user.is_active or not (roles_of(user.pk) & STAFF_ROLES or user.is_staff):
        raise AccountsError(
            AccountsErrorCode.NOT_STAFF,
            "Only a colleague's active staff sign-in can be changed here.",
        )


def _not_own(*, actor: User, user: User) -> None:
    if user.pk == actor.pk:
        raise AccountsError(
            AccountsErrorCode.OWN_ACCOUNT,
            "This is your own sign-in: change your password on your own password page.",
        )


def password_set_path(user: User) -> str:
    """The link's path (no host) that lets `user` choose a password: Django's reset
    token, a day and once (a hash over the current password, which setting changes)."""
    return reverse(
        "password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def user_password_reset_send(
    *,
    actor: User,
    user: User,
    clinic_name: str,
    clinic_phone: str,
    patient_ids: Iterable[int] = (),
    now: datetime,
) -> None:
    """E-mail a patient a link to choose a new password, at the clinic's hand (they
    forgot it and called). Never sets a password: the link goes to the address on
    file only, so only its owner chooses one, and the current one works until then.
    The e-mail says the clinic sent it. Audited as a CHANGE of the account, naming
    `patient_ids` (the records whose sign-in it is) for their access logs."""
    _patient_account(actor=actor, user=user)
    _reset_link_send(
        actor=actor,
        user=user,
        clinic_name=clinic_name,
        clinic_phone=clinic_phone,
        patient_ids=patient_ids,
        now=now,
    )


def staff_password_reset_send(
    *, actor: User, user: User, clinic_name: str, clinic_phone: str, now: datetime
) -> None:
    """A manager e-mails a colleague a link to choose a new password (they forgot it).
    As for a patient: never sets one, the link goes to the colleague's own address,
    which the e-mail tells that the clinic sent it; audited. Their second factor stays:
    a new password alone does not sign them in."""
    _staff_account(actor=actor, user=user)
    _reset_link_send(
        actor=actor, user=user, clinic_name=clinic_name, clinic_phone=clinic_phone, now=now
    )


def _reset_link_send(
    *,
    actor: User,
    user: User,
    clinic_name: str,
    clinic_phone: str,
    patient_ids: Iterable[int] = (),
    now: datetime,
) -> None:
    path = password_set_path(user)
    with transaction.atomic():
        _tell(
            to=user.email,
            template=PASSWORD_RESET_TEMPLATE,
            user_id=user.pk,
            now=now,
            clinic_name=clinic_name,
            clinic_phone=clinic_phone,
            link=site_link(path),
            hours=settings.PASSWORD_RESET_TIMEOUT // 3600,
        )
        _audit(actor, user.pk, "password reset link sent", now, patient_ids)


def user_sign_in_email_change(
    *,
    actor: User,
    user: User,
    new_email: str,
    clinic_name: str,
    clinic_phone: str,
    patient_ids: Iterable[int] = (),
    now: datetime,
) -> User:
    """Change the address a patient signs in with. Both the old and the new address
    are told, so a change the owner did not ask for does not go unnoticed (the old
    one) and a mistyped one is caught (the new one). The password stays. Audited as a
    CHANGE of the account. EMAIL_TAKEN when another account signs in with it,
    INVALID when it is no address or the same one."""
    _patient_account(actor=actor, user=user)
    return _email_change(
        actor=actor,
        user=user,
        new_email=new_email,
        clinic_name=clinic_name,
        clinic_phone=clinic_phone,
        patient_ids=patient_ids,
        now=now,
    )


def staff_sign_in_email_change(
    *,
    actor: User,
    user: User,
    new_email: str,
    clinic_name: str,
    clinic_phone: str,
    now: datetime,
) -> User:
    """A manager changes the address a colleague signs in with (the admin shows it
    read-only): as for a patient, both addresses told, audited, the password and the
    second factors kept. Only a superuser changes a superuser's (as in the admin):
    else a manager could send a superuser's next reset link to themselves."""
    _staff_account(actor=actor, user=user)
    if user.is_superuser and not actor.is_superuser:
        raise AccountsError(
            AccountsErrorCode.SUPERUSER, "Only a superuser changes a superuser's sign-in e-mail."
        )
    return _email_change(
        actor=actor,
        user=user,
        new_email=new_email,
        clinic_name=clinic_name,
        clinic_phone=clinic_phone,
        now=now,
    )


def _email_change(
    *,
    actor: User,
    user: User,
    new_email: str,
    clinic_name: str,
    clinic_phone: str,
    patient_ids: Iterable[int] = (),
    now: datetime,
) -> User:
    new_email = normalize_email(new_email)
    try:
        validate_email(new_email)
    except ValidationError:
        raise AccountsError(
            AccountsErrorCode.INVALID, "Enter a valid e-mail address.", field="email"
        ) from None
    with transaction.atomic():
        # Locked: two changes at once must not both tell the owner a different story.
        locked = User.objects.select_for_update().get(pk=user.pk)
        old_email = locked.email
        if new_email == old_email:
            raise AccountsError(
                AccountsErrorCode.INVALID,
                "That is already the address this account signs in with.",
                field="email",
            )
        if User.objects.filter(email=new_email).exclude(pk=locked.pk).exists():
            raise AccountsError(
                AccountsErrorCode.EMAIL_TAKEN,
                "Another account already signs in with that address.",
                field="email",
            )
        locked.email = new_email
        locked.save(update_fields=["email"])
        for recipient, to_old in ((old_email, True), (new_email, False)):
            _tell(
                to=recipient,
                template=EMAIL_CHANGED_TEMPLATE,
                user_id=locked.pk,
                now=now,
                clinic_name=clinic_name,
                clinic_phone=clinic_phone,
                old_email=old_email,
                new_email=new_email,
                to_old=to_old,
            )
        _audit(actor, locked.pk, "sign-in e-mail changed", now, patient_ids)
    user.email = new_email
    return locked


def user_password_change(*, user: User, new_password: str, now: datetime) -> None:
    """Someone changes their own password (the old one already checked, through the
    sign-in throttle, by the page). Checked against the password rules; audited."""
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise AccountsError(
            AccountsErrorCode.INVALID, " ".join(error.messages), field="new_password1"
        ) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        _audit(user, user.pk, "own password changed", now)


def user_password_set_by_link(
    *, user: User, new_password: str, clinic_name: str, clinic_phone: str, now: datetime
) -> None:
    """Someone sets their password with an e-mailed link (the token already checked
    by the page): checked against the password rules; every session of theirs ends
    (a stolen session must not outlive the reset); the owner is told by e-mail, so a
    reset they did not make does not go unnoticed; audited. Staff still pass their
    second factor at the next sign-in: the link sets the password, nothing more."""
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise AccountsError(
            AccountsErrorCode.INVALID, " ".join(error.messages), field="new_password2"
        ) from None
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.set_password(new_password)
        locked.session_generation += 1
        locked.save(update_fields=["password", "session_generation"])
        _tell(
            to=locked.email,
            template=PASSWORD_SET_TEMPLATE,
            user_id=locked.pk,
            now=now,
            clinic_name=clinic_name,
            clinic_phone=clinic_phone,
        )
        _audit(locked, locked.pk, "password set with an e-mailed link", now)
    user.password = locked.password
    user.session_generation = locked.session_generation


def _tell(*, to: str, template: str, user_id: int, now: datetime, **context: object) -> None:
    """E-mail the account's owner (`template` is also the message's kind), in the
    caller's transaction."""
    message_enqueue(
        channel=MessageChannel.EMAIL,
        kind=template,
        recipient=to,
        template=template,
        context=context,
        related_type=ACCOUNT,
        related_id=user_id,
        now=now,
    )


def _audit(
    actor: User, user_id: int, summary: str, now: datetime, patient_ids: Iterable[int] = ()
) -> None:
    """A change to this account on the audit trail (its patients' when it has any)."""
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        object_type=ACCOUNT,
        object_id=user_id,
        patient_ids=patient_ids,
        summary=summary,
        now=now,
    )


def sign_in_unlock(
    *, actor: User, kind: Literal["account", "address"], key: str, now: datetime
) -> int:
    """Lift a lockout before its cool-off runs out (the person called, and the desk
    knows it is them): forget the failures counted under this account key or client
    address. Audited as a CHANGE of the account (or of the address's count). Axes
    keeps each failure under both its account and its address, so forgetting an
    account's failures also takes them off the address's count, and the reverse.
    NOT_LOCKED when nothing is counted under it any more. Returns the rows removed."""
    with transaction.atomic():
        if kind == "account":
            attempts = AccessAttempt.objects.filter(username=key)
            account_id = account_id_of(key)
            object_type, object_id = (
                (ACCOUNT, str(account_id))
                if account_id is not None
                else ("accounts.sign_in_key", key[:64])
            )
        else:
            attempts = AccessAttempt.objects.filter(ip_address=key)
            object_type, object_id = "accounts.sign_in_address", key[:64]
        removed, _ = attempts.delete()
        if not removed:
            raise AccountsError(
                AccountsErrorCode.NOT_LOCKED,
                "Nothing is locked there any more: the cool-off ran out or someone "
                "unlocked it already.",
            )
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=object_type,
            object_id=object_id,
            summary="sign-in unlocked",
            now=now,
        )
    return removed
