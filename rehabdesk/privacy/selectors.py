"""Reads of the privacy rights and the breach log, each in a fixed number of queries,
and the year's statistics the IPC asks custodians for (docs/domain/privacy-rights.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from rehabdesk.privacy.choices import REPORT_CATEGORIES, WITHIN_CATEGORY, BreachCause, RequestStatus
from rehabdesk.privacy.models import AccessRequest, Breach, BreachPatient, CorrectionRequest


def access_requests(*, patient_ids: Collection[int] | None = None) -> QuerySet[AccessRequest]:
    """Requests, open ones first by the day they are due, then decided ones newest first;
    one query with the patient."""
    found = AccessRequest.objects.select_related("patient").defer("export_json", "export_pdf")
    if patient_ids is not None:
        found = found.filter(patient_id__in=list(patient_ids))
    return found.order_by("status", "due_on", "-received_at")


def access_request_by_id(*, request_id: int) -> AccessRequest | None:
    return (
        AccessRequest.objects.select_related("patient")
        .defer("export_json", "export_pdf")
        .filter(pk=request_id)
        .first()
    )


def corrections(
    *, patient_ids: Collection[int] | None = None, author_id: int | None = None
) -> QuerySet[CorrectionRequest]:
    """Correction requests (of these patients, or naming this practitioner's notes),
    open ones first; one query with the patient and the note."""
    found = CorrectionRequest.objects.select_related("patient", "note", "note__author")
    if patient_ids is not None:
        found = found.filter(patient_id__in=list(patient_ids))
    if author_id is not None:
        found = found.filter(note__author_id=author_id)
    return found.order_by("status", "due_on", "-received_at")


def correction_by_id(*, correction_id: int) -> CorrectionRequest | None:
    return (
        CorrectionRequest.objects.select_related("patient", "note", "note__author")
        .filter(pk=correction_id)
        .first()
    )


def corrections_on_chart(*, patient_id: int) -> list[CorrectionRequest]:
    """What the chart shows of the patient's corrections: requests still open, and
    refusals with the patient's statement of disagreement. One query."""
    return list(
        corrections(patient_ids=[patient_id]).filter(
            Q(status=RequestStatus.RECEIVED) | Q(disagreement_at__isnull=False)
        )
    )


def breaches() -> QuerySet[Breach]:
    return Breach.objects.annotate(
        affected_count=Count("affected"),
        told_count=Count("affected", filter=Q(affected__notified_at__isnull=False)),
    ).order_by("-found_on", "-pk")


def breach_by_id(*, breach_id: int) -> Breach | None:
    return Breach.objects.filter(pk=breach_id).first()


def breach_affected(*, breach_id: int) -> list[BreachPatient]:
    return list(
        BreachPatient.objects.filter(breach_id=breach_id)
        .select_related("patient")
        .order_by("patient__last_name", "patient__first_name", "pk")
    )


@dataclass(frozen=True)
class RequestCounts:
    """A year's requests by outcome and by the time the answer took."""

    received: int = 0
    granted: int = 0
    refused: int = 0
    open: int = 0
    within_30: int = 0
    within_60: int = 0  # after an extension
    late: int = 0  # answered past the day due, or still open past it


@dataclass(frozen=True)
class YearStatistics:
    year: int
    breaches_by_cause: list[tuple[str, int]]
    # (the statutory category, its count, each cause in it with its count)
    categories: list[tuple[str, int, list[tuple[str, int]]]]
    breaches: int
    patients_affected: int
    access: RequestCounts
    correction: RequestCounts


def _counts(
    rows: list[tuple[str, date, date, date | None, date | None]], today: date
) -> RequestCounts:
    """Rows: (status, received day, due, extended to, decided day)."""
    tally: Counter[str] = Counter()
    for status, received, due, extended, decided in rows:
        tally["received"] += 1
        tally[status] += 1
        owed = extended or due
        if decided is None:
            if today > owed:
                tally["late"] += 1
            continue
        if decided > owed:
            tally["late"] += 1
        elif (decided - received).days <= 30:  # noqa: PLR2004 - PHIPA's 30 days
            tally["within_30"] += 1
        else:
            tally["within_60"] += 1
    return RequestCounts(
        received=tally["received"],
        granted=tally[RequestStatus.GRANTED],
        refused=tally[RequestStatus.REFUSED],
        open=tally[RequestStatus.RECEIVED],
        within_30=tally["within_30"],
        within_60=tally["within_60"],
        late=tally["late"],
    )


def year_statistics(*, year: int, today: date) -> YearStatistics:
    """The year's figures for the IPC's annual report: breaches found in the year by
    cause, the patients they concerned, and access and correction requests received in
    the year by outcome and time taken. Four queries."""
    causes = dict(
        Breach.objects.filter(found_on__year=year)
        .values_list("cause")
        .annotate(n=Count("pk"))
        .values_list("cause", "n")
    )
    affected = BreachPatient.objects.filter(breach__found_on__year=year).count()

    def rows(model: type[AccessRequest] | type[CorrectionRequest]) -> RequestCounts:
        found = []
        for request in model.objects.filter(received_at__year=year).only(
            "status",
            "received_at",
            "due_on",
            "decided_at",
            *(["extended_to"] if model is AccessRequest else []),
        ):
            found.append(
                (
                    request.status,
                    request.received_at.date(),
                    request.due_on,
                    getattr(request, "extended_to", None),
                    request.decided_at.date() if request.decided_at else None,
                )
            )
        return _counts(found, today)

    return YearStatistics(
        year=year,
        breaches_by_cause=[(label, causes.get(value, 0)) for value, label in BreachCause.choices],
        categories=[
            (
                name,
                sum(causes.get(c.value, 0) for c in members),
                [(WITHIN_CATEGORY.get(c, c.label), causes.get(c.value, 0)) for c in members],
            )
            for name, members in REPORT_CATEGORIES
        ],
        breaches=sum(causes.values()),
        patients_affected=affected,
        access=rows(AccessRequest),
        correction=rows(CorrectionRequest),
    )
