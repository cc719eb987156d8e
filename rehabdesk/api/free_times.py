"""The free-times answer (`GET /api/availability`) written out as JSON.

A search for every free time answers thousands of slots. Validated and encoded through
the schema (`AvailabilityOut`) each slot cost a pydantic model, four attribute
conversions and two datetime encodings: about 25 µs a slot, more than the search. The
slots of one answer share a few dozen instants, so each is encoded once, by the same
encoder the schema's answer goes through, and each slot is one formatted string. The
schema still documents the answer; `api/tests/test_free_times.py` checks both agree.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from rehabdesk.availability.types import Result

CONTENT_TYPE = "application/json; charset=utf-8"


def availability_response(result: Result) -> HttpResponse:
    """`{"slots": [{"start", "end", "practitioner_id", "location_id"}, ...], "reason"}`."""
    encoder = DjangoJSONEncoder()
    texts: dict[datetime, str] = {}

    def text(instant: datetime) -> str:
        found = texts.get(instant)
        if found is None:
            found = texts[instant] = json.dumps(encoder.default(instant))
        return found

    slots = ", ".join(
        f'{{"start": {text(slot.start)}, "end": {text(slot.end)}, '
        f'"practitioner_id": {slot.practitioner_id:d}, "location_id": {slot.location_id:d}}}'
        for slot in result.slots
    )
    reason = json.dumps(None if result.reason is None else str(result.reason))
    return HttpResponse(f'{{"slots": [{slots}], "reason": {reason}}}', content_type=CONTENT_TYPE)
