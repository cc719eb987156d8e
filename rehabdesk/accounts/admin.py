"""Managers add staff accounts and give them roles. Superuser status and single
permissions stay out of reach: what someone may do follows from their roles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from rehabdesk.accounts.models import User
from rehabdesk.accounts.roles import Role
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
        (None, {"fields": ["email", "password"]}),
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

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("groups")

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        if "groups" not in form.cleaned_data:
            return super().save_related(request, form, formsets, change)
        known = {role.value: role for role in Role}
        roles = [known[group.name] for group in form.cleaned_data["groups"] if group.name in known]
        user_set_roles(user=form.instance, roles=roles)
        return None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only a superuser may change a superuser's account (its e-mail is its identity).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=[role.value for role in Role])
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(Group)

# Second factors are changed on the sign-in and account pages and by a manager's reset
# (rehabdesk/security/factors.py), audited; never in the admin, whose device pages
# would show an authenticator app's secret and its QR code.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
