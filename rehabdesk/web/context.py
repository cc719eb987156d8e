"""What every page's layout needs to know: who is looking, and whose site it is."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from rehabdesk.access.policy import Capability, can, person_for
from rehabdesk.clinic.selectors import clinic_current
from rehabdesk.web.sessions import needs_factor


def navigation(request: HttpRequest) -> dict[str, Any]:
    def links() -> dict[str, object]:
        if needs_factor(request):
            # Before their second factor, staff see only "Sign out" (web/sessions.py).
            return {"staff": True}
        user = getattr(request, "user", None)
        person = person_for(user)
        schedules = can(person, Capability.VIEW_SCHEDULES)
        staff = {
            "schedule": schedules,
            "desk": can(person, Capability.RUN_THE_DESK),
            "waitlist": can(person, Capability.RUN_THE_DESK),
            "my_day": person.practitioner_id is not None,
            "patients": can(person, Capability.SEARCH_PATIENTS),
            "hours": can(person, Capability.MANAGE_HOURS),
            "overdue_notes": can(person, Capability.OVERSEE_NOTES),
            "reports": can(person, Capability.VIEW_REPORTS),
            "privacy": can(person, Capability.OVERSEE_PRIVACY),
            "sign_in_locks": can(person, Capability.MANAGE_SIGN_INS),
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
            "own_password": person.is_staff_member,
            "registrations": bool(user and user.has_perm("clinic.view_registration")),
            "admin": bool(user and user.is_staff),
            "security": bool(user and user.is_authenticated),
        }

    return {"nav": SimpleLazyObject(links)}


SOFTWARE = "Rehabdesk"
try:
    VERSION = metadata.version("rehabdesk")
except metadata.PackageNotFoundError:  # run from a checkout that was never installed
    VERSION = ""


@dataclass(frozen=True)
class Brand:
    """Whose site this is, as the header, the page titles and the footer say it: the
    clinic's name and logo. The software's own name and version are for staff only."""

    name: str
    logo_url: str
    phone: str
    software: str = SOFTWARE
    version: str = VERSION


def branding(request: HttpRequest) -> dict[str, Any]:
    def brand() -> Brand:
        clinic = clinic_current()
        if clinic is None:  # nothing set up yet: the software is all there is to name
            return Brand(name=SOFTWARE, logo_url="", phone="")
        return Brand(name=clinic.name, logo_url=clinic.logo_url, phone=clinic.phone)

    return {"brand": SimpleLazyObject(brand)}
