"""Writes of the clinical record: a note started for a visit (or standing alone: a phone
consult, a letter, a missed appointment), its draft saved as the practitioner types,
signed, and from then on corrected only by a new entry that points at it — an
amendment, an addendum, or "entered in error". Each function owns its transaction and
puts what it did on the audit trail (the kind of entry, never its content).
docs/algorithms/clinical-notes.md
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.care import disciplines
from rehabdesk.care.choices import NoteKind, NoteRelation, NoteStatus
from rehabdesk.care.content import clean_content
from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import NoteTemplate, VisitNote
from rehabdesk.care.selectors.editor import registration_for_signing
from rehabdesk.clinic.models import Clinic, Practitioner, Registration
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

Actor = AbstractBaseUser | AnonymousUser | None
NOTE = "care.visitnote"
REASON_MAX = 500
ADDENDUM_TEMPLATE = "general-entry"
DUE_HOURS_DEFAULT = 24
# A visit that took place (or is taking place) gets a visit note; a no-show gets the
# record of a missed appointment; a cancelled visit or a hold gets nothing.
HELD = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED})


def note_start(
    *,
    actor: Actor,
    template: NoteTemplate,
    now: datetime,
    appointment: Appointment | None = None,
    patient: Patient | None = None,
    kind: NoteKind = NoteKind.VISIT,
    encounter_at: datetime | None = None,
) -> VisitNote:
    """Start a draft: a visit's note by the visit's own practitioner (one per visit), or
    a standalone entry for `patient` at `encounter_at` (a phone consult, a letter, a
    missed appointment), on the current version of `template`."""
    author = _practitioner(actor)
    if not template.current:
        raise CareError(
            CareErrorCode.TEMPLATE_RETIRED,
            "This template has a newer version: write on the current one.",
            field="template",
        )
    with transaction.atomic():
        if appointment is not None:
            values = _visit(author, template, appointment, kind)
        else:
            values = _standalone(author, template, patient, kind, encounter_at, now)
        try:
            with transaction.atomic():
                note = VisitNote.objects.create(
                    author=author,
                    template=template,
                    content={},
                    created_at=now,
                    updated_at=now,
                    **values,
                )
        except IntegrityError:
            # The visit's note was started meanwhile (another tab): the constraint held.
            raise _exists() from None
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=NOTE,
            object_id=note.pk,
            patient_ids=[note.patient_id],
            summary=f"clinical note started ({note.get_kind_display().lower()})",
            now=now,
        )
    return note


def note_draft_save(
    *, actor: Actor, note: VisitNote, content: Mapping[str, Any], revision: int, now: datetime
) -> VisitNote:
    """Save the draft as its author typed it, if nobody saved meanwhile: `revision` is
    the draft's revision the page was showing. One UPDATE that checks status and
    revision as it writes (no read, no lock held while checking), and the audit's
    insert; reads the row only to explain a refusal."""
    _author_only(actor, note)
    if note.signed:
        raise _signed()
    cleaned = clean_content(note.template.parsed, content)
    with transaction.atomic():
        saved = VisitNote.objects.filter(
            pk=note.pk, status=NoteStatus.DRAFT, revision=revision
        ).update(content=cleaned, revision=F("revision") + 1, updated_at=now)
        if not saved:
            raise _why_not_saved(note.pk)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=NOTE,
            object_id=note.pk,
            patient_ids=[note.patient_id],
            summary="clinical note draft saved",
            now=now,
        )
    note.content, note.revision, note.updated_at = cleaned, revision + 1, now
    return note


def note_sign(*, actor: Actor, note: VisitNote, now: datetime) -> VisitNote:
    """Sign the draft as saved: its content complete for its template, the discipline's
    rules met (care/disciplines.py), the author's registration in force on the day of
    the care. Records who signed (name, designation, registration number as they are
    today), when, whether it is a late entry, and the SHA-256 of what was signed; the
    database refuses any change to the row from then on."""
    _author_only(actor, note)
    with transaction.atomic():
        locked = _locked(note)
        if locked.signed:
            raise _signed()
        content = clean_content(note.template.parsed, locked.content, for_signing=True)
        zone = _zone(note)
        disciplines.check_at_signing(
            definition=note.template.parsed,
            content=content,
            patient_id=note.patient_id,
            encounter_at=locked.encounter_at,
            zone=zone,
        )
        locked.content = content
        late = _late(locked)
        _seal(locked, note.author, _signing_day(locked, zone, now), now, late=late)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=NOTE,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary="clinical note signed" + (" (late entry)" if late else ""),
            now=now,
        )
    _copy_signature(locked, note)
    return note


def note_correct(
    *, actor: Actor, note: VisitNote, relation: NoteRelation, reason: str, now: datetime
) -> VisitNote:
    """Correct a signed entry with a new one by `actor`, pointing at the original (even
    when `note` is itself an amendment): an amendment starts as a draft holding the
    content in force (the latest signed amendment's, else the original's); an addendum
    starts empty on the general entry template; "entered in error" is written and
    signed at once, empty, its reason saying why. The original never changes."""
    relation = _relation(relation)
    reason = _reason(reason)
    author = _practitioner(actor)
    if not note.signed:
        raise CareError(
            CareErrorCode.NOT_SIGNED,
            "Only a signed note is corrected; a draft is simply edited.",
        )
    with transaction.atomic():
        original = _original(note)
        if _withdrawn(original):
            raise CareError(
                CareErrorCode.INVALID,
                "This entry was withdrawn as entered in error: write a new entry instead.",
                field="relation",
            )
        template, content = original.template, {}
        if relation == NoteRelation.AMENDS:
            content = dict(_in_force(original).content)
        elif relation == NoteRelation.APPENDS:
            template = _addendum_template()
        correction = VisitNote.objects.create(
            patient_id=original.patient_id,
            kind=original.kind,
            appointment_id=original.appointment_id,
            author=author,
            discipline_id=original.discipline_id,
            template=template,
            encounter_at=original.encounter_at,
            content=content,
            created_at=now,
            updated_at=now,
            corrects=original,
            relation=relation,
            reason=reason,
        )
        summary = f"clinical note correction started ({relation.label.lower()})"
        if relation == NoteRelation.ENTERED_IN_ERROR:
            day = _signing_day(correction, _zone(original), now)
            _seal(correction, author, day, now, late=False)
            summary = "clinical note marked entered in error"
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=NOTE,
            object_id=correction.pk,
            patient_ids=[correction.patient_id],
            summary=summary,
            now=now,
        )
    return correction


def note_copy_forward(*, actor: Actor, note: VisitNote, now: datetime) -> VisitNote:
    """Fill the draft's copy-forward fields that are still empty (objective findings:
    range of motion, strength, outcome scores) from the patient's latest signed note
    of the same discipline — its amendment in force when amended — written on a
    template that has those fields. A value the draft's template no longer takes is
    left out. The revision moves on, so a tab still showing the old draft reloads."""
    _author_only(actor, note)
    definition = note.template.parsed
    with transaction.atomic():
        locked = _locked(note)
        if locked.signed:
            raise _signed()
        content = dict(locked.content)
        wanted = [f.code for f in definition.copied_forward if f.code not in content]
        source = _copy_source(note, wanted)
        copied = []
        for code in wanted:
            value = source.get(code)
            if value is None:
                continue
            try:
                cleaned = clean_content(definition, {code: value})
            except CareError:
                continue
            if code in cleaned:
                content[code] = cleaned[code]
                copied.append(code)
        locked.content = clean_content(definition, content)
        locked.revision += 1
        locked.updated_at = now
        locked.save(update_fields=["content", "revision", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            object_type=NOTE,
            object_id=locked.pk,
            patient_ids=[locked.patient_id],
            summary=f"clinical note draft: {len(copied)} findings copied forward",
            now=now,
        )
    note.content, note.revision, note.updated_at = locked.content, locked.revision, now
    return note


def note_digest(note: VisitNote) -> str:
    """The SHA-256 of what a signature covers, as canonical JSON (keys sorted, no
    spaces, UTF-8): whose record, by whom, when the care happened, on which template
    version, what was written, and what it corrects and why. Recomputing it from a
    signed row shows the row is as signed."""
    covered = {
        "patient": note.patient_id,
        "author": note.author_id,
        "encounter_at": note.encounter_at.astimezone(ZoneInfo("UTC")).isoformat(),
        "template": note.template_id,
        "content": note.content,
        "corrects": note.corrects_id,
        "relation": note.relation,
        "reason": note.reason,
    }
    text = json.dumps(covered, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


# --- Rules --------------------------------------------------------------------------


def _visit(
    author: Practitioner, template: NoteTemplate, appointment: Appointment, kind: NoteKind
) -> dict[str, Any]:
    locked = Appointment.objects.select_for_update().filter(pk=appointment.pk).order_by()
    visit = Appointment.objects.select_related("service").filter(pk__in=locked.values("pk")).first()
    if visit is None or visit.practitioner_id != author.pk:
        raise CareError(
            CareErrorCode.NOT_THEIR_VISIT,
            "This visit is another practitioner's: its note is theirs to write.",
        )
    missed = visit.status == AppointmentStatus.NOSHOW and kind == NoteKind.MISSED
    if not missed and (visit.status not in HELD or kind != NoteKind.VISIT):
        raise CareError(
            CareErrorCode.VISIT_NOT_HELD,
            "This visit did not take place: a cancelled visit or a hold gets no note, "
            "a no-show the record of a missed appointment.",
        )
    if template.discipline_id not in (None, visit.service.discipline_id):
        raise CareError(
            CareErrorCode.WRONG_DISCIPLINE,
            "This template is for another discipline than the visit's service.",
            field="template",
        )
    if VisitNote.objects.filter(appointment=visit, corrects__isnull=True).exists():
        raise _exists()
    return {
        "patient_id": visit.patient_id,
        "appointment": visit,
        "kind": kind,
        "discipline_id": visit.service.discipline_id,
        "encounter_at": visit.start,
    }


def _standalone(
    author: Practitioner,
    template: NoteTemplate,
    patient: Patient | None,
    kind: NoteKind,
    encounter_at: datetime | None,
    now: datetime,
) -> dict[str, Any]:
    if patient is None:
        raise CareError(CareErrorCode.INVALID, "Whose record is this entry for?", field="patient")
    if kind == NoteKind.VISIT:
        raise CareError(
            CareErrorCode.INVALID, "A visit's note is started from its visit.", field="kind"
        )
    if encounter_at is None or timezone.is_naive(encounter_at):
        raise CareError(CareErrorCode.INVALID, "When did it happen?", field="encounter_at")
    if encounter_at > now:
        raise CareError(
            CareErrorCode.INVALID,
            "An entry records what happened: not a future time.",
            field="encounter_at",
        )
    discipline_id = template.discipline_id or (
        author.disciplines.order_by("display_order", "name").values_list("pk", flat=True).first()
    )
    if discipline_id is None:
        raise CareError(
            CareErrorCode.WRONG_DISCIPLINE, "The author practises no discipline.", field="template"
        )
    return {
        "patient_id": patient.pk,
        "appointment": None,
        "kind": kind,
        "discipline_id": discipline_id,
        "encounter_at": encounter_at,
    }


def _practitioner(actor: Actor) -> Practitioner:
    author = (
        Practitioner.objects.filter(user_id=actor.pk).first()
        if actor is not None and actor.pk is not None
        else None
    )
    if author is None:
        raise CareError(CareErrorCode.NOT_AUTHOR, "Only a practitioner writes clinical notes.")
    return author


def _author_only(actor: Actor, note: VisitNote) -> None:
    """The note's author, told from the author row already joined (note_by_id)."""
    if actor is None or actor.pk is None or note.author.user_id != actor.pk:
        raise CareError(CareErrorCode.NOT_AUTHOR, "Only the note's author edits and signs it.")


