"""Reads of the privacy notice, the treatment consent texts and patients' consents, each
in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.db.models import F, QuerySet

from rehabdesk.clinic.models import Service
from rehabdesk.consents.choices import DirectiveScope, SensitiveArea, TreatmentTopic
from rehabdesk.consents.models import (
    ConsentDirective,
    ConsentRecord,
    LockboxOverride,
    PrivacyNotice,
    TreatmentConsent,
    TreatmentConsentText,
)

# Which consent a service needs follows from the clinic's reference data
# (clinic/migrations/0002_ontario_reference_data.py), never from a list kept per service:
# its discipline, and every roster any of its qualifications requires.
DISCIPLINE_TOPICS = {
    "physiotherapy": TreatmentTopic.PHYSIOTHERAPY,
    "massage-therapy": TreatmentTopic.MASSAGE_THERAPY,
    "acupuncture": TreatmentTopic.ACUPUNCTURE,
}
ROSTER_TOPICS = {
    "acupuncture": TreatmentTopic.ACUPUNCTURE,
    "internal-pelvic": TreatmentTopic.INTERNAL_PELVIC,
}
# Offered, never required: the therapist asks for it on the day, when it is needed.
OFFERED_WITH = {TreatmentTopic.MASSAGE_THERAPY: TreatmentTopic.SENSITIVE_AREAS}
TOPIC_ORDER = list(TreatmentTopic)


def privacy_notice_current() -> PrivacyNotice | None:
    """The latest published version (None before the first is published)."""
    return PrivacyNotice.objects.order_by("-version").first()


def privacy_notice_by_id(*, notice_id: int) -> PrivacyNotice | None:
    return PrivacyNotice.objects.filter(pk=notice_id).first()


def consents_for_patient(*, patient_id: int) -> QuerySet[ConsentRecord]:
    return (
        ConsentRecord.objects.filter(patient_id=patient_id)
        .select_related("notice")
        .order_by("-accepted_at")
    )


def privacy_consent_by_id(*, consent_id: int) -> ConsentRecord | None:
    return ConsentRecord.objects.select_related("notice").filter(pk=consent_id).first()


# --- Treatment consents ----------------------------------------------------------------


def treatment_texts_current() -> dict[TreatmentTopic, TreatmentConsentText]:
    """Each topic's latest published text, in the topics' order (one query)."""
    latest: dict[TreatmentTopic, TreatmentConsentText] = {}
    for text in TreatmentConsentText.objects.order_by("topic", "-version"):
        latest.setdefault(TreatmentTopic(text.topic), text)
    return {topic: latest[topic] for topic in TOPIC_ORDER if topic in latest}


def treatment_text_by_id(*, text_id: int) -> TreatmentConsentText | None:
    return TreatmentConsentText.objects.filter(pk=text_id).first()


def treatment_consents_for_patient(*, patient_id: int) -> list[TreatmentConsent]:
    """Every treatment consent of the patient, newest first, withdrawn ones included,
    with the text and who recorded and withdrew each (one query)."""
    return list(
        TreatmentConsent.objects.filter(patient_id=patient_id)
        .select_related("text", "recorded_by", "withdrawn_by")
        .order_by("-given_at", "-pk")
    )


def treatment_consent_by_id(*, consent_id: int) -> TreatmentConsent | None:
    return TreatmentConsent.objects.select_related("text").filter(pk=consent_id).first()


def topics_for_services(*, service_ids: Iterable[int]) -> dict[int, frozenset[TreatmentTopic]]:
    """The consents each service needs: its discipline's, and one for each roster any
    of its qualifications requires (acupuncture, internal pelvic examination). One query."""
    topics: dict[int, set[TreatmentTopic]] = defaultdict(set)
    rows = Service.objects.filter(pk__in=set(service_ids)).values_list(
        "pk", "discipline__slug", "qualifications__authorizations__code"
    )
    for service_id, discipline, roster in rows:
        found = topics[service_id]  # a service needing nothing is still answered
        if discipline in DISCIPLINE_TOPICS:
            found.add(DISCIPLINE_TOPICS[discipline])
        if roster in ROSTER_TOPICS:
            found.add(ROSTER_TOPICS[roster])
    return {service_id: frozenset(found) for service_id, found in topics.items()}


class ConsentQuestion(NamedTuple):
    """ "Is consent on file for this visit?": the appointment, its patient and service,
    and its day in its location's time zone."""

    appointment_id: int
    patient_id: int
    service_id: int
    day: date


