"""Reads of outcome measures, each in a fixed number of queries (one, unless told).

Answers and scores are health information: these return them to the accessors
(access/, which decide who may see them and put the reading on the audit trail), never
to a page directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery

from rehabdesk.clinic.models import Clinic
from rehabdesk.outcomes.models import (
    ANSWER_DAYS_AFTER_DUE,
    InstrumentWording,
    MeasureRequest,
    MeasureResult,
)
from rehabdesk.outcomes.scoring import Instrument
from rehabdesk.outcomes.services.requests import token_digest

TOKEN_MAX = 100
# Visits whose measures a reader leaves out (the lockbox's, access/lockbox.py): ids, or
# a query of ids (then a subquery, no query of its own). None: leave nothing out.
Visits = Iterable[int] | None


@dataclass(frozen=True)
class Point:
    """One score in a patient's series of an instrument, for the charts."""

    taken_at: datetime
    score: Decimal
    band: str  # the band's code; "" for an instrument without bands
    result_id: int


def request_by_token(token: str) -> MeasureRequest | None:
    """The request an e-mailed link answers, with its patient, while it waits for an
    answer: not cancelled, not answered (by the token's SHA-256). Whether it is past its
    last day is `request.is_open_on(today)`. None for any other token."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return (
        MeasureRequest.objects.filter(
            token_digest=token_digest(token), cancelled_at__isnull=True, result__isnull=True
        )
        .select_related("patient")
        .first()
    )


def request_answered_by_token(token: str) -> MeasureRequest | None:
    """The request of a link used already, with its patient and result: a second use
    is told "already answered", not "no such link". None for any other token."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return (
        MeasureRequest.objects.filter(token_digest=token_digest(token), result__isnull=False)
        .select_related("patient", "result")
        .first()
    )


def request_by_id(*, request_id: int) -> MeasureRequest | None:
    """One request with its patient and visit, answered or not."""
    return (
        MeasureRequest.objects.filter(pk=request_id)
        .select_related("patient", "appointment")
        .first()
    )


def requests_open(*, patient_ids: Collection[int], today: date) -> list[MeasureRequest]:
    """The requests these patients may answer today (not cancelled, not answered, not
    past their last day), soonest due first, with their visit."""
    return list(
        MeasureRequest.objects.filter(
            patient_id__in=list(patient_ids),
            cancelled_at__isnull=True,
            result__isnull=True,
            due_on__gte=today - timedelta(days=ANSWER_DAYS_AFTER_DUE),
        )
        .select_related("appointment")
        .order_by("due_on", "pk")
    )


def measure_series(*, patient_id: int, leaving_out: Visits = None) -> dict[Instrument, list[Point]]:
    """Each instrument's scores of the patient, oldest first (instruments without any
    are absent), less those taken for the visits `leaving_out`."""
    series: dict[Instrument, list[Point]] = defaultdict(list)
    rows = (
        _results_less(
            MeasureResult.objects.filter(patient_id=patient_id, score__isnull=False), leaving_out
        )
        .order_by("taken_at", "pk")
        .values_list("instrument", "taken_at", "score", "band", "pk")
    )
    for instrument, taken_at, score, band, pk in rows:
        assert score is not None  # filtered on it
        series[Instrument(instrument)].append(Point(taken_at, score, band, pk))
    return dict(series)


def results_for_appointments(
    *, appointment_ids: Collection[int], leaving_out: Visits = None
) -> dict[int, list[MeasureResult]]:
    """The results recorded for each of these visits (in the order taken), by visit id;
    visits without any, or among `leaving_out`, are absent."""
    found: dict[int, list[MeasureResult]] = defaultdict(list)
    results = _results_less(
        MeasureResult.objects.filter(appointment_id__in=list(appointment_ids)), leaving_out
    ).order_by("taken_at", "pk")
    for result in results:
        assert result.appointment_id is not None  # filtered on it
        found[result.appointment_id].append(result)
    return dict(found)


def latest_scores(
    *, patient_id: int, leaving_out: Visits = None
) -> dict[Instrument, MeasureResult]:
    """The patient's latest result of each instrument they answered (one query: the
    database picks each instrument's latest, so only those rows and their answers are
    read, however many the patient has), among those not taken for the visits
    `leaving_out` (then the latest the reader may see, not a withheld one)."""
    newest = (
        _results_less(
            MeasureResult.objects.filter(patient_id=patient_id, instrument=OuterRef("instrument")),
            leaving_out,
        )
        .order_by("-taken_at", "-pk")
        .values("pk")[:1]
    )
    results = MeasureResult.objects.filter(patient_id=patient_id, pk=Subquery(newest))
    return {Instrument(result.instrument): result for result in results}


def _results_less(results: QuerySet[MeasureResult], visits: Visits) -> QuerySet[MeasureResult]:
    """`results` less those taken for `visits` (a result keeps its request's visit:
    outcomes.services.results)."""
    return results if visits is None else results.exclude(appointment_id__in=visits)


def requests_less(requests: QuerySet[MeasureRequest], visits: Visits) -> QuerySet[MeasureRequest]:
    """`requests` less those asked for `visits`."""
    return requests if visits is None else requests.exclude(appointment_id__in=visits)


def result_by_id(*, result_id: int) -> MeasureResult | None:
    return MeasureResult.objects.filter(pk=result_id).select_related("request").first()


def wording_current(*, instrument: str, clinic: Clinic | None = None) -> InstrumentWording | None:
    """The clinic's current wording of a licensed instrument (the installation's clinic
    unless told), or None when none was entered."""
    wordings = InstrumentWording.objects.filter(instrument=instrument, current=True)
    if clinic is not None:
        return wordings.filter(clinic=clinic).first()
    return wordings.order_by("clinic_id").first()
