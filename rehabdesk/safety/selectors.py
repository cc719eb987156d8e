"""Reads of the safety record, each in a fixed number of queries.

Clinical detail (the alerts' reasons, the red flags) is health information: pages
reach it only through the accessors of rehabdesk.access.safety, which authorize and
audit. `booking_concerns` and `safety_holds` say only whether a practitioner must
decide first, in codes, which is all the front desk may learn.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, Exists, OuterRef, Q

from rehabdesk.clinic.models import Service
from rehabdesk.guidance.rules import load_ruleset
from rehabdesk.patients.models import Patient
from rehabdesk.safety.choices import OPEN_STATES, AlertLevel
from rehabdesk.safety.modalities import HANDS_ON
from rehabdesk.safety.models import Alert, RedFlagReview


class Concern(StrEnum):
    """Why a booking waits for a practitioner, in codes without clinical detail."""

    DO_NOT_TREAT = "do_not_treat_alert"  # an alert in force forbids the service's modalities
    RED_FLAG = "red_flag_review"  # a red flag no practitioner has decided yet


@dataclass(frozen=True)
class BookingConcerns:
    """What the booking of a service for a patient must wait for. `blocking`: a
    practitioner must decide before the desk (or the patient online) books it."""

    codes: tuple[Concern, ...] = ()

    @property
    def blocking(self) -> bool:
        return bool(self.codes)


@dataclass(frozen=True)
class PatientSafety:
    """A patient's safety record as the practitioner's pages show it."""

    alerts: tuple[Alert, ...]  # in force, strongest level first
    open_reviews: tuple[RedFlagReview, ...]
    decided_reviews: tuple[RedFlagReview, ...]
    cleared_alerts: tuple[Alert, ...]


@dataclass(frozen=True)
class SafetyBadge:
    """One line of a day's list: how many alerts in force, whether one forbids
    treatment, how many red flags wait."""

    alerts: int = 0
    do_not_treat: int = 0
    open_reviews: int = 0

    @property
    def any(self) -> bool:
        return bool(self.alerts or self.open_reviews)


LEVEL_ORDER = {level: rank for rank, level in enumerate(AlertLevel.values)}


def service_modalities(service: Service) -> frozenset[str]:
    """The modalities a service uses, from the latest rule set, by the service's group
    (an ungrouped service is judged by its own slug alone)."""
    group = service.group.slug if service.group_id and service.group else ""
    return frozenset(load_ruleset().service_modalities(group, service.slug))


def booking_concerns(*, patient_id: int, service: Service) -> BookingConcerns:
    """Whether booking `service` for the patient waits for a practitioner: a
    do-not-treat alert in force covering one of the service's modalities, or an
    undecided red flag while the service is hands-on. Two queries at most."""
    modalities = service_modalities(service)
    if not modalities:
        return BookingConcerns()
    forbidding = Alert.objects.filter(
        patient_id=patient_id, state__in=OPEN_STATES, level=AlertLevel.DO_NOT_TREAT
    ).values_list("modalities", flat=True)
    # The alerts' modalities are JSON lists, compared here rather than in SQL so that
    # both databases read them alike; a patient has a handful of alerts at most.
    codes: list[Concern] = []
    if any(set(covered) & modalities for covered in forbidding):
        codes.append(Concern.DO_NOT_TREAT)
    if modalities & HANDS_ON and (
        RedFlagReview.objects.filter(patient_id=patient_id, decision="").exists()
    ):
        codes.append(Concern.RED_FLAG)
    return BookingConcerns(codes=tuple(codes))


def patient_safety(*, patient_id: int) -> PatientSafety:
    """A patient's alerts and red-flag reviews, with who acted on them: two queries."""
    alerts = list(
        Alert.objects.filter(patient_id=patient_id).select_related(
            "created_by", "acknowledged_by", "cleared_by"
        )
    )
    reviews = list(
        RedFlagReview.objects.filter(patient_id=patient_id).select_related(
            "decided_by_practitioner"
        )
    )
    in_force = sorted(
        (a for a in alerts if a.in_force), key=lambda a: (LEVEL_ORDER[a.level], a.created_at)
    )
    return PatientSafety(
        alerts=tuple(in_force),
        open_reviews=tuple(r for r in reviews if not r.decided),
        decided_reviews=tuple(r for r in reviews if r.decided),
        cleared_alerts=tuple(a for a in alerts if not a.in_force),
    )


def safety_badges(
    *, patient_ids: Collection[int], within: Q | None = None
) -> dict[int, SafetyBadge]:
    """For a day's patients, in one query: each one's alerts in force, do-not-treat
    alerts among them, and undecided red flags. Patients with none are left out;
    `within`: a condition on the patient's id (`pk`) limiting whom to count."""
    if not patient_ids:
        return {}
    open_alerts = Q(safety_alerts__state__in=OPEN_STATES)
    rows = (
        Patient.objects.filter(Q(pk__in=list(patient_ids)) & (within or Q()))
        .annotate(
            alerts=Count("safety_alerts", filter=open_alerts, distinct=True),
            do_not_treat=Count(
                "safety_alerts",
                filter=open_alerts & Q(safety_alerts__level=AlertLevel.DO_NOT_TREAT),
                distinct=True,
            ),
            open_reviews=Count(
                "red_flag_reviews", filter=Q(red_flag_reviews__decision=""), distinct=True
            ),
        )
        .values_list("pk", "alerts", "do_not_treat", "open_reviews")
    )
    return {
        pk: SafetyBadge(alerts=alerts, do_not_treat=dnt, open_reviews=reviews)
        for pk, alerts, dnt, reviews in rows
        if alerts or reviews
    }


def safety_holds(*, patient_ids: Iterable[int]) -> set[int]:
    """Which of these patients have something a practitioner must decide before a
    hands-on booking (a do-not-treat alert in force, an undecided red flag): one
    query, no detail — what the front desk may know."""
    ids = list(patient_ids)
    if not ids:
        return set()
    return set(
        Patient.objects.filter(pk__in=ids)
        .filter(
            Exists(
                Alert.objects.filter(
                    patient_id=OuterRef("pk"),
                    state__in=OPEN_STATES,
                    level=AlertLevel.DO_NOT_TREAT,
                )
            )
            | Exists(RedFlagReview.objects.filter(patient_id=OuterRef("pk"), decision=""))
        )
        .values_list("pk", flat=True)
    )


def open_reviews_among(*, patients: Q) -> list[RedFlagReview]:
    """Undecided red flags of the patients `patients` names (a condition on the
    review's `patient_id`), oldest first, with the patient: one query."""
    return list(
        RedFlagReview.objects.filter(patients, decision="")
        .select_related("patient")
        .order_by("created_at", "pk")
    )


def alert_by_id(*, alert_id: int) -> Alert | None:
    return Alert.objects.select_related("patient").filter(pk=alert_id).first()


def red_flag_review_by_id(*, review_id: int) -> RedFlagReview | None:
    return (
        RedFlagReview.objects.select_related("patient", "decided_by_practitioner")
        .filter(pk=review_id)
        .first()
    )
