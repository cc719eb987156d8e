import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction

from rehabdesk.accounts.errors import AccountsError, AccountsErrorCode
from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_create, user_set_roles

pytestmark = pytest.mark.django_db


def test_it_signs_in_by_email_whatever_the_case():
    user_create(email="Jo.Smith@Example.com", password="a-long-passphrase-1", first_name="Jo")
    assert authenticate(username="jo.smith@example.COM", password="a-long-passphrase-1")
    assert User.objects.get().email == "jo.smith@example.com"


def test_it_refuses_a_second_account_for_one_email():
    user_create(email="jo@example.com", password=None)
    with pytest.raises(AccountsError) as caught:
        user_create(email="JO@example.com", password=None)
    assert caught.value.code == AccountsErrorCode.EMAIL_TAKEN
    assert User.objects.count() == 1


def test_the_database_refuses_the_same_email_in_another_case():
    User.objects.create(email="jo@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="Jo@example.com")


def test_it_refuses_a_weak_password_with_a_clear_message():
    with pytest.raises(AccountsError) as caught:
        user_create(email="jo@example.com", password="12345678")
    assert caught.value.field == "password"
    assert "too short" in caught.value.message
    assert not User.objects.exists()


def test_it_refuses_something_that_is_not_an_email():
    with pytest.raises(AccountsError) as caught:
        user_create(email="not an address", password=None)
    assert caught.value.field == "email"


def test_it_lets_only_managers_into_the_configuration_screens():
    desk = user_create(email="desk@example.com", password=None, roles=[Role.FRONT_DESK])
    assert not desk.is_staff
    user_set_roles(user=desk, roles=[Role.FRONT_DESK, Role.MANAGER])
    desk.refresh_from_db()
    assert desk.is_staff
    assert desk.has_perm("clinic.change_service")
    user_set_roles(user=desk, roles=[Role.FRONT_DESK])
    desk.refresh_from_db()
    assert not desk.is_staff


def test_each_role_is_a_group_with_its_permissions():
    manager = user_create(email="m@example.com", password=None, roles=[Role.MANAGER])
    desk = user_create(email="d@example.com", password=None, roles=[Role.FRONT_DESK])
    assert manager.has_perms(["clinic.add_workinghours", "accounts.change_user"])
    assert not manager.has_perm("clinic.delete_service")
    assert desk.has_perm("clinic.view_workinghours")
    assert not desk.has_perm("clinic.change_workinghours")
    assert not desk.has_perm("clinic.view_registration")
