"""The treatment guide's result, put on the record of the patient booked after it:
the guide keeps its result's id in the online booking session (session.py); once
the booking is made, safety.services.guide_result_file links it (audited) and raises
the alerts and red-flag reviews its answers call for, and the session forgets it, so
a later booking from the same browser does not, and drops the guide's answers: on
the record now, they need not stay in a browser's session that someone else may use
next."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest

from rehabdesk.guidance.errors import GuidanceError
from rehabdesk.guidance.selectors import guide_result_unlinked
from rehabdesk.safety.services import guide_result_file
from rehabdesk.scheduling.models import Appointment
from rehabdesk.web.online import session
from rehabdesk.web.public.guide_views import SESSION_KEY as GUIDE_SESSION_KEY


def link_guide_result(request: HttpRequest, appointment: Appointment, *, now: datetime) -> None:
    result_id = session.guide_result_id(request)
    if result_id is None or appointment.patient is None:
        return
    session.forget_guide(request)
    request.session.pop(GUIDE_SESSION_KEY, None)
    result = guide_result_unlinked(result_id=result_id)
    if result is None:
        return
    # Already on another record (a race from a shared browser): the booking stands,
    # the answers stay where they are.
    try:
        guide_result_file(result=result, patient=appointment.patient, actor=request.user, now=now)
    except GuidanceError:
        return
