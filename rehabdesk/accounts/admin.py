"""Managers add staff accounts and give them roles. Superuser status and single
permissions stay out of reach: what someone may do follows from their roles.

Patients' sign-ins are not here at all, for anyone: the admin would let a colleague
change a patient's sign-in e-mail to their own and take the account over, unaudited
and untold. A patient's sign-in is reset or re-addressed from the patient's staff
page, a colleague's from the manager's /staff/security/ (accounts.services: audited,
the owner told). So here, for every account, superusers' included, the sign-in
e-mail is read-only once the account exists (a readonly field is not in the form:
a posted one is ignored), and nobody sets another person's password: the password
screen is one's own only. A forgotten password is reset with an e-mailed link
("Forgot your password?" on the sign-in page, or the manager's button)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import STAFF_ROLES, Role, roles_of
from rehabdesk.accounts.services import user_set_roles


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")


class UserChangeForm(DjangoUserChangeForm):
    """Django's own change form, for its read-only password: the stored hash is never
    shown or typed over; a password changes through its own screen or a reset link."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "is_active", "groups")
        widgets = {"groups": forms.CheckboxSelectMultiple}
        labels = {"groups": "Roles"}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "roles", "is_active", "last_login"]
    list_filter = ["groups", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined", "is_staff"]
    fieldsets = [
        (
            None,
            {
                "fields": ["email", "password"],
                "description": "The sign-in e-mail and password are changed on the staff "
                "sign-ins page (Account security, then Staff sign-ins): the owner is told.",
            },
        ),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Access", {"fields": ["is_active", "groups", "is_staff"]}),
        ("History", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]

    @admin.display(description="Roles")
    def roles(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all())

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Changing an existing sign-in e-mail is a service that tells both addresses
        # (module docstring); a new account's is typed when it is added.
        fields = list(super().get_readonly_fields(request, obj))
        return fields if obj is None else ["email", *fields]

    def get_queryset(self, request: HttpRequest) -> Any:
        # Staff accounts only: a patient's sign-in (patient role, no staff role) is
        # neither listed nor opened here (404 by its address).
        holds = User.groups.through.objects.filter(user=OuterRef("pk"))
        patient = Exists(holds.filter(group__name=Role.PATIENT.value))
        staff = Exists(holds.filter(group__name__in=[role.value for role in STAFF_ROLES]))
        return (
            super()
            .get_queryset(request)
            .annotate(is_patient=patient, is_staff_member=staff)
            .exclude(is_patient=True, is_staff_member=False)
            .prefetch_related("groups")
        )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # One's own password only; another's is reset, never set (module docstring).
        if str(request.user.pk) != str(id):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if "groups" not in form.cleaned_data:
            return super().save_related(request, form, formsets, change)
        known = {role.value: role for role in Role}
        roles = [known[group.name] for group in form.cleaned_data["groups"] if group.name in known]
        # Not offered here, so kept as it was: a colleague who is also a patient stays one.
        if Role.PATIENT in roles_of(form.instance.pk):
            roles.append(Role.PATIENT)
        user_set_roles(user=form.instance, roles=roles)
        return None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only a superuser may change a superuser's account (its e-mail is its identity).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups":
            # The patient role comes with a patient's record (patients.services), never
            # from here.
            offered = [role.value for role in Role if role != Role.PATIENT]
            kwargs["queryset"] = Group.objects.filter(name__in=offered)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(Group)

# Second factors are changed on the sign-in and account pages and by a manager's reset
# (rehabdesk/security/factors.py), audited; never in the admin, whose device pages
# would show an authenticator app's secret and its QR code.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
