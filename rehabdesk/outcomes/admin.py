"""The manager's screen for the clinic's licensed wording of outcome measures (ODI, NDI,
LEFS, QuickDASH). Every save goes through outcomes.services.

A version, once entered, is only read here: patients answered the version of their
day. "Enter a new version" opens a copy of the current one to edit, as plain text —
a block per question: its text on the first line, then one answer per line, lowest
score first, blocks apart by a blank line (or the stored JSON) — checked whole against
the scoring (the number of questions and of answers) before anything is saved.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from rehabdesk.accounts.models import User
from rehabdesk.core.admin import Formsets, ServiceBackedAdmin, ServiceValidatedForm
from rehabdesk.outcomes import services
from rehabdesk.outcomes.models import InstrumentWording
from rehabdesk.outcomes.scoring import INSTRUMENT_CHOICES, SPECS, Instrument

ITEMS_TEXT_MAX = 100_000
LICENSED_CHOICES = [
    (code, label) for code, label in INSTRUMENT_CHOICES if SPECS[Instrument(code)].licensed_wording
]


def items_text(items: object) -> str:
    """Stored wording as the text a manager edits."""
    if not isinstance(items, list):
        return ""
    blocks = []
    for item in items:
        if isinstance(item, dict):
            lines = [str(item.get("text", "")), *(f"- {a}" for a in item.get("answers", []))]
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def items_from_text(text: str) -> list[dict[str, Any]]:
    """The manager's text read: JSON when it starts with "[", else blocks apart by a
    blank line, each a question's text then its answers (a leading "- " is dropped)."""
    text = text.strip()
    if text.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                f"Not readable as JSON: {error.msg} (line {error.lineno}, column {error.colno})."
            ) from None
        if not isinstance(data, list):
            raise ValidationError("A list of questions.")
        return data
    items = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if lines:
            answers = [line.removeprefix("- ").removeprefix("-").strip() for line in lines[1:]]
            items.append({"text": lines[0], "answers": answers})
    return items


class InstrumentWordingForm(ServiceValidatedForm):
    """A new version: the instrument and its wording, checked by the service first."""

    instrument = forms.ChoiceField(choices=LICENSED_CHOICES)
    items = forms.CharField(
        label="Wording",
        max_length=ITEMS_TEXT_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 40, "cols": 100, "class": "vLargeTextField"}),
        help_text="One block per question, in the form's order, a blank line between "
        "blocks: the question on the first line, then each answer on a line of its own, "
        "the one scored lowest first. QuickDASH: the 11 questions, then the 4 of the "
        "work module, then the 4 of the sports and performing arts module.",
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = InstrumentWording
        fields = ["instrument"]

    def clean_items(self) -> list[dict[str, Any]]:
        return items_from_text(self.cleaned_data["items"])

    def validate_with_services(self) -> None:
        services.wording_check(
            instrument=self.cleaned_data["instrument"],
            items=self.cleaned_data["items"],
            based_on=self.cleaned_data.get("based_on"),
        )


@admin.register(InstrumentWording)
class InstrumentWordingAdmin(ServiceBackedAdmin):
    """Every version of the clinic's wording; a version is read, never changed."""

    form = InstrumentWordingForm
    list_display = ["instrument", "version", "current", "entered_at", "entered_by"]
    list_filter = ["instrument", "current"]
    list_select_related = ["entered_by"]
    READ = ["instrument", "version", "current", "entered_at", "entered_by", "next", "shown"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.READ if obj is not None else ["instrument", "items", "based_on"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.READ if obj is not None else []

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Reading an old version is fine; saving over it is not.
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description="Wording")
    def shown(self, obj: InstrumentWording) -> str:
        return format_html(
            '<pre style="white-space:pre-wrap;max-width:60rem">{}</pre>', items_text(obj.items)
        )

    @admin.display(description="Next version")
    def next(self, obj: InstrumentWording) -> str:
        url = reverse("admin:outcomes_instrumentwording_add")
        return format_html(
            '<a href="{}?from={}">Enter a new version from this one</a>', url, obj.pk
        )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        source_id = initial.pop("from", "")
        source = (
            InstrumentWording.objects.filter(pk=int(source_id)).first()
            if str(source_id).isdigit()
            else None
        )
        if source is not None:
            latest = (
                InstrumentWording.objects.filter(
                    clinic_id=source.clinic_id, instrument=source.instrument
                )
                .order_by("-version")
                .first()
            )
            initial.update(
                instrument=source.instrument,
                items=items_text(source.items),
                based_on=latest.version if latest else 0,
            )
        return initial

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        published = services.wording_publish(
            actor=cast(User, request.user),
            instrument=form.cleaned_data["instrument"],
            items=form.cleaned_data["items"],
            based_on=form.cleaned_data.get("based_on"),
            now=timezone.now(),
        )
        form.instance = published
        obj.pk = published.pk