@dataclass(frozen=True)
class ConsentStatus:
    """What a visit needs and what is missing; `sensitive_areas`: the areas the patient
    consented to in writing for that day, when the service may include them."""

    needed: tuple[TreatmentTopic, ...]
    missing: tuple[TreatmentTopic, ...]
    sensitive_areas: tuple[str, ...] = ()
    offers_sensitive_areas: bool = False

    @property
    def on_file(self) -> bool:
        return not self.missing

    @property
    def missing_labels(self) -> list[str]:
        return [topic.label for topic in self.missing]

    @property
    def sensitive_area_labels(self) -> list[str]:
        return [SensitiveArea(area).label for area in self.sensitive_areas]


def consent_status_for_visits(*, visits: Iterable[ConsentQuestion]) -> dict[int, ConsentStatus]:
    """For each visit, by appointment id, whether the consents its service needs are on
    file (given and not withdrawn, any version). Two queries for any number of visits."""
    visits = list(visits)
    if not visits:
        return {}
    needed = topics_for_services(service_ids={v.service_id for v in visits})
    active: dict[int, set[TreatmentTopic]] = defaultdict(set)
    areas: dict[tuple[int, date | None], set[str]] = defaultdict(set)
    consents = TreatmentConsent.objects.filter(
        patient_id__in={v.patient_id for v in visits}, withdrawn_at__isnull=True
    ).values_list("patient_id", "topic", "visit_date", "areas")
    for patient_id, topic, day, chosen in consents:
        if topic == TreatmentTopic.SENSITIVE_AREAS:
            areas[(patient_id, day)].update(chosen)
        else:
            active[patient_id].add(TreatmentTopic(topic))
    return {
        v.appointment_id: _status(
            needed.get(v.service_id, frozenset()),
            active[v.patient_id],
            areas.get((v.patient_id, v.day), set()),
        )
        for v in visits
    }


def _status(
    needed: frozenset[TreatmentTopic], on_file: set[TreatmentTopic], areas: set[str]
) -> ConsentStatus:
    ordered = tuple(topic for topic in TOPIC_ORDER if topic in needed)
    offers = any(OFFERED_WITH.get(topic) for topic in needed)
    return ConsentStatus(
        needed=ordered,
        missing=tuple(topic for topic in ordered if topic not in on_file),
        sensitive_areas=tuple(a for a in SensitiveArea.values if a in areas),
        offers_sensitive_areas=offers,
    )


def directives_of(*, patient_ids: Iterable[int]) -> list[ConsentDirective]:
    """The lockbox directives of these patients, in force first then withdrawn, newest
    first, with their patient, visit and practitioners: two queries."""
    return list(
        ConsentDirective.objects.filter(patient_id__in=list(patient_ids))
        .select_related("patient", "appointment", "recorded_by")
        .prefetch_related("practitioners")
        .order_by(F("withdrawn_at").desc(nulls_first=True), "-recorded_at", "-pk")
    )


def visits_withheld_from_anyone(*, patient_id: int) -> QuerySet[ConsentDirective, int]:
    """The patient's visits a directive in force withholds from some practitioner,
    whoever: what a text every practitioner in care reads later (a plan's discharge
    summary) leaves out. A lazy query of visit ids (a subquery wherever used)."""
    return ConsentDirective.objects.filter(
        patient_id=patient_id,
        scope=DirectiveScope.VISIT,
        withdrawn_at__isnull=True,
        appointment_id__isnull=False,
    ).values_list("appointment_id", flat=True)


def directive_by_id(*, directive_id: int) -> ConsentDirective | None:
    return ConsentDirective.objects.filter(pk=directive_id).first()


def openings_of(*, patient_ids: Iterable[int]) -> list[LockboxOverride]:
    """Who opened these patients' records past their lockbox or in an emergency,
    newest first: one query."""
    return list(
        LockboxOverride.objects.filter(patient_id__in=list(patient_ids))
        .select_related("patient", "practitioner")
        .order_by("-starts_at", "-pk")
    )


def openings_to_review(*, reviewed: bool = False, limit: int = 200) -> list[LockboxOverride]:
    """The privacy officer's list: openings not reviewed yet, oldest first (or the
    reviewed ones, newest first): one query."""
    found = LockboxOverride.objects.filter(reviewed_at__isnull=not reviewed).select_related(
        "patient", "practitioner", "opened_by", "reviewed_by"
    )
    order = ("-reviewed_at", "-pk") if reviewed else ("starts_at", "pk")
    return list(found.order_by(*order)[:limit])


def opening_by_id(*, opening_id: int) -> LockboxOverride | None:
    return (
        LockboxOverride.objects.filter(pk=opening_id)
        .select_related("patient", "practitioner", "opened_by", "reviewed_by")
        .first()
    )