def _locked(note: VisitNote) -> VisitNote:
    """The note's row as it is once this transaction holds it (locked alone: no join)."""
    return VisitNote.objects.select_for_update().order_by().get(pk=note.pk)


def _why_not_saved(note_id: int) -> CareError:
    status = VisitNote.objects.filter(pk=note_id).values_list("status", flat=True).first()
    if status == NoteStatus.SIGNED:
        return _signed()
    return CareError(
        CareErrorCode.STALE_DRAFT,
        "This note was saved meanwhile from another window: reload it to carry on.",
    )


def _seal(note: VisitNote, author: Practitioner, day: date, now: datetime, *, late: bool) -> None:
    registration = _registration(author, note.discipline_id, day)
    note.status = NoteStatus.SIGNED
    note.signed_at = now
    note.updated_at = now
    note.signer_name = author.display_name
    note.signer_designation = registration.regulator.designation
    note.signer_registration = registration.registration_number
    note.late_entry = late
    note.content_sha256 = note_digest(note)
    fields = ["status", "signed_at", "updated_at", "late_entry", "content", "content_sha256"]
    note.save(update_fields=[*fields, "signer_name", "signer_designation", "signer_registration"])


def _late(note: VisitNote) -> bool:
    """An original entry first written after the clinic's deadline for it. A correction
    is dated on its own and always comes later: never marked late."""
    if note.corrects_id is not None:
        return False
    return note.created_at > note.encounter_at + timedelta(hours=_due_hours())


