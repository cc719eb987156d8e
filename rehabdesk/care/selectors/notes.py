"""Reads of visit notes: one note with what its pages show, the state of a day's visits'
notes, a practitioner's drafts to sign, the overdue counts a manager sees (counts only,
never content), and a patient's entries for the chart, each original with its
corrections. Each in a fixed number of queries, whatever the count."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from rehabdesk.care.choices import NoteRelation, NoteState, NoteStatus
from rehabdesk.care.models import NoteTemplate, VisitNote
from rehabdesk.clinic.models import Clinic, Location
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

DUE_HOURS_DEFAULT = 24
# Visits that took place, or were missed: each is owed a signed note.
OWED_A_NOTE = (AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW)


@dataclass(frozen=True)
class ChartEntry:
    """An original entry of the record with its corrections (oldest first): `superseded`
    when a signed amendment replaces it (shown struck through, the amendment below),
    `in_error` when it was withdrawn as entered in error (hidden from the normal view)."""

    note: VisitNote
    corrections: tuple[VisitNote, ...]
    superseded: bool
    in_error: bool

    @property
    def in_force(self) -> VisitNote:
        """What the record says now: the latest signed amendment, else the original."""
        amendments = [c for c in self.corrections if c.relation == NoteRelation.AMENDS and c.signed]
        return amendments[-1] if amendments else self.note


@dataclass(frozen=True)
class OverdueNotes:
    """A practitioner's visits whose note is past due and unsigned: how many, and the
    oldest visit's start."""

    practitioner_id: int
    practitioner_name: str
    count: int
    oldest: datetime


def note_by_id(*, note_id: int) -> VisitNote | None:
    """One note with its patient, author (and their account), template, visit and its
    location and service, and the entry it corrects: one query."""
    return (
        VisitNote.objects.select_related(
            "patient",
            "author__user",
            "template",
            "discipline",
            "appointment__location",
            "appointment__service",
            "corrects",
        )
        .filter(pk=note_id)
        .first()
    )


def note_states(*, appointment_ids: Iterable[int]) -> dict[int, NoteState]:
    """Each visit's note state (not started, draft, signed), by appointment id, every id
    asked answered: one query."""
    ids = set(appointment_ids)
    states = dict.fromkeys(ids, NoteState.NOT_STARTED)
    if not ids:
        return states
    rows = VisitNote.objects.filter(appointment_id__in=ids, corrects__isnull=True).values_list(
        "appointment_id", "status"
    )
    for appointment_id, status in rows:
        states[appointment_id] = (
            NoteState.SIGNED if status == NoteStatus.SIGNED else NoteState.DRAFT
        )
    return states


def notes_to_sign(*, practitioner_id: int) -> list[VisitNote]:
    """The practitioner's drafts (notes and corrections), oldest care first, with their
    patient, template and visit: one query."""
    return list(
        VisitNote.objects.select_related("patient", "template", "appointment")
        .filter(author_id=practitioner_id, status=NoteStatus.DRAFT)
        .order_by("encounter_at", "pk")
    )


def overdue_note_counts(*, now: datetime) -> list[OverdueNotes]:
    """Per practitioner, the visits held or missed whose note was due (the clinic's
    `note_due_hours` after the visit's start) and is not signed — no note, or a draft —
    from the day the clinic began charting here (`notes_due_from`, at midnight in each
    location's zone; visits before it were charted elsewhere). Counts and dates only.
    Two queries, three when the clinic has that day."""
    policy = Clinic.objects.order_by("pk").values("note_due_hours", "notes_due_from").first()
    hours = policy["note_due_hours"] if policy else DUE_HOURS_DEFAULT
    due_before = now - timedelta(hours=hours)
    signed = VisitNote.objects.filter(
        appointment_id=OuterRef("pk"), corrects__isnull=True, status=NoteStatus.SIGNED
    )
    charted = Q()
    if policy and policy["notes_due_from"]:
        charted = _charted_since(policy["notes_due_from"])
    rows = (
        Appointment.objects.filter(status__in=OWED_A_NOTE, start__lt=due_before)
        .filter(charted)
        .filter(~Exists(signed))
        .order_by()
        .values("practitioner_id", "practitioner__display_name")
        .annotate(count=Count("pk"), oldest=Min("start"))
        .order_by("-count", "practitioner__display_name")
    )
    return [
        OverdueNotes(
            practitioner_id=row["practitioner_id"],
            practitioner_name=row["practitioner__display_name"],
            count=row["count"],
            oldest=row["oldest"],
        )
        for row in rows
    ]


