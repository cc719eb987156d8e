"""What a visitor booking online has chosen, kept server-side in their session: the
time they picked and its hold, the e-mail address they asked a code for and, once
the code was right, the one they proved, and a
random token for each hold with a patient on it, which keys the later pages' addresses
so that no personal detail is in a URL."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from rehabdesk.audit.middleware import client_ip
from rehabdesk.clinic.selectors import services_online
from rehabdesk.core.secrets import secret_urlsafe
from rehabdesk.online.services import ChosenTime
from rehabdesk.scheduling.models import Appointment
from rehabdesk.web.online.slots import NEW, RETURNING, number, one_of, picked_time

SESSION_KEY = "online_booking"


def visitor_ip(request: HttpRequest) -> str:
    """The client address the online rate limits count against."""
    return client_ip(request) or "unknown"


def state(request: HttpRequest) -> dict[str, Any]:
    found = request.session.get(SESSION_KEY)
    return found if isinstance(found, dict) else {}


def save(request: HttpRequest, changed: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = changed
    request.session.modified = True


def hold_id(request: HttpRequest) -> int | None:
    """The time held when the visitor picked it (it may since have lapsed)."""
    pick = state(request).get("pick")
    return number(str(pick.get("hold"))) if isinstance(pick, dict) else None


def chosen_time(request: HttpRequest) -> ChosenTime | None:
    """The time the visitor picked, if it still reads (a service still online, a
    practitioner and location still active)."""
    data = state(request).get("pick")
    if not isinstance(data, dict):
        return None
    service = one_of(services_online(), str(data.get("service")))
    picked = picked_time(f"{data.get('start')}|{data.get('practitioner')}|{data.get('location')}")
    if service is None or picked is None:
        return None
    return ChosenTime(service, picked.start, picked.practitioner, picked.location)


def remember_pick(
    request: HttpRequest, time: ChosenTime, hold: Appointment, *, visit: str = ""
) -> None:
    changed = state(request)
    changed["pick"] = {
        "service": time.service.pk,
        "start": time.start.isoformat(),
        "practitioner": time.practitioner.pk,
        "location": time.location.pk,
        "hold": hold.pk,
        "visit": visit,
    }
    save(request, changed)


def visit(request: HttpRequest) -> str:
    """Whether the visitor said on step 1 they are new (NEW) or have been here before
    (RETURNING); "" when they have not said."""
    pick = state(request).get("pick")
    said = pick.get("visit") if isinstance(pick, dict) else ""
    return said if said in (NEW, RETURNING) else ""


def remember_hold(request: HttpRequest, appointment: Appointment) -> str:
    """A new token for a hold with its patient on it: the review page's address."""
    token = secret_urlsafe(16)
    changed = state(request)
    changed.setdefault("holds", {})[token] = {"appointment": appointment.pk}
    save(request, changed)
    return token


def held(request: HttpRequest, token: str) -> int:
    """The appointment a token stands for; a token not of this session is a 404."""
    entry = state(request).get("holds", {}).get(token)
    if not isinstance(entry, dict):
        raise Http404
    appointment_id = number(str(entry.get("appointment")))
    if appointment_id is None:
        raise Http404
    return appointment_id


def remember_guide(request: HttpRequest, result_id: int) -> None:
    """The treatment guide's result this visitor was given: put on the record of the
    patient they then book for (review_views)."""
    changed = state(request)
    changed["guide"] = result_id
    save(request, changed)


def guide_result_id(request: HttpRequest) -> int | None:
    return number(str(state(request).get("guide")))


def forget_guide(request: HttpRequest) -> None:
    changed = state(request)
    if changed.pop("guide", None) is not None:
        save(request, changed)
