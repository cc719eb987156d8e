"""The manager's account screens: adding staff and giving them roles, where what
someone may do follows from their roles and a superuser stays out of reach; nobody
changes a sign-in e-mail or another's password here."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role, roles_of
from rehabdesk.accounts.services import user_create, user_set_roles
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db
PASSPHRASE = "a-long-passphrase-1"


@pytest.fixture
def manager_client(client, personas):
    client.force_login(personas.manager)
    return client


def group(role: Role) -> int:
    return Group.objects.get(name=role.value).pk


def change_form(user: User, **fields) -> dict:
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on" if user.is_active else "",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v != ""}


def test_a_manager_adds_a_staff_account_by_email(manager_client):
    response = manager_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Clerk@Clinic.example",
            "first_name": "Nia",
            "last_name": "Clerk",
            "usable_password": "true",
            "password1": PASSPHRASE,
            "password2": PASSPHRASE,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.clerk@clinic.example")
    assert user.check_password(PASSPHRASE)
    assert (user.is_staff, roles_of(user.pk)) == (False, frozenset())


def test_the_change_screen_never_shows_or_takes_a_password_hash(manager_client, personas):
    # Passwords change through their own screen (or a reset link), never by editing
    # the stored hash: shown, it leaks; typed over, it locks the person out.
    desk = personas.front_desk
    url = reverse("admin:accounts_user_change", args=[desk.pk])
    page = manager_client.get(url).content.decode()
    assert desk.password not in page
    response = manager_client.post(url, change_form(desk, password="typed-over", first_name="Sal"))
    assert response.status_code == 302
    desk.refresh_from_db()
    assert desk.first_name == "Sal"
    assert desk.check_password(PASSWORD)


def test_giving_the_manager_role_opens_the_configuration_screens(manager_client, personas):
    desk = personas.front_desk
    response = manager_client.post(
        reverse("admin:accounts_user_change", args=[desk.pk]),
        change_form(desk, groups=[group(Role.FRONT_DESK), group(Role.MANAGER)]),
    )
    assert response.status_code == 302
    desk.refresh_from_db()
    assert roles_of(desk.pk) == {Role.FRONT_DESK, Role.MANAGER}
    assert desk.is_staff
    manager_client.post(
        reverse("admin:accounts_user_change", args=[desk.pk]),
        change_form(desk, groups=[group(Role.FRONT_DESK)]),
    )
    desk.refresh_from_db()
    assert not desk.is_staff


def test_only_roles_are_offered_never_other_groups(manager_client, personas):
    Group.objects.create(name="Book club")
    url = reverse("admin:accounts_user_change", args=[personas.outsider.pk])
    response = manager_client.get(url)
    offered = {g.name for g in response.context["adminform"].form.fields["groups"].queryset}
    # Not the patient role: that comes with a patient's record, never from the admin.
    assert offered == {role.value for role in Role} - {Role.PATIENT.value}


@pytest.mark.parametrize("who", ["manager", "superuser"])
def test_the_change_screen_never_changes_a_sign_in_email(client, personas, who):
    # A sign-in e-mail changes through a service that tells both addresses
    # (/staff/security/); here it is shown, never taken, whoever is editing.
    if who == "superuser":
        client.force_login(User.objects.create_superuser("root@clinic.example", PASSPHRASE))
    else:
        client.force_login(personas.manager)
    desk = personas.front_desk
    url = reverse("admin:accounts_user_change", args=[desk.pk])
    page = client.get(url).content.decode()
    assert 'name="email"' not in page
    assert desk.email in page
    assert "Staff sign-ins" in page
    response = client.post(url, change_form(desk, email="mine@clinic.example", first_name="Sal"))
    assert response.status_code == 302
    desk.refresh_from_db()
    assert (desk.email, desk.first_name) == ("desk@persona.example", "Sal")
    assert not OutboxMessage.objects.exists()


def test_a_superuser_cannot_change_their_own_sign_in_email_here(client):
    root = User.objects.create_superuser("root@clinic.example", PASSPHRASE)
    client.force_login(root)
    url = reverse("admin:accounts_user_change", args=[root.pk])
    client.post(url, change_form(root, email="elsewhere@clinic.example"))
    root.refresh_from_db()
    assert root.email == "root@clinic.example"


def test_a_manager_cannot_change_a_superusers_account(manager_client):
    root = User.objects.create_superuser("root@clinic.example", PASSPHRASE)
    url = reverse("admin:accounts_user_change", args=[root.pk])
    response = manager_client.post(url, change_form(root, email="mine@clinic.example"))
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.email == "root@clinic.example"


def test_a_superuser_may_change_another_superuser(client):
    root = User.objects.create_superuser("root@clinic.example", PASSPHRASE)
    other = User.objects.create_superuser("other@clinic.example", PASSPHRASE)
    client.force_login(root)
    response = client.post(
        reverse("admin:accounts_user_change", args=[other.pk]),
        change_form(other, first_name="Otto"),
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.first_name, other.is_staff) == ("Otto", True)


def test_the_list_shows_each_accounts_roles_and_finds_by_name(manager_client, personas):
    response = manager_client.get(reverse("admin:accounts_user_changelist"), {"q": "sam"})
    rows = list(response.context["cl"].result_list)
    assert rows == [personas.front_desk]
    assert admin.site._registry[User].roles(rows[0]) == "Front desk"


def test_groups_are_managed_as_roles_not_on_their_own_screen():
    assert Group not in admin.site._registry


def test_staff_without_the_manager_role_never_reach_the_account_screens(client):
    desk = user_create(email="desk@clinic.example", password=None, roles=[Role.FRONT_DESK])
    client.force_login(desk)
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_patients_sign_ins_are_not_in_the_admin(manager_client, personas):
    alice = personas.patient_a.user
    listed = manager_client.get(reverse("admin:accounts_user_changelist"), {"q": "persona"})
    emails = {user.email for user in listed.context["cl"].result_list}
    assert "desk@persona.example" in emails
    assert "alice@persona.example" not in emails
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    # Opened by its address it is not there; a change sent to it changes nothing.
    assert manager_client.get(url).status_code == 302
    manager_client.post(url, change_form(alice, email="manager.too@persona.example"))
    alice.refresh_from_db()
    assert alice.email == "alice@persona.example"


def test_a_colleague_who_is_also_a_patient_stays_one_when_edited(manager_client, personas):
    physio = personas.physio.user
    user_set_roles(user=physio, roles=[Role.PRACTITIONER, Role.PATIENT])
    response = manager_client.post(
        reverse("admin:accounts_user_change", args=[physio.pk]),
        change_form(physio, groups=[group(Role.PRACTITIONER)], first_name="Pat"),
    )
    assert response.status_code == 302
    assert roles_of(physio.pk) == {Role.PRACTITIONER, Role.PATIENT}


@pytest.mark.parametrize(("whose", "status"), [("own", 200), ("a colleague's", 403)])
def test_the_admins_password_screen_is_ones_own_only(manager_client, personas, whose, status):
    user = personas.manager if whose == "own" else personas.front_desk
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    assert manager_client.get(url).status_code == status
    response = manager_client.post(url, {"password1": PASSPHRASE, "password2": PASSPHRASE})
    user.refresh_from_db()
    assert user.check_password(PASSPHRASE) == (whose == "own")
    assert response.status_code in ((302, 200) if whose == "own" else (403,))
