"""The manager's screens for note templates and phrase snippets. Every save goes
through care.services.

A template version, once published, is only read here: notes refer to the version
they were written on. "Publish a new version" opens a copy of the current version to
edit — its definition as text (pretty JSON, or TOML as the shipped files are written,
docs/domain/note-templates.md) — and saving publishes it as the next version, checked
whole first. Snippets are added and changed here, and deactivated rather than deleted.
"""

from __future__ import annotations

import json
import math
import tomllib
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from rehabdesk.accounts.models import User
from rehabdesk.care import services
from rehabdesk.care.models import NoteTemplate, Snippet
from rehabdesk.core.admin import Formsets, ServiceBackedAdmin, ServiceValidatedForm

DEFINITION_TEXT_MAX = 200_000


def definition_text(definition: object) -> str:
    """A stored definition as the text a manager edits."""
    return json.dumps(definition, indent=2, ensure_ascii=False)


def definition_from_text(text: str) -> dict[str, Any]:
    """The manager's text read as JSON (when it starts with "{") or TOML; a ValidationError
    saying where it does not read."""
    text = text.strip()

    def no_constant(name: str) -> float:
        raise ValueError(f"{name} is not a number a template may hold")

    try:
        if text.startswith("{"):
            data = json.loads(text, parse_constant=no_constant)
        else:
            data = tomllib.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"Not readable as JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ValidationError(f"Not readable as TOML: {error}.") from None
    except (ValueError, RecursionError) as error:
        raise ValidationError(f"Not readable: {error}.") from None
    if not isinstance(data, dict):
        raise ValidationError('A definition is an object with its "sections".')
    if _has_non_finite(data):
        raise ValidationError("Numbers in a template are finite (no nan or inf).")
    return data


def _has_non_finite(value: object) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_non_finite(item) for item in value)
    return False


class NoteTemplateForm(ServiceValidatedForm):
    """A new version (or a new template): its code, name, discipline, kind of visit and
    definition, checked by the service before anything is saved."""

    definition = forms.CharField(
        label="Definition",
        max_length=DEFINITION_TEXT_MAX,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 30, "cols": 100, "spellcheck": "false", "class": "vLargeTextField"}
        ),
        help_text="Sections and their fields, as JSON (as shown) or as TOML like the "
        "shipped files. Checked whole before it is published.",
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = NoteTemplate
        fields = ["code", "name", "discipline", "visit_type"]

    def clean_definition(self) -> dict[str, Any]:
        return definition_from_text(self.cleaned_data["definition"])

    def validate_with_services(self) -> None:
        template = self.instance
        services.note_template_check(
            code=template.code,
            name=template.name,
            discipline=template.discipline,
            visit_type=template.visit_type,
            definition=self.cleaned_data["definition"],
            based_on=self.cleaned_data.get("based_on") or 0,
        )


@admin.register(NoteTemplate)
class NoteTemplateAdmin(ServiceBackedAdmin):
    """Every version of every template; a version is read, never changed."""

    form = NoteTemplateForm
    list_display = ["name", "code", "version", "discipline", "visit_type", "current"]
    list_filter = ["current", "discipline", "visit_type"]
    search_fields = ["name", "code"]
    list_select_related = ["discipline"]
    READ = [
        "code",
        "version",
        "name",
        "discipline",
        "visit_type",
        "current",
        "published_at",
        "published_by",
        "publish_next",
        "definition_shown",
    ]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return self.READ
        return ["code", "name", "discipline", "visit_type", "definition", "based_on"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.READ if obj is not None else []

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Reading an old version is fine; saving over it is not.
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description="Definition")
    def definition_shown(self, obj: NoteTemplate) -> str:
        return format_html(
            '<pre style="white-space:pre-wrap;max-width:60rem">{}</pre>',
            definition_text(obj.definition),
        )

    @admin.display(description="Next version")
    def publish_next(self, obj: NoteTemplate) -> str:
        url = reverse("admin:care_notetemplate_add")
        return format_html(
            '<a href="{}?from={}">Publish a new version from this one</a>', url, obj.pk
        )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        source_id = request.GET.get("from", "")
        source = (
            NoteTemplate.objects.filter(pk=int(source_id)).first() if source_id.isdigit() else None
        )
        if source is None:
            return initial
        latest = NoteTemplate.objects.filter(code=source.code).order_by("-version").first()
        assert latest is not None  # the source itself, at least
        initial.update(
            code=source.code,
            name=source.name,
            discipline=source.discipline_id,
            visit_type=source.visit_type,
            definition=definition_text(source.definition),
            based_on=latest.version,
        )
        initial.pop("from", None)
        return initial

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        published = services.note_template_publish(
            actor=cast(User, request.user),
            code=obj.code,
            name=obj.name,
            discipline=obj.discipline,
            visit_type=obj.visit_type,
            definition=form.cleaned_data["definition"],
            based_on=form.cleaned_data.get("based_on") or 0,
            now=timezone.now(),
        )
        form.instance = published
        obj.pk = published.pk


class SnippetForm(ServiceValidatedForm):
    class Meta:
        model = Snippet
        fields = ["shortcut", "text", "discipline", "active"]
        help_texts = {
            "shortcut": "Typed as ;shortcut in a note, e.g. hep for ;hep.",
            "discipline": "Empty: offered to every discipline.",
            "active": "Untick to stop offering it; it is kept.",
        }

    def validate_with_services(self) -> None:
        services.snippet_check(snippet=self.instance)


@admin.register(Snippet)
class SnippetAdmin(ServiceBackedAdmin):
    """The clinic's phrases; deactivated, never deleted."""

    form = SnippetForm
    list_display = ["__str__", "text", "discipline", "active"]
    list_filter = ["active", "discipline"]
    search_fields = ["shortcut", "text"]
    list_select_related = ["discipline"]

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.snippet_save(snippet=obj)
