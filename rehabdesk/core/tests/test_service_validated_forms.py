"""Admin forms ask the domain services once their own fields are valid, and show a
refusal next to the field it names; inline rows are judged together with their parent.
Shown on Django's own groups and permissions, so core needs no app of ours."""

from __future__ import annotations

from enum import StrEnum

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.forms import inlineformset_factory

from rehabdesk.core.admin import (
    ServiceValidatedForm,
    ServiceValidatedInlineFormSet,
    changed_instances,
    deleted_instances,
    kept_rows,
)
from rehabdesk.core.errors import DomainError

pytestmark = pytest.mark.django_db


class Code(StrEnum):
    REFUSED = "refused"


class Refused(DomainError):
    pass


class GroupForm(ServiceValidatedForm):
    """A form whose "service" refuses some names, as a real one refuses some hours."""

    asked: list[str]

    class Meta:
        model = Group
        fields = ["name"]

    def validate_with_services(self) -> None:
        self.asked = [*getattr(self, "asked", []), self.instance.name]
        refusals = {
            "Closed": "name",  # the field on the form
            "Whole": None,  # the change as a whole
            "Elsewhere": "permissions",  # a field this form does not show
        }
        if self.instance.name in refusals:
            raise Refused(
                Code.REFUSED,
                f"{self.instance.name} is refused.",
                field=refusals[self.instance.name],
            )


def test_a_refusal_naming_a_field_of_the_form_is_shown_next_to_it():
    form = GroupForm({"name": "Closed"})
    assert not form.is_valid()
    assert form.errors == {"name": ["Closed is refused."]}


@pytest.mark.parametrize("name", ["Whole", "Elsewhere"])
def test_a_refusal_of_the_whole_change_or_of_a_hidden_field_is_shown_above_the_form(name):
    form = GroupForm({"name": name})
    assert not form.is_valid()
    assert form.non_field_errors() == [f"{name} is refused."]


def test_the_services_judge_the_instance_as_the_form_filled_it():
    form = GroupForm({"name": "Front office"})
    assert form.is_valid()
    assert form.asked == ["Front office"]
    assert not Group.objects.filter(name="Front office").exists()  # asked, not saved


def test_the_services_are_not_asked_about_a_form_with_errors_of_its_own():
    form = GroupForm({"name": ""})
    assert not form.is_valid()
    assert "name" in form.errors
    assert getattr(form, "asked", []) == []


def test_a_unique_name_is_checked_by_the_form_before_the_services():
    Group.objects.create(name="Taken")
    form = GroupForm({"name": "Taken"})
    assert not form.is_valid()
    assert getattr(form, "asked", []) == []


class PermissionRows(ServiceValidatedInlineFormSet):
    judged: list[list[str]]

    def validate_with_services(self, rows) -> None:
        codenames = [row["codename"] for row in rows]
        self.judged = [*getattr(self, "judged", []), codenames]
        if "too_many" in codenames:
            raise Refused(Code.REFUSED, "One row too many for this parent.")
        if "parent_field" in codenames:
            raise Refused(Code.REFUSED, "The parent's name is wrong.", field="model")


Rows = inlineformset_factory(
    ContentType,
    Permission,
    formset=PermissionRows,
    fields=["name", "codename"],
    extra=2,
    can_delete=True,
)


@pytest.fixture
def parent() -> ContentType:
    return ContentType.objects.create(app_label="core", model="notebook")


def rows_data(rows: list[dict[str, str]], initial: int = 0) -> dict[str, str]:
    prefix = Rows.get_default_prefix()
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_rows_are_judged_together_without_blank_or_deleted_ones(parent):
    kept = Permission.objects.create(content_type=parent, name="Can read", codename="read")
    formset = Rows(
        rows_data(
            [
                {"id": str(kept.pk), "name": "Can read", "codename": "read", "DELETE": "on"},
                {"name": "Can write", "codename": "write"},
                {"name": "", "codename": ""},  # an extra row left blank
            ],
            initial=1,
        ),
        instance=parent,
    )
    assert formset.is_valid(), formset.errors
    assert formset.judged == [["write"]]
    assert [row["codename"] for row in kept_rows(formset)] == ["write"]


def test_a_refusal_of_the_rows_as_a_whole_is_shown_above_them(parent):
    formset = Rows(rows_data([{"name": "Too many", "codename": "too_many"}]), instance=parent)
    assert not formset.is_valid()
    assert formset.non_form_errors() == ["One row too many for this parent."]
    assert not Permission.objects.filter(content_type=parent).exists()


def test_a_refusal_naming_a_parent_field_is_left_for_the_parent_form(parent):
    formset = Rows(rows_data([{"name": "Parent", "codename": "parent_field"}]), instance=parent)
    assert formset.is_valid()


def test_the_services_are_not_asked_about_rows_with_errors_of_their_own(parent):
    formset = Rows(rows_data([{"name": "No code name", "codename": ""}]), instance=parent)
    assert not formset.is_valid()
    assert getattr(formset, "judged", []) == []


def test_new_changed_and_deleted_rows_are_handed_over_unsaved(parent):
    unchanged = Permission.objects.create(content_type=parent, name="Can read", codename="read")
    renamed = Permission.objects.create(content_type=parent, name="Can edit", codename="edit")
    dropped = Permission.objects.create(content_type=parent, name="Can drop", codename="drop")
    formset = Rows(
        rows_data(
            [
                {"id": str(unchanged.pk), "name": "Can read", "codename": "read"},
                {"id": str(renamed.pk), "name": "Can change", "codename": "edit"},
                {"id": str(dropped.pk), "name": "Can drop", "codename": "drop", "DELETE": "on"},
                {"name": "Can add", "codename": "add"},
            ],
            initial=3,
        ),
        instance=parent,
    )
    assert formset.is_valid(), formset.errors
    changed = changed_instances(formset)
    assert [(p.pk, p.name) for p in changed] == [(renamed.pk, "Can change"), (None, "Can add")]
    assert deleted_instances(formset) == [dropped]
    renamed.refresh_from_db()
    assert renamed.name == "Can edit"  # nothing saved: that is the service's job
    assert Permission.objects.filter(content_type=parent).count() == 3
