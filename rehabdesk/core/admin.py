"""Django admin whose writes go through the domain services.

The admin builds instances from its forms as usual, but saving, the many-to-many
fields, the inline rows and deleting are handed to the app's service functions, so the
admin obeys exactly the rules the rest of the product obeys. Forms ask the same
services to validate first, so a refused change shows its message next to the field
instead of failing on save.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from rehabdesk.core.errors import DomainError


class ServiceValidatedForm(forms.ModelForm):
    """A model form that, once its own fields are valid, asks the domain services too.

    Subclasses override `validate_with_services`, which raises DomainError.
    """

    def validate_with_services(self) -> None:
        """Check self.instance (already filled from the form) with the services."""

    def _post_clean(self) -> None:  # Django calls it once the instance is built
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        try:
            self.validate_with_services()
        except DomainError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, error.message)


class ServiceValidatedInlineFormSet(BaseInlineFormSet):
    """Inline rows validated together with their parent by the domain services.

    Subclasses override `validate_with_services(rows)`, which raises DomainError. An
    error that names a field of the parent is left for the parent form to report.
    """

    def validate_with_services(self, rows: list[dict[str, Any]]) -> None:
        """Check self.instance (the parent, filled from its form) with these rows."""

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        try:
            self.validate_with_services(kept_rows(self))
        except DomainError as error:
            if error.field is None:
                raise ValidationError(error.message, code=str(error.code)) from None


def kept_rows(formset: BaseInlineFormSet) -> list[dict[str, Any]]:
    """The cleaned data of the inline rows that are filled in and not marked deleted."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data
        and not form.cleaned_data.get("DELETE")
        and (form.instance.pk is not None or form.has_changed())
    ]


def changed_instances(formset: BaseInlineFormSet) -> list[models.Model]:
    """Unsaved instances for new or changed rows (for inlines of independent rows)."""
    return [
        form.save(commit=False)
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.has_changed()
    ]


def deleted_instances(formset: BaseInlineFormSet) -> list[models.Model]:
    return [form.instance for form in formset.deleted_forms if form.instance.pk is not None]


Formsets = dict[type[models.Model], BaseInlineFormSet]


class ServiceBackedAdmin(admin.ModelAdmin):
    """A ModelAdmin that saves and deletes through services.

    Subclasses implement `save_with_services(request, obj, form, formsets)`, which
    saves the object with its many-to-many fields and inline rows (formsets keyed by
    their model), and `delete_with_services(request, obj)` when deleting is allowed.
    """

    # Links typed without a scheme mean https (Django 6's default, chosen now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_with_services(
        self,
        request: HttpRequest,
        obj: Any,
        form: forms.ModelForm,
        formsets: Formsets,
    ) -> None:
        raise NotImplementedError

    def delete_with_services(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Without a delete service a row is deactivated or ended instead, because
        # appointments, receipts and history refer to it.
        if type(self).delete_with_services is ServiceBackedAdmin.delete_with_services:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Saved with its many-to-many fields and inline rows in save_related, by one
        # service call, because the rules judge them together.
        pass

    def save_related(
        self,
        request: HttpRequest,
        form: Any,
        formsets: Sequence[BaseInlineFormSet],
        change: bool,
    ) -> None:
        by_model: Formsets = {cast(type[models.Model], fs.model): fs for fs in formsets}
        self.save_with_services(request, form.instance, form, by_model)
        for formset in formsets:
            _record_for_change_message(formset)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_with_services(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_with_services(request, obj)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # A delete the services refuse (a travel time someone's hours still need) is a
        # message, not a server error. The admin's transaction has rolled back.
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as error:
            messages.error(request, f"Nothing was deleted: {error.message}")
            return HttpResponseRedirect(request.get_full_path())

    def response_action(
        self, request: HttpRequest, queryset: models.QuerySet[Any], *args: Any, **kwargs: Any
    ) -> HttpResponse | None:
        # The same for an action on the list (deleting several rows), in one
        # transaction, so its log entries go with the rows it did not delete.
        try:
            with transaction.atomic():
                return super().response_action(request, queryset, *args, **kwargs)
        except DomainError as error:
            messages.error(request, f"Nothing was changed: {error.message}")
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The forms ask the services first, so this only catches a rule broken between
        # validating and saving (another manager saved a clashing change meanwhile).
        # The admin's transaction has rolled back by the time we get here.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as error:
            messages.error(request, f"Nothing was saved: {error.message}")
            return HttpResponseRedirect(request.get_full_path())


def _record_for_change_message(formset: BaseInlineFormSet) -> None:
    """The admin's change message reads what formset.save() would have recorded."""

    def kept(form: forms.ModelForm) -> bool:
        return form.has_changed() and not form.cleaned_data.get("DELETE")

    formset.new_objects = [form.instance for form in formset.extra_forms if kept(form)]
    formset.changed_objects = [
        (form.instance, form.changed_data) for form in formset.initial_forms if kept(form)
    ]
    formset.deleted_objects = [form.instance for form in formset.deleted_forms]