def _signing_day(note: VisitNote, zone: ZoneInfo, now: datetime) -> date:
    """The day whose registration signs: the care's for an original entry, the day it
    is signed for a correction (written by whoever corrects, perhaps years later)."""
    return (now if note.corrects_id is not None else note.encounter_at).astimezone(zone).date()


def _registration(author: Practitioner, discipline_id: int, day: date) -> Registration:
    """The registration the author signs with (`selectors.registration_for_signing`: in
    force on `day`, of a class that permits practice, with a college registering the
    discipline's practitioners), or the refusal saying none is."""
    registration = registration_for_signing(
        author_id=author.pk, discipline_id=discipline_id, day=day
    )
    if registration is None:
        raise CareError(
            CareErrorCode.NO_REGISTRATION,
            f"No registration in force on {day:%Y-%m-%d} to sign this note with: ask the "
            "clinic's manager to record it.",
        )
    return registration


def _copy_signature(signed: VisitNote, note: VisitNote) -> None:
    for name in (
        "content",
        "status",
        "signed_at",
        "updated_at",
        "signer_name",
        "signer_designation",
        "signer_registration",
        "late_entry",
        "content_sha256",
    ):
        setattr(note, name, getattr(signed, name))


def _original(note: VisitNote) -> VisitNote:
    original = note
    while original.corrects_id is not None:
        original = VisitNote.objects.select_related("template").get(pk=original.corrects_id)
    return original


