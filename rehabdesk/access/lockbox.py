"""The lockbox's facts for the access policy: whether a patient's directives withhold
their record, or some visits (their notes and measures), from a practitioner, and whether an opening
(the patient's express consent, or an emergency) lifts that for now.

A directive applies to a practitioner when it names them (FROM_NAMED) or does not
(ALL_BUT_NAMED). An opening lets its practitioner in, past every directive of that
patient and outside their care, until it expires. Each fact is ONE query.
access.policy decides with them; nothing else reads these tables for access.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from rehabdesk.clinic.models import HomeLocation, Location
from rehabdesk.consents.choices import DirectiveMode, DirectiveScope, OverrideKind
from rehabdesk.consents.models import ConsentDirective, LockboxOverride
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.care import care_links

# The zone of last resort, with no location set up yet.
ZONE = settings.TIME_ZONE


class Lockbox(StrEnum):
    """Where a practitioner stands with one patient's lockbox."""

    OPEN = "open"  # nothing withholds the whole record from them
    WITHHELD = "withheld"  # a directive withholds the whole record from them
    OPENED = "opened"  # an opening lets them in for now (consent or emergency)


def _applies_to(practitioner_id: int, directive: str = "pk") -> Q:
    """The directives (rows of a query on ConsentDirective, or `directive` an outer
    reference to one) that withhold from this practitioner."""
    named = Exists(
        ConsentDirective.practitioners.through.objects.filter(
            consentdirective_id=OuterRef(directive), practitioner_id=practitioner_id
        )
    )
    return Q(mode=DirectiveMode.FROM_NAMED) & Q(named) | Q(mode=DirectiveMode.ALL_BUT_NAMED) & ~Q(
        named
    )


def _opening(practitioner_id: int, patient: str, now: datetime) -> Exists:
    return Exists(_openings(practitioner_id, patient, now))


def _openings(practitioner_id: int, patient: str, now: datetime) -> QuerySet[LockboxOverride]:
    return LockboxOverride.objects.filter(
        patient_id=OuterRef(patient),
        practitioner_id=practitioner_id,
        starts_at__lte=now,
        expires_at__gt=now,
    )


@dataclass(frozen=True)
class Opening:
    """The opening that lets a practitioner into a record now (the one lasting longest,
    should there be two), as the chart's banner says it: how, why, until when — in the
    zone of the practitioner's home location (staff without one: the first location by
    name, as their desk opens)."""

    kind: OverrideKind
    reason: str
    expires_at: datetime
    time_zone: str

    @property
    def emergency(self) -> bool:
        return self.kind == OverrideKind.EMERGENCY

    @property
    def ends(self) -> datetime:
        return self.expires_at.astimezone(ZoneInfo(self.time_zone))


@dataclass(frozen=True)
class Standing:
    """A practitioner with one patient: whether they care for them, where they stand
    with the patient's lockbox, and the opening that lets them in (OPENED)."""

    cares: bool
    lockbox: Lockbox
    opening: Opening | None = None


NO_STANDING = Standing(cares=False, lockbox=Lockbox.OPEN)


def care_and_lockbox(
    *, practitioner_id: int, patient_id: int, now: datetime | None = None
) -> Standing:
    """Everything the policy asks about a practitioner and one patient, in ONE query:
    whether they care for them (scheduling/care.py's rule: a current assignment, or a
    visit past or booked) and where they stand with the patient's lockbox (an opening
    first: it lifts every directive; then a whole-record directive that applies) — with
    the opening's kind, reason and end, so that the chart's banner reads nothing more."""
    now = now or timezone.now()
    withheld = Exists(
        ConsentDirective.objects.filter(
            patient_id=OuterRef("pk"), scope=DirectiveScope.RECORD, withdrawn_at__isnull=True
        ).filter(_applies_to(practitioner_id))
    )
    opening = _openings(practitioner_id, "pk", now).order_by("-expires_at", "-pk")
    home = HomeLocation.objects.filter(user__practitioner__pk=practitioner_id).values(
        "location__time_zone"
    )
    first = Location.objects.filter(active=True).order_by("name", "pk").values("time_zone")
    assigned, seen = care_links(practitioner_id=practitioner_id)
    row = (
        Patient.objects.filter(pk=patient_id)
        .annotate(
            assigned=assigned,
            seen=seen,
            withheld=withheld,
            opening_kind=Subquery(opening.values("kind")[:1]),
            opening_reason=Subquery(opening.values("reason")[:1]),
            opening_ends=Subquery(opening.values("expires_at")[:1]),
            opening_zone=Coalesce(Subquery(home[:1]), Subquery(first[:1]), Value(ZONE)),
        )
        .values_list(
            "assigned",
            "seen",
            "withheld",
            "opening_kind",
            "opening_reason",
            "opening_ends",
            "opening_zone",
        )
        .first()
    )
    if row is None:
        return NO_STANDING
    is_assigned, has_seen, whole, kind, reason, ends, zone = row
    cares = bool(is_assigned or has_seen)
    if kind is not None:
        opened = Opening(kind=OverrideKind(kind), reason=reason, expires_at=ends, time_zone=zone)
        return Standing(cares=cares, lockbox=Lockbox.OPENED, opening=opened)
    return Standing(cares=cares, lockbox=Lockbox.WITHHELD if whole else Lockbox.OPEN)


def visits_withheld(
    *, practitioner_id: int | None, now: datetime | None = None
) -> QuerySet[ConsentDirective, int]:
    """The visits whose clinical content — their notes, the measures asked and taken for
    them, the scores computed from those — the patients withhold from this practitioner
    now (none while an opening lets them in; none for someone who is not a practitioner:
    the patient's portal and the privacy officer read as before). A lazy query of visit
    ids: readers exclude it as a subquery (`visit_id__in=`), so it costs no query of its
    own and no query per row. The one rule for every reader of a visit's content."""
    if practitioner_id is None:
        return ConsentDirective.objects.none().values_list("appointment_id", flat=True)
    now = now or timezone.now()
    return (
        ConsentDirective.objects.filter(
            scope=DirectiveScope.VISIT, withdrawn_at__isnull=True, appointment_id__isnull=False
        )
        .filter(_applies_to(practitioner_id))
        .filter(~_opening(practitioner_id, "patient_id", now))
        .values_list("appointment_id", flat=True)
    )


def withheld_visit_ids(
    *, practitioner_id: int, patient_id: int, now: datetime | None = None
) -> frozenset[int]:
    """One patient's visits of `visits_withheld`, read: one query (the chart counts them)."""
    ids = visits_withheld(practitioner_id=practitioner_id, now=now).filter(patient_id=patient_id)
    return frozenset(i for i in ids if i is not None)


def withheld_patients(
    *, practitioner_id: int, field: str = "patient_id", now: datetime | None = None
) -> Q:
    """The patients whose whole record is withheld from this practitioner now, as a
    condition on a query's `field` (a patient id), for lists read in one query (my
    day's safety badges, a calendar feed's nameless visits): exclude it."""
    now = now or timezone.now()
    directives = (
        ConsentDirective.objects.filter(scope=DirectiveScope.RECORD, withdrawn_at__isnull=True)
        .filter(_applies_to(practitioner_id))
        .filter(~_opening(practitioner_id, "patient_id", now))
        .values("patient_id")
    )
    return Q(**{f"{field}__in": directives})
