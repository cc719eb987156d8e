"""What every page's layout needs to know about who is looking."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from rehabdesk.access.policy import Capability, can, person_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    def links() -> dict[str, bool]:
        person = person_for(getattr(request, "user", None))
        staff = {
            "schedule": can(person, Capability.VIEW_SCHEDULES),
            "desk": can(person, Capability.RUN_THE_DESK),
            "my_day": person.practitioner_id is not None,
            "patients": can(person, Capability.SEARCH_PATIENTS),
            "hours": can(person, Capability.MANAGE_HOURS),
        }
        # Staff work from their own menu: the public site's pages are not in it.
        return {
            **staff,
            "staff": any(staff.values()),
            "my_family": person.patient_id is not None,
        }

    return {"nav": SimpleLazyObject(links)}
