"""A patient's chart through the access policy: their clinical record on one page (the
safety alerts and consents on top, every entry with its corrections, the visits held
without a note yet), and its printed copy.

Both are clinical (Action.VIEW_CLINICAL): only practitioners in the patient's care see
them; anyone else is refused alike (404) and the refusal is on file. Showing the chart
is ONE audit event, linking the patient, whatever the page holds; printing a copy is
one EXPORT event naming who the copy is for and its period — never the content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from rehabdesk.access.accessors import User, patient_for, patient_standing_for
from rehabdesk.access.consents import ConsentsSeen
from rehabdesk.access.errors import AccessDenied, RecordWithheld
from rehabdesk.access.lockbox import Opening
from rehabdesk.access.notes import without_withheld
from rehabdesk.access.policy import Action, person_for, withheld_from
from rehabdesk.access.safety import SafetyPanel, safety_panel_for
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.services import audit_record
from rehabdesk.care.choices import CopyPurpose
from rehabdesk.care.models import Document
from rehabdesk.care.pdf import Disagreement
from rehabdesk.care.selectors import ChartEntry, documents_of, patient_notes
from rehabdesk.clinic.selectors import clinic_current
from rehabdesk.consents.selectors import consents_for_patient, treatment_consents_for_patient
from rehabdesk.patients.models import Patient
from rehabdesk.privacy.models import CorrectionRequest
from rehabdesk.privacy.selectors import corrections_on_chart
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.selectors import patient_past_visits

CHART = "care.chart"
PATIENT = "patients.patient"
# Visits that should have a note: the patient came, or did not come (a missed visit is
# documented too).
HELD = frozenset({AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW})
# The most past visits the chart looks through for one without a note.
VISITS_LOOKED_AT = 500


@dataclass(frozen=True)
class ChartRow:
    """One line of the chart's history: an entry, or a visit held with no note yet."""

    when: datetime
    entry: ChartEntry | None = None
    visit: Appointment | None = None


@dataclass(frozen=True)
class Chart:
    """What the chart page shows: the patient, their safety record and consents, the
    entries newest first, the visits held with no note written, their documents."""

    patient: Patient
    safety: SafetyPanel
    consents: ConsentsSeen
    entries: list[ChartEntry]
    unwritten: list[Appointment]
    documents: list[Document]
    # The day the clinic began keeping its notes here (Clinic.notes_due_from): a visit
    # before it was charted elsewhere, on paper or in the previous system.
    charted_from: date | None = None
    # Visits whose notes the patient's lockbox withholds from the viewer: only counted.
    withheld_notes: int = 0
    # Those visits: what the chart's other readers (measures, plans) leave out too.
    withheld_visits: frozenset[int] = frozenset()
    # The patient's correction requests still open and statements of disagreement
    # (PHIPA s.55: a statement is shown with the record).
    corrections: tuple[CorrectionRequest, ...] = ()
    # The opening (the patient's express consent, or an emergency) that lets the viewer
    # in now, past the lockbox or outside their care: the page's banner says so.
    opening: Opening | None = None

    @property
    def timeline(self) -> list[ChartRow]:
        """Entries and visits without a note together, newest first."""
        rows = [ChartRow(when=e.note.encounter_at, entry=e) for e in self.entries]
        rows += [ChartRow(when=visit.start, visit=visit) for visit in self.unwritten]
        return sorted(rows, key=lambda row: row.when, reverse=True)


def chart_for(*, user: User, patient_id: int, now: datetime) -> Chart:
    """The patient's chart for a practitioner in their care, the look on file as one
    event; RecordWithheld when the patient's lockbox withholds it from them, and
    AccessDenied for anyone else."""
    try:
        patient, standing = patient_standing_for(
            user=user,
            patient_id=patient_id,
            action=Action.VIEW_CLINICAL,
            summary="clinical chart",
            family=False,
        )
    except AccessDenied as denied:
        if denied.found and withheld_from(person_for(user), patient_id):
            raise RecordWithheld(
                object_type=PATIENT,
                object_id=str(patient_id),
                patient_ids=[patient_id],
                summary="clinical chart withheld at the patient's request",
            ) from None
        raise
    # The viewer's own drafts show too, so the chart shows what they are writing.
    person = person_for(user)
    entries, withheld = without_withheld(
        person,
        patient.pk,
        patient_notes(patient_id=patient.pk, drafts_of=person.practitioner_id),
    )
    noted = {e.note.appointment_id for e in entries}
    past = patient_past_visits(patient_id=patient.pk, before=now, limit=VISITS_LOOKED_AT)
    return Chart(
        patient=patient,
        # The chart's own event covers the alerts and the consents' notes it shows.
        safety=safety_panel_for(user=user, patient_id=patient.pk, on_file=False),
        consents=ConsentsSeen(
            privacy=list(consents_for_patient(patient_id=patient.pk)),
            treatment=treatment_consents_for_patient(patient_id=patient.pk),
            notes_shown=True,
        ),
        entries=entries,
        unwritten=[v for v in past if v.status in HELD and v.pk not in noted | withheld],
        documents=documents_of(patient_id=patient.pk),
        charted_from=clinic.notes_due_from if (clinic := clinic_current()) else None,
        withheld_notes=len(withheld),
        withheld_visits=withheld,
        corrections=tuple(corrections_on_chart(patient_id=patient.pk)),
        opening=standing.opening,
    )


@dataclass(frozen=True)
class ChartExport:
    """What a printed copy holds: the patient, their entries in the period, and the
    corrections refused with the patient's statement of disagreement (whatever the
    period: a statement goes with the record)."""

    patient: Patient
    entries: list[ChartEntry]
    disagreements: list[Disagreement]


def chart_export_for(
    *,
    user: User,
    patient_id: int,
    since: date | None,
    until: date | None,
    purpose: CopyPurpose,
    now: datetime,
) -> ChartExport:
    """The entries of a printed copy, for a practitioner in the patient's care; the
    export on file (action EXPORT) with who it is for and its period."""
    patient = patient_for(
        user=user,
        patient_id=patient_id,
        action=Action.VIEW_CLINICAL,
        summary="clinical chart copy",
        view=False,
        family=False,
    )
    entries, _ = without_withheld(
        person_for(user),
        patient.pk,
        patient_notes(patient_id=patient.pk, since=since, until=until),
    )
    period = f"{since or 'first'} to {until or 'latest'}"
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type=CHART,
        object_id=str(patient.pk),
        patient_ids=[patient.pk],
        summary=f"clinical chart copy ({period}) for {CopyPurpose(purpose).label.lower()}",
        now=now,
    )
    disagreements = [
        Disagreement(
            filed_at=c.disagreement_at,
            wrong=c.wrong,
            should_say=c.should_say,
            refused_because=c.decision_reason,
            statement=c.disagreement,
        )
        for c in corrections_on_chart(patient_id=patient.pk)
        if c.disagreement_at is not None
    ]
    return ChartExport(patient=patient, entries=entries, disagreements=disagreements)
