"""The manager's screen for the exercise library: add and change exercises, retire one
by unticking "active" (never delete: programs point at it). Every save goes through
exercises.services. Programs are clinical: they are written from the staff pages by
practitioners in the patient's care, never here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from rehabdesk.core.admin import Formsets, ServiceBackedAdmin, ServiceValidatedForm
from rehabdesk.exercises import services
from rehabdesk.exercises.models import Exercise


class ExerciseForm(ServiceValidatedForm):
    # Links typed without a scheme mean https, as in every admin form (core/admin.py).
    media_url = forms.URLField(
        label="Picture or video link",
        required=False,
        assume_scheme="https",
        help_text="An optional picture or video link.",
    )

    class Meta:
        model = Exercise
        fields = [
            "code",
            "name",
            "body_region",
            "instructions",
            "default_sets",
            "default_reps",
            "default_hold_seconds",
            "media_url",
            "active",
        ]
        help_texts = {
            "instructions": "Numbered steps in plain words, what the patient should feel, "
            "and when to stop.",
            "active": "Untick to retire the exercise: no longer offered, kept in programs "
            "that have it.",
        }

    def validate_with_services(self) -> None:
        services.exercise_check(exercise=self.instance)


@admin.register(Exercise)
class ExerciseAdmin(ServiceBackedAdmin):
    form = ExerciseForm
    list_display = ["name", "code", "body_region", "default_sets", "active"]
    list_filter = ["active", "body_region"]
    search_fields = ["name", "code", "instructions"]

    def save_with_services(
        self, request: HttpRequest, obj: Any, form: forms.ModelForm, formsets: Formsets
    ) -> None:
        services.exercise_save(exercise=obj, now=timezone.now())
