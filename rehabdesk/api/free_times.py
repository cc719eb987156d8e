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

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

from rehabdesk.availability.types import Result

CONTENT_TYPE = "application/json; charset=utf-8"


def availability_response(result: Result) -> HttpResponse:
    """`{"slots": [{"start", "end", "practitioner_id", "location_id"}, ...], "reason"}`."""
    encode = DjangoJSONEncoder().default
    written = []
    start = end = None
    head = ""
    # Slots come sorted by start, in UTC: the practitioners free at one time are a run
    # sharing its "start" and "end" (compared, not hashed: hashing an aware datetime
    # asks its zone for the offset, and cost more than encoding it).
    for slot in result.slots:
        if slot.start != start or slot.end != end:
            start, end = slot.start, slot.end
            head = f'{{"start": {json.dumps(encode(start))}, "end": {json.dumps(encode(end))}, '
        written.append(
            f'{head}"practitioner_id": {slot.practitioner_id:d}, '
            f'"location_id": {slot.location_id:d}}}'
        )
    reason = json.dumps(None if result.reason is None else str(result.reason))
    body = f'{{"slots": [{", ".join(written)}], "reason": {reason}}}'
    return HttpResponse(body, content_type=CONTENT_TYPE)
