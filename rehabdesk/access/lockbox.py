"""The lockbox's facts for the access policy: whether a patient's directives withhold
their record, or some visits' notes, from a practitioner, and whether an opening
(the patient's express consent, or an emergency) lifts that for now.

A directive applies to a practitioner when it names them (FROM_NAMED) or does not
(ALL_BUT_NAMED). An opening lets its practitioner in, past every directive of that
patient and outside their care, until it expires. Each fact is ONE query.
access.policy decides with them; nothing else reads these tables for access.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from rehabdesk.consents.choices import DirectiveMode, DirectiveScope
from rehabdesk.consents.models import ConsentDirective, LockboxOverride
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.care import care_links


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
    return Exists(
        LockboxOverride.objects.filter(
            patient_id=OuterRef(patient),
            practitioner_id=practitioner_id,
            starts_at__lte=now,
            expires_at__gt=now,
        )
    )


def care_and_lockbox(
    *, practitioner_id: int, patient_id: int, now: datetime | None = None
) -> tuple[bool, Lockbox]:
    """Everything the policy asks about a practitioner and one patient, in ONE query:
    whether they care for them (scheduling/care.py's rule: a current assignment, or a
    visit past or booked) and where they stand with the patient's lockbox (an opening
    first: it lifts every directive; then a whole-record directive that applies)."""
    now = now or timezone.now()
    withheld = Exists(
        ConsentDirective.objects.filter(
            patient_id=OuterRef("pk"), scope=DirectiveScope.RECORD, withdrawn_at__isnull=True
        ).filter(_applies_to(practitioner_id))
    )
    assigned, seen = care_links(practitioner_id=practitioner_id)
    row = (
        Patient.objects.filter(pk=patient_id)
        .annotate(
            assigned=assigned,
            seen=seen,
            opened=_opening(practitioner_id, "pk", now),
            withheld=withheld,
        )
        .values_list("assigned", "seen", "opened", "withheld")
        .first()
    )
    if row is None:
        return False, Lockbox.OPEN
    is_assigned, has_seen, opened, whole = row
    cares = bool(is_assigned or has_seen)
    if opened:
        return cares, Lockbox.OPENED
    return cares, Lockbox.WITHHELD if whole else Lockbox.OPEN


def withheld_visit_ids(
    *, practitioner_id: int, patient_id: int, now: datetime | None = None
) -> frozenset[int]:
    """The visits whose notes the patient withholds from this practitioner (none while
    an opening lets them in): one query."""
    now = now or timezone.now()
    ids = (
        ConsentDirective.objects.filter(
            patient_id=patient_id, scope=DirectiveScope.VISIT, withdrawn_at__isnull=True
        )
        .filter(_applies_to(practitioner_id))
        .filter(~_opening(practitioner_id, "patient_id", now))
        .values_list("appointment_id", flat=True)
    )
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
