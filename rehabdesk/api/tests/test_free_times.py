"""The free-times answer written out says what the schema's answer says."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from ninja.responses import NinjaJSONEncoder

from rehabdesk.api.free_times import CONTENT_TYPE, availability_response
from rehabdesk.api.scheduling import AvailabilityOut, SlotOut
from rehabdesk.availability.types import Reason, Result, Slot

START = datetime(2027, 3, 14, 6, 45, tzinfo=UTC)


def _through_schema(result: Result) -> object:
    """What the view answered through its response schema, as ninja encodes it."""
    slots = [
        SlotOut(
            start=slot.start,
            end=slot.end,
            practitioner_id=slot.practitioner_id,
            location_id=slot.location_id,
        )
        for slot in result.slots
    ]
    out = AvailabilityOut(slots=slots, reason=result.reason)
    return json.loads(json.dumps(out.model_dump(), cls=NinjaJSONEncoder))


def _slot_at(start: datetime, practitioner_id: int, minutes: int = 60) -> Slot:
    end = start + timedelta(minutes=minutes)
    return Slot(start, practitioner_id, 7, end, end + timedelta(minutes=10), (3,))


@pytest.mark.parametrize(
    "result",
    [
        Result((_slot_at(START, 2), _slot_at(START, 5), _slot_at(START + timedelta(hours=1), 2))),
        # One start, two ends: each slot says its own.
        Result((_slot_at(START, 1), _slot_at(START, 2, minutes=45), _slot_at(START, 3))),
        # Microseconds are cut to milliseconds, as the schema's encoder does.
        Result((_slot_at(START.replace(microsecond=123456), 1, minutes=45),)),
        Result((), Reason.FULLY_BOOKED),
        Result((), Reason.BEYOND_HORIZON),
    ],
)
def test_the_answer_is_the_schemas(result: Result) -> None:
    response = availability_response(result)

    assert response["Content-Type"] == CONTENT_TYPE
    assert json.loads(response.content) == _through_schema(result)
