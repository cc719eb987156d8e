"""Who signs in, and what their roles let them reach: the e-mail address is the
identity whatever its case, a password must be a real one, and admin access follows
from the roles alone."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group

from rehabdesk.accounts.errors import AccountsError, AccountsErrorCode
from rehabdesk.accounts.models import User, normalize_email
from rehabdesk.accounts.roles import ADMIN_ROLES, Role, roles_of
from rehabdesk.accounts.services import user_create, user_set_roles

pytestmark = pytest.mark.django_db
PASSPHRASE = "a-long-passphrase-1"


def test_an_address_is_compared_without_case_or_surrounding_blanks():
    assert normalize_email("  Jo.Smith@Example.COM\n") == "jo.smith@example.com"


def test_it_keeps_names_without_stray_blanks():
    user = user_create(email="jo@example.com", password=None, first_name=" Jo ", last_name=" Li ")
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Jo", "Li")
    assert str(user) == "Jo Li"


def test_an_account_without_a_name_is_shown_by_its_address():
    assert str(user_create(email="desk@example.com", password=None)) == "desk@example.com"


def test_without_a_password_nobody_can_sign_in_until_one_is_set():
    user = user_create(email="jo@example.com", password=None)
    assert not user.has_usable_password()
    assert authenticate(username="jo@example.com", password="") is None


@pytest.mark.parametrize(
    ("password", "complaint"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("4815162342", "entirely numeric"),
        ("jo.smith@example", "too similar"),
    ],
)
def test_it_refuses_passwords_that_are_easy_to_guess(password, complaint):
    with pytest.raises(AccountsError) as refused:
        user_create(email="jo.smith@example.com", password=password, first_name="Jo")
    assert (refused.value.code, refused.value.field) == (AccountsErrorCode.INVALID, "password")
    assert complaint in refused.value.message
    assert not User.objects.exists()


def test_a_generated_password_may_skip_the_strength_check():
    # Bulk loads (the demo) set passwords nobody types; checking each costs seconds.
    user = user_create(email="demo@example.com", password="12345678", check_password_strength=False)
    assert user.check_password("12345678")


@pytest.mark.parametrize("email", ["", "jo", "jo@", "@example.com", "jo smith@example.com"])
def test_it_refuses_what_is_not_an_address_and_saves_nothing(email):
    with pytest.raises(AccountsError) as refused:
        user_create(email=email, password=None)
    assert (refused.value.code, refused.value.field) == (AccountsErrorCode.INVALID, "email")
    assert not User.objects.exists()


def test_a_taken_address_is_refused_before_anything_is_saved():
    first = user_create(email="jo@example.com", password=None, roles=[Role.FRONT_DESK])
    with pytest.raises(AccountsError) as refused:
        user_create(email=" JO@EXAMPLE.COM", password=None, roles=[Role.MANAGER])
    assert refused.value.field == "email"
    assert "jo@example.com" in refused.value.message
    assert list(User.objects.all()) == [first]
    assert roles_of(first.pk) == {Role.FRONT_DESK}


def test_the_manager_finds_an_account_by_its_address_in_any_case():
    user = User.objects.create_user("Jo@Example.com", PASSPHRASE)
    assert user.email == "jo@example.com"
    assert User.objects.get_by_natural_key(" JO@example.com ") == user


def test_a_superuser_is_staff_by_definition():
    root = User.objects.create_superuser("Root@Example.com", PASSPHRASE)
    assert (root.email, root.is_staff, root.is_superuser) == ("root@example.com", True, True)


def test_cleaning_an_account_normalizes_its_address():
    user = User(email=" Jo@Example.COM ")
    user.clean()
    assert user.email == "jo@example.com"


def test_each_role_is_a_group_the_migrations_made():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}
    assert {Role.MANAGER} == ADMIN_ROLES


def test_setting_roles_makes_them_exactly_these():
    user = user_create(
        email="jo@example.com", password=None, roles=[Role.FRONT_DESK, Role.PRACTITIONER]
    )
    assert roles_of(user.pk) == {Role.FRONT_DESK, Role.PRACTITIONER}
    user_set_roles(user=user, roles=[Role.PRACTITIONER])
    assert roles_of(user.pk) == {Role.PRACTITIONER}
    user_set_roles(user=user, roles=[])
    assert roles_of(user.pk) == frozenset()


def test_a_group_that_is_not_a_role_is_not_read_as_one(django_assert_num_queries):
    user = user_create(email="jo@example.com", password=None, roles=[Role.FRONT_DESK])
    user.groups.add(Group.objects.create(name="Book club"))
    with django_assert_num_queries(1):
        assert roles_of(user.pk) == {Role.FRONT_DESK}


def test_a_superuser_keeps_the_admin_whatever_roles_they_hold():
    root = User.objects.create_superuser("root@example.com", PASSPHRASE)
    user_set_roles(user=root, roles=[Role.FRONT_DESK])
    root.refresh_from_db()
    assert root.is_staff


def test_a_patient_role_reaches_no_configuration_screen():
    patient = user_create(email="pat@example.com", password=None, roles=[Role.PATIENT])
    assert not patient.is_staff
    assert not patient.has_perm("clinic.view_service")
    assert not patient.has_perm("accounts.view_user")
