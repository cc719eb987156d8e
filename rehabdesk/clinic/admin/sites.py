"""The manager's screens for the clinic, its locations (opening hours, closures), travel
times, rooms and equipment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from rehabdesk.clinic import services
from rehabdesk.clinic.admin.common import ConfigurationAdmin, local_today, save_each
from rehabdesk.clinic.admin.pictures import ClinicForm, picture_preview, picture_save
from rehabdesk.clinic.models import (
    Clinic,
    Closure,
    Location,
    OpeningHours,
    ReminderRule,
    Resource,
    ResourceKind,
    TravelTime,
)
from rehabdesk.core.admin import (
    Formsets,
    ServiceBackedAdmin,
    ServiceValidatedForm,
    ServiceValidatedInlineFormSet,
    kept_rows,
)


@admin.register(Clinic)
class ClinicAdmin(ConfigurationAdmin):
    form = ClinicForm
    list_display = ["name", "phone", "email", "cancellation_notice_hours"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["current_logo"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "phone", "email", "website"]}),
        (
            "Logo",
            {
                "fields": ["current_logo", "logo_upload", "logo_remove"],
                "description": "Shown beside the clinic's name at the top of every page "
                "patients see.",
            },
        ),
        (
            "Booking policies",
            {
                "fields": [
                    "cancellation_notice_hours",
                    "late_cancellation_fee_percent",
                    "no_show_fee_percent",
                    "waitlist_offer_minutes",
                    "min_online_notice_minutes",
                    "booking_horizon_days",
                    "slot_step_minutes",
                ]
            },
        ),
        ("Calendar feeds", {"fields": ["feed_patient_label"]}),
        (
            "Reminders",
            {
                "fields": ["quiet_hours_start", "quiet_hours_end"],
                "description": "When reminders go is set under Reminder rules; none "
                "arrives in these quiet hours, in each location's own time.",
            },
        ),
    ]

    @admin.display(description="Logo now")
    def current_logo(self, clinic: Clinic) -> Any:
        return picture_preview(clinic.logo_url, f"The logo of {clinic.name}")

    def save_with_services(
        self, request: HttpRequest, obj: Clinic, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        # The admin runs both in one transaction (its change view is atomic).
        services.configuration_save(instance=obj)
        picture_save(obj, form, "logo")


@admin.register(ReminderRule)
class ReminderRuleAdmin(ConfigurationAdmin):
    """The reminder policy, one rule a row. A rule no longer wanted is made inactive
    (reminders already sent name their hours, not the rule)."""

    list_display = ["__str__", "channel", "hours_before", "service", "active"]
    list_filter = ["channel", "active"]
    list_select_related = ["service"]
    search_fields = ["service__name"]


# --- Locations -----------------------------------------------------------------------


class OpeningHoursFormSet(ServiceValidatedInlineFormSet):
    def validate_with_services(self, rows: list[dict[str, Any]]) -> None:
        services.opening_hours_validate(
            location=self.instance, hours=_weekly_spans(rows), today=local_today()
        )


def _weekly_spans(rows: list[dict[str, Any]]) -> list[services.WeeklySpan]:
    return [services.WeeklySpan(row["weekday"], row["opens"], row["closes"]) for row in rows]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Closure]:
        # Past closures stay on record but need no editing.
        return super().get_queryset(request).filter(last_day__gte=local_today())


@admin.register(Location)
class LocationAdmin(ServiceBackedAdmin):
    list_display = ["name", "clinic", "city", "phone", "time_zone", "active"]
    list_filter = ["clinic", "active", "province"]
    search_fields = ["name", "city", "postal_code", "street_address"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [OpeningHoursInline, ClosureInline]

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.location_save(location=obj)
        services.location_set_opening_hours(
            location=obj,
            hours=_weekly_spans(kept_rows(formsets[OpeningHours])),
            today=local_today(),
        )
        save_each(
            formsets.get(Closure),
            save=lambda closure: services.closure_save(closure=closure),
            delete=lambda closure: services.closure_delete(closure=closure),
        )


class TravelTimeForm(ServiceValidatedForm):
    class Meta:
        model = TravelTime
        fields = ["location_a", "location_b", "minutes"]
        labels = {"location_a": "Between", "location_b": "and"}

    def clean(self) -> dict[str, Any]:
        # A pair is stored once, lower id first; the manager may pick it either way round.
        data = super().clean() or {}
        first, second = data.get("location_a"), data.get("location_b")
        if first and second and first.pk > second.pk:
            data["location_a"], data["location_b"] = second, first
        return data

    def validate_with_services(self) -> None:
        services.travel_time_validate(
            location_a=self.instance.location_a,
            location_b=self.instance.location_b,
            minutes=self.instance.minutes,
            today=local_today(),
        )


@admin.register(TravelTime)
class TravelTimeAdmin(ServiceBackedAdmin):
    form = TravelTimeForm
    list_display = ["__str__", "minutes"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["location_a", "location_b"] if obj else []

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        row = services.travel_time_set(
            location_a=obj.location_a,
            location_b=obj.location_b,
            minutes=obj.minutes,
            today=local_today(),
        )
        obj.pk = row.pk if row else None

    def delete_with_services(self, request: HttpRequest, obj: TravelTime) -> None:
        services.travel_time_set(
            location_a=obj.location_a, location_b=obj.location_b, minutes=None, today=local_today()
        )


@admin.register(ResourceKind)
class ResourceKindAdmin(ConfigurationAdmin):
    list_display = ["name", "is_room"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Resource)
class ResourceAdmin(ConfigurationAdmin):
    list_display = ["name", "location", "kind", "active"]
    list_filter = ["location", "kind", "active"]
    search_fields = ["name"]
