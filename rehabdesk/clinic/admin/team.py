"""The manager's screens for practitioners, registrations, working hours with their
breaks, time off, and where staff usually work."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from rehabdesk.clinic import services
from rehabdesk.clinic.admin.common import local_today, save_each
from rehabdesk.clinic.admin.pictures import PractitionerForm, picture_preview, picture_save
from rehabdesk.clinic.models import (
    Break,
    HomeLocation,
    Practitioner,
    Registration,
    TimeOff,
    WorkingHours,
)
from rehabdesk.core.admin import (
    Formsets,
    ServiceBackedAdmin,
    ServiceValidatedForm,
    ServiceValidatedInlineFormSet,
    kept_rows,
)


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[TimeOff]:
        return super().get_queryset(request).filter(ends_at__gte=timezone.now())


@admin.register(Practitioner)
class PractitionerAdmin(ServiceBackedAdmin):
    form = PractitionerForm
    readonly_fields = ["current_photo"]
    list_display = ["display_name", "user", "languages", "active"]
    list_filter = ["disciplines", "active"]
    search_fields = ["display_name", "user__email", "languages"]
    prepopulated_fields = {"slug": ["display_name"]}
    autocomplete_fields = ["user"]
    formfield_overrides = {
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    inlines = [TimeOffInline]

    @admin.display(description="Photo now")
    def current_photo(self, practitioner: Practitioner) -> Any:
        return picture_preview(practitioner.photo_url, f"The photo of {practitioner}")

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        # The admin runs these in one transaction (its change view is atomic).
        services.practitioner_save(practitioner=obj, disciplines=form.cleaned_data["disciplines"])
        picture_save(obj, form, "photo")
        save_each(
            formsets.get(TimeOff),
            save=lambda row: services.time_off_save(time_off=row),
            delete=lambda row: services.time_off_delete(time_off=row),
        )


class RegistrationForm(ServiceValidatedForm):
    class Meta:
        model = Registration
        fields = [
            "practitioner",
            "regulator",
            "registration_number",
            "registration_class",
            "authorizations",
            "valid_from",
            "valid_until",
            "verified_on",
        ]

    def validate_with_services(self) -> None:
        services.registration_validate(
            registration=self.instance, authorizations=self.cleaned_data["authorizations"]
        )


class ExpiryFilter(admin.SimpleListFilter):
    title = "expiry"
    parameter_name = "expiry"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("60", "Ends within 60 days"),
            ("ended", "Ended"),
            ("current", "In force today"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = local_today()
        if self.value() == "60":
            return queryset.filter(
                valid_until__gte=today, valid_until__lte=today + timedelta(days=60)
            )
        if self.value() == "ended":
            return queryset.filter(valid_until__lt=today)
        if self.value() == "current":
            return queryset.filter(valid_from__lte=today).exclude(valid_until__lt=today)
        return queryset


@admin.register(Registration)
class RegistrationAdmin(ServiceBackedAdmin):
    form = RegistrationForm
    list_display = [
        "practitioner",
        "regulator",
        "registration_number",
        "registration_class",
        "valid_from",
        "valid_until",
        "verified_on",
    ]
    list_filter = [ExpiryFilter, "regulator", "registration_class"]
    search_fields = ["practitioner__display_name", "registration_number"]
    autocomplete_fields = ["practitioner"]
    readonly_fields = ["verified_by"]
    filter_horizontal = ["authorizations"]
    actions = ["mark_verified_today"]

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        if "verified_on" in form.changed_data:
            obj.verified_by = request.user if obj.verified_on else None
        services.registration_save(
            registration=obj, authorizations=form.cleaned_data["authorizations"]
        )

    @admin.action(description="Mark verified on the college's register today")
    def mark_verified_today(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        for registration in queryset:
            services.registration_verify(
                registration=registration,
                by=request.user,  # type: ignore[arg-type]
                on=local_today(),
            )
        self.message_user(request, f"{queryset.count()} marked verified.", messages.SUCCESS)


class WorkingHoursForm(ServiceValidatedForm):
    class Meta:
        model = WorkingHours
        fields = [
            "practitioner",
            "location",
            "weekday",
            "starts",
            "ends",
            "effective_from",
            "effective_until",
        ]

    def validate_with_services(self) -> None:
        # The shift alone; its breaks are checked with it by BreakFormSet.
        services.working_hours_validate(working_hours=self.instance, breaks=[])


class BreakFormSet(ServiceValidatedInlineFormSet):
    def validate_with_services(self, rows: list[dict[str, Any]]) -> None:
        services.working_hours_validate(working_hours=self.instance, breaks=_time_spans(rows))


def _time_spans(rows: list[dict[str, Any]]) -> list[services.TimeSpan]:
    return [services.TimeSpan(row["starts"], row["ends"]) for row in rows]


class BreakInline(admin.TabularInline):
    model = Break
    formset = BreakFormSet
    extra = 0


@admin.register(WorkingHours)
class WorkingHoursAdmin(ServiceBackedAdmin):
    form = WorkingHoursForm
    list_display = [
        "practitioner",
        "location",
        "weekday",
        "starts",
        "ends",
        "effective_from",
        "effective_until",
    ]
    list_filter = ["location", "weekday", "practitioner"]
    search_fields = ["practitioner__display_name"]
    autocomplete_fields = ["practitioner"]
    list_select_related = ["practitioner", "location"]
    inlines = [BreakInline]

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.working_hours_save(
            working_hours=obj, breaks=_time_spans(kept_rows(formsets[Break]))
        )

    def delete_with_services(self, request: HttpRequest, obj: WorkingHours) -> None:
        services.working_hours_delete(working_hours=obj)


@admin.register(TimeOff)
class TimeOffAdmin(ServiceBackedAdmin):
    list_display = ["practitioner", "starts_at", "ends_at", "reason"]
    list_filter = ["practitioner"]
    search_fields = ["practitioner__display_name", "reason"]
    autocomplete_fields = ["practitioner"]
    date_hierarchy = "starts_at"

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.time_off_save(time_off=obj)

    def delete_with_services(self, request: HttpRequest, obj: TimeOff) -> None:
        services.time_off_delete(time_off=obj)


@admin.register(HomeLocation)
class HomeLocationAdmin(ServiceBackedAdmin):
    """Where a member of staff usually works: their desk and the schedule open there."""

    list_display = ["user", "location"]
    list_filter = ["location"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # One row a person: another person's home is a row of its own.
        return ["user"] if obj is not None else []

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.home_location_set(user=obj.user, location=obj.location)

    def delete_with_services(self, request: HttpRequest, obj: Any) -> None:
        services.home_location_set(user=obj.user, location=None)
