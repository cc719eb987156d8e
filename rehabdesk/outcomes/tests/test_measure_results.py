"""Recording a completed measure: scored once by the versioned scoring and kept with
its answers, context and activities, audited; every bad answer refused naming its item,
with nothing kept; a request answered once, and never after it closed."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from rehabdesk.audit.models import AuditEvent
from rehabdesk.outcomes.errors import OutcomeError, OutcomeErrorCode
from rehabdesk.outcomes.models import MeasureResult
from rehabdesk.outcomes.scoring import SPECS, Instrument, score
from rehabdesk.outcomes.services import (
    measure_requests_cancel,
    measure_result_record,
)
from rehabdesk.outcomes.testing import answers_all, request_make, result_record

pytestmark = pytest.mark.django_db
ODI_16_OVER_45 = {"1": 1, "2": 2, "3": 2, "4": 1, "5": 2, "6": 2, "7": 1, "9": 2, "10": 3}


def refusal(**arguments) -> OutcomeError:
    with pytest.raises(OutcomeError) as caught:
        measure_result_record(**arguments)
    return caught.value


def test_a_result_is_scored_kept_and_audited(personas, visit, now):
    appointment = visit()
    request = request_make(
        patient=personas.patient_a, now=now, instrument="odi", appointment=appointment
    )
    result = measure_result_record(
        patient=personas.patient_a,
        instrument="odi",
        answers=ODI_16_OVER_45 | {"8": None},
        source="link",
        request=request,
        now=now,
    )
    kept = MeasureResult.objects.get(pk=result.pk)
    assert (kept.score, kept.band, kept.prorated) == (Decimal("35.56"), "moderate", True)
    assert kept.scoring_version == SPECS[Instrument.ODI].version == "odi-2.1a/r1-m1"
    assert kept.responses == {str(n): ODI_16_OVER_45.get(str(n)) for n in range(1, 11)}
    assert (kept.request_id, kept.appointment_id) == (request.pk, appointment.pk)
    assert (kept.source, kept.context, kept.activities, kept.no_score_reasons) == (
        "link",
        "",
        {},
        [],
    )
    assert (kept.taken_at, kept.recorded_by) == (now, None)
    assert score(kept.instrument, kept.responses).score == kept.score  # recomputed alike
    event = AuditEvent.objects.get(object_type="outcomes.measureresult", object_id=result.pk)
    assert (event.action, event.summary) == ("create", "outcome measure recorded (odi)")
    assert [link.patient_id for link in event.patient_links.all()] == [personas.patient_a.pk]

    pain = result_record(
        patient=personas.patient_a,
        now=now,
        answers={"1": 7},
        recorded_by=personas.physio.user,
        appointment=appointment,
    )
    assert (pain.score, pain.context, pain.band, pain.recorded_by) == (
        Decimal("7.00"),
        "now",  # the NPRS's first context when none is said
        "",
        personas.physio.user,
    )
    psfs = measure_result_record(
        patient=personas.patient_a,
        instrument="psfs",
        answers={"1": 7, "2": 5, "3": 6},
        activities={"1": "  Climbing   stairs ", "2": "Lifting my son", "3": "Running"},
        source="portal",
        recorded_by=personas.patient_a.user,
        now=now,
    )
    assert psfs.score == Decimal("6.00")
    assert psfs.activities == {"1": "Climbing stairs", "2": "Lifting my son", "3": "Running"}
    assert psfs.responses == {"1": 7, "2": 5, "3": 6, "4": None, "5": None}
    dash = result_record(
        patient=personas.patient_a,
        now=now,
        instrument="quickdash",
        answers=answers_all("quickdash", 3) | {"w1": 1, "w2": 1, "w3": 1, "w4": 1},
    )
    assert dash.score == Decimal("50.00")
    assert dash.responses["w4"] == 1
    assert "s1" not in dash.responses


def test_each_bad_answer_is_refused_naming_its_item_and_nothing_is_kept(personas, visit, now):
    a, b = personas.patient_a, personas.patient_b
    odi = answers_all("odi", 2)
    request_b = request_make(patient=b, now=now, instrument="odi")
    base = {"patient": a, "instrument": "odi", "answers": odi, "source": "portal", "now": now}
    cases = [
        ({"answers": odi | {"1": 6}}, OutcomeErrorCode.OUT_OF_RANGE, "1"),
        ({"answers": odi | {"3": "2"}}, OutcomeErrorCode.OUT_OF_RANGE, "3"),
        ({"answers": odi | {"4": True}}, OutcomeErrorCode.OUT_OF_RANGE, "4"),
        ({"answers": odi | {"2": None, "7": None}}, OutcomeErrorCode.MISSING_ITEM, "2"),
        ({"answers": odi | {"11": 1}}, OutcomeErrorCode.INVALID, "11"),
        (
            {"instrument": "lefs", "answers": answers_all("lefs", 2) | {"20": None}},
            OutcomeErrorCode.MISSING_ITEM,
            "20",
        ),
        (
            {"instrument": "quickdash", "answers": answers_all("quickdash", 2) | {"w2": 9}},
            OutcomeErrorCode.OUT_OF_RANGE,
            "w2",
        ),
        ({"instrument": "psfs", "answers": {}}, OutcomeErrorCode.MISSING_ITEM, "1"),
        (
            {"instrument": "psfs", "answers": {"1": 4, "2": 5}, "activities": {"1": "Golf"}},
            OutcomeErrorCode.INVALID,
            "2",
        ),
        (
            {
                "instrument": "psfs",
                "answers": {"1": 4},
                "activities": {"1": "Golf", "3": "Tennis"},
            },
            OutcomeErrorCode.MISSING_ITEM,
            "3",
        ),
        (
            {"instrument": "psfs", "answers": {"1": 4}, "activities": {"1": "x" * 201}},
            OutcomeErrorCode.INVALID,
            "1",
        ),
        (
            {"instrument": "psfs", "answers": {"1": 4}, "activities": {"6": "Golf"}},
            OutcomeErrorCode.INVALID,
            "activities",
        ),
        ({"activities": {"1": "Golf"}}, OutcomeErrorCode.INVALID, "activities"),
        ({"instrument": "nprs", "answers": {"1": 11}}, OutcomeErrorCode.OUT_OF_RANGE, "1"),
        (
            {"instrument": "nprs", "answers": {"1": 3}, "context": "yesterday"},
            OutcomeErrorCode.INVALID,
            "context",
        ),
        ({"context": "now"}, OutcomeErrorCode.INVALID, "context"),
        ({"instrument": "pgic"}, OutcomeErrorCode.INVALID, "instrument"),
        ({"source": "fax"}, OutcomeErrorCode.INVALID, "source"),
        ({"source": "link"}, OutcomeErrorCode.INVALID, "request"),
        ({"request": request_b}, OutcomeErrorCode.INVALID, "request"),
        ({"appointment": visit(patient=b)}, OutcomeErrorCode.INVALID, "appointment"),
    ]
    for change, code, field in cases:
        error = refusal(**base | change)
        assert (error.code, error.field) == (code, field), change
        assert error.message
    assert not MeasureResult.objects.exists()
    assert not AuditEvent.objects.filter(object_type="outcomes.measureresult").exists()


def test_a_request_is_answered_once_and_never_once_closed(personas, visit, now):
    patient = personas.patient_a
    request = request_make(patient=patient, now=now)
    first = result_record(patient=patient, now=now, request=request, source="link")
    error = refusal(
        patient=patient,
        instrument="nprs",
        answers={"1": 2},
        source="link",
        request=request,
        now=now,
    )
    assert error.code == OutcomeErrorCode.ALREADY_ANSWERED
    appointment = visit()
    cancelled = request_make(patient=patient, now=now, appointment=appointment)
    measure_requests_cancel(appointment=appointment, now=now)
    lapsed = request_make(patient=patient, now=now)
    for closed, when in [(cancelled, now), (lapsed, now + timedelta(days=15))]:
        error = refusal(
            patient=patient,
            instrument="nprs",
            answers={"1": 2},
            source="portal",
            request=closed,
            now=when,
        )
        assert error.code == OutcomeErrorCode.REQUEST_CLOSED
    # The last day still counts.
    on_time = result_record(
        patient=patient, now=now + timedelta(days=14), request=lapsed, source="portal"
    )
    assert list(MeasureResult.objects.order_by("pk").values_list("pk", flat=True)) == [
        first.pk,
        on_time.pk,
    ]


def test_the_last_day_is_the_clinic_s_day_not_utc_s(personas, now):
    """At 21:30 in Toronto on the last day it is already the next day in UTC: the page
    opens the link (it counts in the clinic's zone), so the answer must be taken too."""
    lapsed = request_make(patient=personas.patient_a, now=now)
    # As the pages pass it: timezone.now(), in UTC.
    last_evening = datetime.combine(lapsed.closes_on, time(21, 30), tzinfo=now.tzinfo)
    last_evening = last_evening.astimezone(UTC)
    assert last_evening.date() > lapsed.closes_on

    on_time = result_record(
        patient=personas.patient_a, now=last_evening, request=lapsed, source="link"
    )
    assert on_time.request_id == lapsed.pk
    late = request_make(patient=personas.patient_a, now=now)
    error = refusal(
        patient=personas.patient_a,
        instrument="nprs",
        answers={"1": 2},
        source="link",
        request=late,
        now=last_evening + timedelta(hours=3),  # 00:30 the day after its last
    )
    assert error.code == OutcomeErrorCode.REQUEST_CLOSED
