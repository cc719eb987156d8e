"""Reads of the note editor's pages: a visit's note (to open it rather than start a
second), one entry with its corrections, and the signature a draft will carry, shown
before the practitioner signs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils import timezone

from rehabdesk.care.choices import NoteRelation, NoteStatus
from rehabdesk.care.models import VisitNote
from rehabdesk.care.selectors.notes import ChartEntry
from rehabdesk.clinic.models import Qualification, Registration


@dataclass(frozen=True)
class Signer:
    """The name, designation and registration number a signature records."""

    name: str
    designation: str
    registration: str


def note_of_visit(*, appointment_id: int) -> VisitNote | None:
    """The visit's own note (not a correction of it), if started: one query."""
    return (
        VisitNote.objects.filter(appointment_id=appointment_id, corrects__isnull=True)
        .only("pk")
        .first()
    )


def note_entry(*, note: VisitNote, drafts_of: int | None = None) -> ChartEntry:
    """The entry `note` belongs to — its original (`note` itself unless it is a
    correction) with the original's signed corrections, oldest first, and `drafts_of`'s
    drafts among them (a practitioner id), as the chart shows it. Two queries."""
    visible = Q(status=NoteStatus.SIGNED)
    if drafts_of is not None:
        visible |= Q(author_id=drafts_of)
    corrections = (
        VisitNote.objects.filter(visible)
        .select_related("author", "template")
        .order_by("created_at", "pk")
    )
    original = (
        VisitNote.objects.select_related("author", "template")
        .prefetch_related(Prefetch("corrections", queryset=corrections))
        .get(pk=note.corrects_id or note.pk)
    )
    found = tuple(original.corrections.all())
    signed = [c for c in found if c.signed]
    return ChartEntry(
        note=original,
        corrections=found,
        superseded=any(c.relation == NoteRelation.AMENDS for c in signed),
        in_error=any(c.relation == NoteRelation.ENTERED_IN_ERROR for c in signed),
    )


def care_day(note: VisitNote) -> date:
    """The day the care happened, in the visit's location's time zone (the clinic's for
    an entry without a visit): the day a signature's registration must be in force."""
    visit = note.appointment
    zone = (
        visit.location.zone if visit is not None else ZoneInfo(str(timezone.get_default_timezone()))
    )
    return note.encounter_at.astimezone(zone).date()


def registration_for_signing(
    *, author_id: int, discipline_id: int, day: date
) -> Registration | None:
    """The author's registration in force on `day`, of a class that permits practice,
    with a college that registers the discipline's practitioners (one named in a
    qualification of the discipline's services; any, for a discipline without one).
    Two queries."""
    colleges = set(
        Qualification.objects.filter(service__discipline_id=discipline_id).values_list(
            "regulator_id", flat=True
        )
    )
    registrations = (
        Registration.objects.select_related("regulator")
        .filter(practitioner_id=author_id, registration_class__permits_practice=True)
        .filter(valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("-valid_from", "-pk")
    )
    return next((r for r in registrations if not colleges or r.regulator_id in colleges), None)


def signer_of(*, note: VisitNote) -> Signer | None:
    """Who the draft's signature will name (note_by_id's row: author and visit joined),
    or None when no registration is in force for the day of the care."""
    registration = registration_for_signing(
        author_id=note.author_id, discipline_id=note.discipline_id, day=care_day(note)
    )
    if registration is None:
        return None
    return Signer(
        name=note.author.display_name,
        designation=registration.regulator.designation,
        registration=registration.registration_number,
    )
