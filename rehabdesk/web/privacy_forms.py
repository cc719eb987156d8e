"""What the privacy pages of both audiences share: a refusal shown beside its field."""

from __future__ import annotations

from django import forms

from rehabdesk.core.errors import DomainError


def add_refusal(form: forms.Form, refusal: DomainError) -> None:
    """A service's refusal beside the field it names, or above the form."""
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)