def _withdrawn(original: VisitNote) -> bool:
    return VisitNote.objects.filter(
        corrects=original, relation=NoteRelation.ENTERED_IN_ERROR, status=NoteStatus.SIGNED
    ).exists()


def _in_force(original: VisitNote) -> VisitNote:
    """The original, or its latest signed amendment."""
    amendment = (
        VisitNote.objects.filter(
            corrects=original, relation=NoteRelation.AMENDS, status=NoteStatus.SIGNED
        )
        .order_by("-signed_at", "-pk")
        .first()
    )
    return amendment or original


def _copy_source(note: VisitNote, codes: list[str]) -> Mapping[str, Any]:
    """The content of the latest signed entry (in force) of the patient's care in the
    note's discipline, before this one, whose template has any of `codes`."""
    if not codes:
        return {}
    withdrawn = VisitNote.objects.filter(
        corrects_id=OuterRef("pk"),
        relation=NoteRelation.ENTERED_IN_ERROR,
        status=NoteStatus.SIGNED,
    )
    earlier = (
        VisitNote.objects.select_related("template")
        .filter(
            patient_id=note.patient_id,
            discipline_id=note.discipline_id,
            corrects__isnull=True,
            status=NoteStatus.SIGNED,
            encounter_at__lte=note.encounter_at,
        )
        .exclude(pk=note.pk)
        .filter(~Exists(withdrawn))
        .order_by("-encounter_at", "-pk")[:20]
    )
    for candidate in earlier:
        fields = {f.code for f in candidate.template.parsed.fields}
        if fields & set(codes):
            return _in_force(candidate).content
    return {}


def _addendum_template() -> NoteTemplate:
    template = NoteTemplate.objects.filter(code=ADDENDUM_TEMPLATE, current=True).first()
    if template is None:
        raise CareError(
            CareErrorCode.INVALID,
            "The clinic has no general entry template to write an addendum on.",
            field="template",
        )
    return template


def _relation(relation: str) -> NoteRelation:
    try:
        return NoteRelation(relation)
    except ValueError:
        raise CareError(
            CareErrorCode.INVALID,
            "An amendment, an addendum or entered in error?",
            field="relation",
        ) from None


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise CareError(CareErrorCode.INVALID, "Say why the note is corrected.", field="reason")
    if len(text) > REASON_MAX:
        raise CareError(
            CareErrorCode.TOO_LONG,
            f"The reason is at most {REASON_MAX} characters ({len(text)} written).",
            field="reason",
        )
    return text


def _due_hours() -> int:
    hours = Clinic.objects.order_by("pk").values_list("note_due_hours", flat=True).first()
    return hours or DUE_HOURS_DEFAULT


def _zone(note: VisitNote) -> ZoneInfo:
    """The time zone the visit's day is told in: its location's, else the clinic's."""
    if note.appointment is not None:
        return note.appointment.location.zone
    return ZoneInfo(str(timezone.get_default_timezone()))


def _signed() -> CareError:
    return CareError(CareErrorCode.SIGNED, "This note is signed: it never changes. Amend it.")


def _exists() -> CareError:
    return CareError(CareErrorCode.NOTE_EXISTS, "This visit has its note already: open it.")
