"""What the outcome-measure pages' tests share: requests made and e-mailed through the
outcomes services (the link read back from the e-mail, as the patient gets it), and
results recorded through them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.outcomes.models import MeasureRequest
from rehabdesk.outcomes.services import measure_request_send
from rehabdesk.outcomes.testing import request_make
from rehabdesk.patients.models import Patient


def ask(patient: Patient, instrument: str = "nprs", **more: Any) -> MeasureRequest:
    """A request due in three days, not sent."""
    now = timezone.now()
    more.setdefault("due_on", timezone.localdate(now) + timedelta(days=3))
    return request_make(patient=patient, instrument=instrument, now=now, **more)


def link_of(request: MeasureRequest) -> str:
    """The path of the link the request's latest e-mail carries."""
    message = OutboxMessage.objects.filter(
        kind="measure_request", related_id=str(request.pk)
    ).latest("pk")
    found = re.search(r"https?://[^/\s]+(/measure/[^/\s]+/)", message.body_text)
    assert found, "the e-mail carries the questionnaire's link"
    return found.group(1)


def ask_by_email(patient: Patient, instrument: str = "nprs", **more: Any) -> str:
    """A request e-mailed to the patient (or their guardian): its link's path."""
    request = ask(patient, instrument, **more)
    measure_request_send(request=request, now=timezone.now())
    return link_of(request)


def today() -> date:
    return timezone.localdate()