def _charted_since(day: date) -> Q:
    """Visits from midnight of `day` in their location's own zone."""
    since = Q(pk__in=[])
    for location_id, zone in Location.objects.values_list("pk", "time_zone"):
        midnight = datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))
        since |= Q(location_id=location_id, start__gte=midnight)
    return since


def patient_notes(
    *,
    patient_id: int,
    since: date | None = None,
    until: date | None = None,
    drafts_of: int | None = None,
) -> list[ChartEntry]:
    """The patient's record: signed original entries, newest care first, each with its
    signed corrections (oldest first); days of care from `since` to `until` inclusive,
    in the clinic's time zone. A draft is not part of the record: only `drafts_of`'s
    own (a practitioner id) are included, so their chart shows what they are writing.
    Three queries, however many entries: the notes, their corrections, and the
    templates they were written on, each read once and shared by its notes (a
    definition is read and checked once per page, not once per note)."""
    visible = Q(status=NoteStatus.SIGNED)
    if drafts_of is not None:
        visible |= Q(author_id=drafts_of)
    originals = VisitNote.objects.filter(visible, patient_id=patient_id, corrects__isnull=True)
    if since is not None:
        originals = originals.filter(encounter_at__date__gte=since)
    if until is not None:
        originals = originals.filter(encounter_at__date__lte=until)
    notes = list(
        originals.select_related("author", "appointment__service").order_by("-encounter_at", "-pk")
    )
    # Grouped here rather than by prefetch_related, which builds a queryset per note.
    corrections: dict[int, list[VisitNote]] = {note.pk: [] for note in notes}
    if notes:
        for correction in (
            VisitNote.objects.filter(visible, corrects_id__in=list(corrections))
            .select_related("author")
            .order_by("created_at", "pk")
        ):
            corrections[correction.corrects_id or 0].append(correction)  # never 0: filtered
    written = [*notes, *(c for found in corrections.values() for c in found)]
    templates = NoteTemplate.objects.in_bulk({n.template_id for n in written})
    for n in written:
        n.template = templates[n.template_id]
    return [_entry(note, tuple(corrections[note.pk])) for note in notes]


def last_signed_note(*, patient_id: int, discipline_id: int, before: datetime) -> VisitNote | None:
    """The patient's latest signed entry of the discipline for care before `before`, as
    it stands (its latest signed amendment when amended); entries withdrawn as entered
    in error are passed over. Two queries at most."""
    original = (
        VisitNote.objects.select_related("template")
        .filter(
            patient_id=patient_id,
            discipline_id=discipline_id,
            corrects__isnull=True,
            status=NoteStatus.SIGNED,
            encounter_at__lt=before,
        )
        .filter(~Exists(_withdrawn()))
        .order_by("-encounter_at", "-pk")
        .first()
    )
    if original is None:
        return None
    amendment = (
        VisitNote.objects.select_related("template")
        .filter(corrects=original, relation=NoteRelation.AMENDS, status=NoteStatus.SIGNED)
        .order_by("-signed_at", "-pk")
        .first()
    )
    return amendment or original


def _withdrawn() -> QuerySet[VisitNote]:
    """A signed "entered in error" of the outer note."""
    return VisitNote.objects.filter(
        corrects_id=OuterRef("pk"),
        relation=NoteRelation.ENTERED_IN_ERROR,
        status=NoteStatus.SIGNED,
    )


def _entry(note: VisitNote, corrections: tuple[VisitNote, ...]) -> ChartEntry:
    signed = [c for c in corrections if c.signed]
    return ChartEntry(
        note=note,
        corrections=corrections,
        superseded=any(c.relation == NoteRelation.AMENDS for c in signed),
        in_error=any(c.relation == NoteRelation.ENTERED_IN_ERROR for c in signed),
    )
