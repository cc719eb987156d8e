"""The one lookup the safety badges need: a patient's badge from a day's dict."""

from __future__ import annotations

from django import template

from rehabdesk.safety.selectors import SafetyBadge

register = template.Library()


@register.filter
def badge_for(badges: dict[int, SafetyBadge] | None, patient_id: int) -> SafetyBadge | None:
    return (badges or {}).get(patient_id)
