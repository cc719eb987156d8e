"""The admin saves and deletes through services: one call with the object, its
many-to-many fields and its inline rows; no deleting without a delete service; a rule
broken between validating and saving leaves nothing half-saved and says so."""

from __future__ import annotations

from enum import StrEnum

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import path, reverse

from rehabdesk.core.admin import ServiceBackedAdmin, changed_instances
from rehabdesk.core.errors import DomainError

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


class Code(StrEnum):
    CLASH = "clash"


class Clash(DomainError):
    pass


calls: list[tuple[str, object]] = []


class GroupAdmin(ServiceBackedAdmin):
    """Saves through a stand-in service; no delete service, so no deleting."""

    fields = ["name", "permissions"]

    def save_with_services(self, request, obj, form, formsets):
        calls.append(
            ("save", (obj.name, sorted(p.codename for p in form.cleaned_data["permissions"])))
        )
        obj.save()
        obj.permissions.set(form.cleaned_data["permissions"])
        if obj.name.startswith("Clash"):
            # Another manager's change slipped in between validating and saving.
            raise Clash(Code.CLASH, "another manager changed the hours meanwhile.")


class PermissionInline(admin.TabularInline):
    model = Permission
    fields = ["name", "codename"]
    extra = 1


class ContentTypeAdmin(ServiceBackedAdmin):
    fields = ["app_label", "model"]
    inlines = [PermissionInline]

    def save_with_services(self, request, obj, form, formsets):
        calls.append(("save", sorted(model.__name__ for model in formsets)))
        obj.save()
        for permission in changed_instances(formsets[Permission]):
            permission.content_type = obj
            permission.save()

    def delete_with_services(self, request, obj):
        calls.append(("delete", obj.model))
        obj.delete()


site = admin.AdminSite(name="admin")
site.register(Group, GroupAdmin)
site.register(ContentType, ContentTypeAdmin)
urlpatterns = [path("admin/", site.urls)]


@pytest.fixture(autouse=True)
def _fresh_calls():
    calls.clear()


@pytest.fixture
def superuser():
    user_model = get_user_model()
    return user_model.objects.create_superuser(
        **{user_model.USERNAME_FIELD: "root@clinic.example"}, password="a-long-passphrase-1"
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_saving_is_one_service_call_with_the_many_to_many_fields(admin_client):
    view = Permission.objects.get(codename="view_group")
    response = admin_client.post(
        reverse("admin:auth_group_add"), {"name": "Reception", "permissions": [view.pk]}
    )
    assert response.status_code == 302
    assert calls == [("save", ("Reception", ["view_group"]))]
    assert list(Group.objects.get(name="Reception").permissions.all()) == [view]


def test_inline_rows_reach_the_service_keyed_by_their_model(admin_client):
    prefix = "permission_set"
    response = admin_client.post(
        reverse("admin:contenttypes_contenttype_add"),
        {
            "app_label": "core",
            "model": "notebook",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-name": "Can read notebooks",
            f"{prefix}-0-codename": "read_notebook",
        },
    )
    assert response.status_code == 302
    assert calls == [("save", ["Permission"])]
    notebook = ContentType.objects.get(app_label="core", model="notebook")
    assert [p.codename for p in notebook.permission_set.all()] == ["read_notebook"]
    # The change message still names the row, as if the formset had saved it.
    entry = LogEntry.objects.get(object_id=str(notebook.pk))
    assert entry.get_change_message() == "Added. Added permission “notebook | Can read notebooks”."


def test_a_rule_broken_while_saving_leaves_nothing_saved_and_says_so(admin_client):
    url = reverse("admin:auth_group_add")
    response = admin_client.post(url, {"name": "Clash at noon"})
    assert response.status_code == 302
    assert response["Location"] == url
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Nothing was saved: another manager changed the hours meanwhile."
    ]
    assert not Group.objects.filter(name="Clash at noon").exists()
    assert not LogEntry.objects.exists()


def test_without_a_delete_service_nobody_may_delete(superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    group_admin = site._registry[Group]
    assert not group_admin.has_delete_permission(request)
    assert not group_admin.has_delete_permission(request, Group.objects.create(name="Kept"))
    assert site._registry[ContentType].has_delete_permission(request)


def test_a_refused_delete_leaves_the_row(admin_client):
    group = Group.objects.create(name="Kept")
    response = admin_client.post(
        reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Group.objects.filter(pk=group.pk).exists()


def test_deleting_goes_through_the_service_one_row_at_a_time(admin_client):
    first = ContentType.objects.create(app_label="core", model="first")
    second = ContentType.objects.create(app_label="core", model="second")
    response = admin_client.post(
        reverse("admin:contenttypes_contenttype_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert sorted(calls) == [("delete", "first"), ("delete", "second")]
    assert not ContentType.objects.filter(pk__in=[first.pk, second.pk]).exists()


def test_deleting_one_row_goes_through_the_service(admin_client):
    row = ContentType.objects.create(app_label="core", model="single")
    response = admin_client.post(
        reverse("admin:contenttypes_contenttype_delete", args=[row.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert calls == [("delete", "single")]
