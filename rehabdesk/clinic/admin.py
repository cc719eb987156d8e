"""The manager's configuration screens. Every save and delete calls clinic.services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from rehabdesk.clinic import services
from rehabdesk.clinic.models import (
    Authorization,
    Break,
    Clinic,
    Closure,
    Discipline,
    Location,
    OpeningHours,
    PageText,
    Practitioner,
    Qualification,
    Registration,
    RegistrationClass,
    Regulator,
    Resource,
    ResourceKind,
    Service,
    ServiceGroup,
    TaxCategory,
    TaxRate,
    TimeOff,
    TravelTime,
    WorkingHours,
)
from rehabdesk.core.admin import (
    Formsets,
    ServiceBackedAdmin,
    ServiceValidatedForm,
    ServiceValidatedInlineFormSet,
    changed_instances,
    deleted_instances,
    kept_rows,
)


def _today() -> date:
    return timezone.localdate()


def _save_each(formset: BaseInlineFormSet | None, save: Any, delete: Any = None) -> None:
    """Inline rows that stand on their own (closures, time off): one service call each."""
    if formset is None:
        return
    for instance in deleted_instances(formset):
        delete(instance)
    for instance in changed_instances(formset):
        save(instance)


class ConfigurationAdmin(ServiceBackedAdmin):
    """Plain configuration rows saved by services.configuration_save."""

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.configuration_save(instance=obj)


@admin.register(Clinic)
class ClinicAdmin(ConfigurationAdmin):
    list_display = ["name", "phone", "email", "cancellation_notice_hours"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "phone", "email", "website"]}),
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
    ]


# --- Locations -----------------------------------------------------------------------


class OpeningHoursFormSet(ServiceValidatedInlineFormSet):
    def validate_with_services(self, rows: list[dict[str, Any]]) -> None:
        services.opening_hours_validate(
            location=self.instance, hours=_weekly_spans(rows), today=_today()
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
        return super().get_queryset(request).filter(last_day__gte=_today())


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
            location=obj, hours=_weekly_spans(kept_rows(formsets[OpeningHours])), today=_today()
        )
        _save_each(
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
            today=_today(),
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
            today=_today(),
        )
        obj.pk = row.pk if row else None

    def delete_with_services(self, request: HttpRequest, obj: TravelTime) -> None:
        services.travel_time_set(
            location_a=obj.location_a, location_b=obj.location_b, minutes=None, today=_today()
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


# --- Disciplines, colleges, tax ------------------------------------------------------


@admin.register(Discipline)
class DisciplineAdmin(ConfigurationAdmin):
    list_display = ["name", "display_order", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class RegistrationClassInline(admin.TabularInline):
    model = RegistrationClass
    extra = 0
    can_delete = False


class AuthorizationInline(admin.TabularInline):
    model = Authorization
    extra = 0
    can_delete = False
    verbose_name = "roster (authorized activity)"
    verbose_name_plural = "rosters (authorized activities)"


@admin.register(Regulator)
class RegulatorAdmin(ConfigurationAdmin):
    list_display = ["name", "abbreviation", "profession", "designation", "province"]
    list_filter = ["province"]
    search_fields = ["name", "abbreviation", "profession"]
    prepopulated_fields = {"slug": ["abbreviation"]}
    inlines = [RegistrationClassInline, AuthorizationInline]

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.configuration_save(instance=obj)
        for model in (RegistrationClass, Authorization):
            _save_each(
                formsets.get(model), save=lambda row: services.configuration_save(instance=row)
            )


class TaxRateFormSet(ServiceValidatedInlineFormSet):
    def validate_with_services(self, rows: list[dict[str, Any]]) -> None:
        services.tax_category_validate(category=self.instance, rates=_rate_specs(rows))


def _rate_specs(rows: list[dict[str, Any]]) -> list[services.RateSpec]:
    return [
        services.RateSpec(row["name"], row["percent"], row["valid_from"], row["valid_until"])
        for row in rows
    ]


class TaxRateInline(admin.TabularInline):
    model = TaxRate
    formset = TaxRateFormSet
    extra = 0


@admin.register(TaxCategory)
class TaxCategoryAdmin(ServiceBackedAdmin):
    list_display = ["name", "treatment", "legal_basis"]
    list_filter = ["treatment"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [TaxRateInline]

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.tax_category_save(category=obj, rates=_rate_specs(kept_rows(formsets[TaxRate])))


# --- Services ------------------------------------------------------------------------


class QualificationFormSet(ServiceValidatedInlineFormSet):
    def validate_with_services(self, rows: list[dict[str, Any]]) -> None:
        services.service_validate(
            service=self.instance, qualifications=_qualification_specs(rows), on=_today()
        )


def _qualification_specs(rows: list[dict[str, Any]]) -> list[services.QualificationSpec]:
    return [
        services.QualificationSpec(row["regulator"], frozenset(row["authorizations"]))
        for row in rows
    ]


class QualificationInline(admin.TabularInline):
    model = Qualification
    formset = QualificationFormSet
    extra = 0
    min_num = 1
    verbose_name = "who may deliver it (any one of these)"
    verbose_name_plural = "who may deliver it (any one of these)"


@admin.register(Service)
class ServiceAdmin(ServiceBackedAdmin):
    list_display = [
        "name",
        "discipline",
        "kind",
        "duration_minutes",
        "price",
        "tax_category",
        "online_bookable",
        "active",
    ]
    list_filter = [
        "discipline",
        "group",
        "kind",
        "online_bookable",
        "patient_eligibility",
        "active",
        "tax_category",
    ]
    search_fields = ["name", "public_description"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    inlines = [QualificationInline]

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.service_save(
            service=obj,
            on=_today(),
            resource_kinds=form.cleaned_data["resource_kinds"],
            qualifications=_qualification_specs(kept_rows(formsets[Qualification])),
        )


# --- The public site's texts --------------------------------------------------------


@admin.register(ServiceGroup)
class ServiceGroupAdmin(ConfigurationAdmin):
    list_display = ["name", "slug", "display_order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "summary", "who_it_helps", "what_to_expect"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PageText)
class PageTextAdmin(ConfigurationAdmin):
    list_display = ["title", "slug"]
    list_filter = ["slug"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}


# --- Practitioners, registrations, hours ---------------------------------------------


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[TimeOff]:
        return super().get_queryset(request).filter(ends_at__gte=timezone.now())


@admin.register(Practitioner)
class PractitionerAdmin(ServiceBackedAdmin):
    list_display = ["display_name", "user", "languages", "active"]
    list_filter = ["disciplines", "active"]
    search_fields = ["display_name", "user__email", "languages"]
    prepopulated_fields = {"slug": ["display_name"]}
    autocomplete_fields = ["user"]
    formfield_overrides = {
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    inlines = [TimeOffInline]

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.practitioner_save(practitioner=obj, disciplines=form.cleaned_data["disciplines"])
        _save_each(
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
        today = _today()
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
                on=_today(),
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
