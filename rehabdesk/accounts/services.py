"""Writes to accounts: creating people who sign in and giving them roles."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from rehabdesk.accounts.errors import AccountsError, AccountsErrorCode
from rehabdesk.accounts.models import User, normalize_email
from rehabdesk.accounts.roles import ADMIN_ROLES, Role


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
