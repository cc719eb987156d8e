"""Reads of the note templates and snippets practitioners write with, each in a fixed
number of queries."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from rehabdesk.care.choices import NoteKind, NoteStatus, VisitType
from rehabdesk.care.definition import FieldRole
from rehabdesk.care.models import NoteTemplate, Snippet, VisitNote
from rehabdesk.clinic.choices import ServiceKind
from rehabdesk.clinic.models import Qualification, Service
from rehabdesk.scheduling.models import Appointment

# The roster a service needs when its visits may include an internal pelvic
# examination (clinic reference data, migration 0002): such visits are written on a
# template that records one.
INTERNAL_PELVIC_ROSTER = "internal-pelvic"
# When no template of the visit's own kind exists for its discipline, the next best.
FALLBACK_ORDER = (VisitType.FOLLOW_UP, VisitType.INITIAL, VisitType.DISCHARGE, VisitType.OTHER)
VISIT_TYPE_ORDER = {visit_type: index for index, visit_type in enumerate(VisitType.values)}


def templates_for(
    *, discipline_id: int | None, visit_type: str | None = None
) -> list[NoteTemplate]:
    """The current templates a practitioner of this discipline may write on: the
    discipline's own first, then those for any discipline (phone consults, letters,
    missed visits); each group by kind of visit, then name. `visit_type` narrows the
    list to one kind. One query."""
    templates = NoteTemplate.objects.filter(
        Q(discipline_id=discipline_id) | Q(discipline__isnull=True)
        if discipline_id is not None
        else Q(discipline__isnull=True),
        current=True,
    ).select_related("discipline")
    if visit_type is not None:
        templates = templates.filter(visit_type=visit_type)
    return sorted(
        templates,
        key=lambda t: (t.discipline_id is None, VISIT_TYPE_ORDER[t.visit_type], t.name, t.pk),
    )


def template_for_visit(*, appointment: Appointment) -> NoteTemplate | None:
    """The template a visit's note starts on. Its kind: an initial assessment when the
    service is one (its kind, or "initial"/"assessment" in its name) or when the patient
    has no signed visit note of the service's discipline yet; otherwise a follow-up.
    Among the discipline's current templates, a service that needs the internal pelvic
    examination roster gets one recording such an examination (pelvic health), any
    other service one that does not; failing a template of the wanted kind, the next
    best (follow-up, initial, discharge), and failing any for the discipline, one for
    every discipline (the general entry). None when there is no current template at
    all. At most three queries."""
    service = (
        Service.objects.filter(pk=appointment.service_id)
        .annotate(
            pelvic=Exists(
                Qualification.objects.filter(
                    service=OuterRef("pk"), authorizations__code=INTERNAL_PELVIC_ROSTER
                )
            )
        )
        .values("discipline_id", "kind", "name", "pelvic")
        .get()
    )
    initial = _initial(
        kind=service["kind"],
        name=service["name"],
        discipline_id=service["discipline_id"],
        appointment=appointment,
    )
    wanted = VisitType.INITIAL if initial else VisitType.FOLLOW_UP
    candidates = templates_for(discipline_id=service["discipline_id"])
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda t: (
            t.discipline_id is None,
            _records_internal_exam(t) != service["pelvic"],
            t.visit_type != wanted,
            FALLBACK_ORDER.index(VisitType(t.visit_type)),
            t.name,
            t.pk,
        ),
    )


def _initial(*, kind: str, name: str, discipline_id: int, appointment: Appointment) -> bool:
    lowered = name.lower()
    if kind == ServiceKind.INITIAL_ASSESSMENT or "initial" in lowered or "assessment" in lowered:
        return True
    if appointment.patient_id is None:
        return True
    return not VisitNote.objects.filter(
        patient_id=appointment.patient_id,
        discipline_id=discipline_id,
        kind=NoteKind.VISIT,
        status=NoteStatus.SIGNED,
        corrects__isnull=True,
    ).exists()


def _records_internal_exam(template: NoteTemplate) -> bool:
    return template.parsed.with_role(FieldRole.INTERNAL_EXAM) is not None


def snippets_for(*, discipline_id: int | None) -> list[Snippet]:
    """The active snippets a practitioner of this discipline types with: the
    discipline's own and those for every discipline, by shortcut. One query."""
    where = Q(discipline__isnull=True)
    if discipline_id is not None:
        where |= Q(discipline_id=discipline_id)
    return list(Snippet.objects.filter(where, active=True).order_by("shortcut"))
