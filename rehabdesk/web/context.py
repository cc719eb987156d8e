"""What every page's layout needs to know about who is looking."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from rehabdesk.access.policy import Capability, can, person_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    def links() -> dict[str, object]:
        person = person_for(getattr(request, "user", None))
        schedules = can(person, Capability.VIEW_SCHEDULES)
        staff = {
            "schedule": schedules,
            "desk": can(person, Capability.RUN_THE_DESK),
            "waitlist": can(person, Capability.RUN_THE_DESK),
            "my_day": person.practitioner_id is not None,
            "patients": can(person, Capability.SEARCH_PATIENTS),
            "hours": can(person, Capability.MANAGE_HOURS),
        }
        # A practitioner who does not see every schedule has their own week as theirs.
        my_week = (
            reverse(
                "schedule-week",
                kwargs={
                    "practitioner_id": person.practitioner_id,
                    "day": timezone.localdate().isoformat(),
                },
            )
            if person.practitioner_id is not None and not schedules
            else ""
        )
        # Staff work from their own menu: the public site's pages are not in it.
        return {
            **staff,
            "my_week": my_week,
            "staff": any(staff.values()),
            "my_family": person.patient_id is not None,
        }

    return {"nav": SimpleLazyObject(links)}
