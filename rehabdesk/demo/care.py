"""The demo's clinical record: signed notes for a realistic share of past visits, so a
chart has dozens of visits to read, and today's drafts.

- The clinic began charting here six weeks ago (`Clinic.notes_due_from`): every
  practitioner has a signed note for each visit since, a missed-appointment entry for
  each no-show, and a few of this week's notes still unsigned (the manager's overdue
  counts and each practitioner's "notes to sign" show them).
- The demo practitioner (the first, whose sign-in `make run` prints) brought her whole
  history in: two years of signed notes, so her patients' charts have dozens of visits.
- Today's visits that have started have a draft.
- A few notes were first written days after the visit: signed as late entries.

Each patient's course reads as one story for the discipline (low back pain, a knee
replacement, a stiff shoulder; tension in the neck and upper back, a runner's tight
hips; acupuncture for low back pain), improving visit by visit: pain down, movement
up. The notes are written on the shipped templates, checked by
`care.content.clean_content` as signing checks them, and inserted in bulk already
signed (the guard allows an insert; the content's hash is `note_digest`, as signing
computes it). Invented, like the patients."""

from __future__ import annotations

import functools
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from rehabdesk.care.choices import NoteKind, NoteStatus
from rehabdesk.care.content import clean_content
from rehabdesk.care.models import NoteTemplate, VisitNote
from rehabdesk.care.services import note_digest
from rehabdesk.clinic.models import Clinic, Practitioner, Registration
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

# Every practitioner's notes of the last six weeks, when the clinic began charting here
# (Clinic.notes_due_from); the demo practitioner's for her whole history.
CHARTED_DAYS = 42
LATE_SHARE = 0.03  # of signed notes: first written days after the visit
# Of the visits of the last few days: left as drafts, so "notes to sign" and the
# manager's overdue counts have something to show.
UNSIGNED_SHARE_MINE = 0.2
UNSIGNED_SHARE = 0.05
WITH_A_NOTE = (
    AppointmentStatus.FULFILLED,
    AppointmentStatus.NOSHOW,
    AppointmentStatus.ARRIVED,
    AppointmentStatus.BOOKED,
)
Value = Callable[[int], Any]  # visit number in the course (0: the first) -> a field's value


def _fall(start: int, end: int, steps: int = 8) -> Value:
    """A score improving from `start` towards `end` over `steps` visits."""
    return lambda i: round(start + (end - start) * min(i, steps) / steps)


STORIES: dict[str, tuple[dict[str, Any], ...]] = {
    "physiotherapy": (
        {
            "chief_complaint": "Low back pain for five weeks after lifting boxes while moving "
            "house; no leg symptoms.",
            "onset": "Sudden, lifting a box from the floor with a twist.",
            "symptom_map": [{"region": "low_back", "mark": "pain"}],
            "aggravating": "Sitting more than 30 minutes, bending, getting out of the car.",
            "easing": "Walking, lying on the back with knees bent, heat.",
            "pattern_24h": "Stiff for 20 minutes in the morning; no night pain.",
            "function": "Cannot sit through a work meeting; stopped running.",
            "red_flag_screen": "negative",
            "history": "Healthy; office worker; no previous back episodes. Runs 10 km a week.",
            "medications": "Ibuprofen as needed.",
            "goals": "Sit through a workday; run 5 km again.",
            "pain_now": _fall(6, 1),
            "pain_best": _fall(3, 0),
            "pain_worst": _fall(8, 2),
            "progress": lambda i: (
                "Better overall; sitting tolerance up to about "
                f"{30 + 10 * min(i, 8)} minutes. Doing the home exercises daily."
            ),
            "observation": "Guarded forward bending; no lateral shift.",
            "rom": lambda i: [
                {
                    "joint": "Lumbar spine",
                    "movement": "Flexion",
                    "side": "midline",
                    "active": min(40 + 5 * i, 80),
                },
                {
                    "joint": "Lumbar spine",
                    "movement": "Extension",
                    "side": "midline",
                    "active": min(10 + 2 * i, 25),
                },
            ],
            "neuro_screen": "Myotomes, dermatomes and reflexes L2-S1 normal both sides.",
            "special_tests": [
                {"test": "Straight leg raise", "side": "both", "result": "negative"},
                {"test": "Slump test", "side": "both", "result": "negative"},
            ],
            "palpation": "Tender over the left L4-5 paraspinals; increased tone.",
            "outcome_scores": lambda i: [{"measure": "odi", "score": max(38 - 4 * i, 8)}],
            "impression": "Non-specific mechanical low back pain, improving.",
            "problem_list": "1. Pain with sitting. 2. Reduced lumbar flexion. 3. Off running.",
            "prognosis": "Good: recent onset, no neurological signs.",
            "interventions": "Lumbar mobilizations, core activation, education on pacing.",
            "manual_therapy": "Central PA mobilizations L3-L5, grade III, 3 x 30 s.",
            "exercise": lambda i: [
                {"exercise": "Cat-camel", "sets": 2, "reps": 10},
                {"exercise": "Bird dog", "sets": 3, "reps": 8 + min(i, 4)},
                {"exercise": "Bridge", "sets": 3, "reps": 12, "load": "body weight"},
            ],
            "education": "Pain does not mean harm; change position every 30 minutes.",
            "home_program": "Cat-camel, bird dog and bridges daily; walk 20 minutes.",
            "response": "Moved more easily after treatment; pain 2/10 on leaving.",
            "plan_of_care": "Twice a week for three weeks, then weekly.",
            "next_visit": "Progress the core program; start a return-to-run plan.",
            "reassess": "In four weeks (ODI).",
            "goals_met": "met",
            "discharge_reason": "goals_met",
            "summary": "Back to full workdays and running 5 km without pain. ODI 8 %.",
            "recommendations": "Keep the home program three times a week.",
        },
        {
            "chief_complaint": "Stiffness and pain after a right total knee replacement "
            "seven weeks ago.",
            "onset": "Surgery in October; home exercises since.",
            "symptom_map": [
                {"region": "knee_right", "mark": "pain"},
                {"region": "knee_right", "mark": "stiffness"},
            ],
            "aggravating": "Stairs down, getting up from a low chair.",
            "easing": "Ice, elevation, walking short distances.",
            "pattern_24h": "Aches in the evening after activity.",
            "function": "Walks with a cane outdoors; stairs one at a time.",
            "red_flag_screen": "negative",
            "history": "Osteoarthritis both knees; high blood pressure, controlled.",
            "medications": "Ramipril; acetaminophen as needed.",
            "goals": "Walk without the cane; stairs step over step.",
            "pain_now": _fall(5, 1),
            "pain_best": _fall(2, 0),
            "pain_worst": _fall(7, 2),
            "progress": lambda i: (
                "Walking further each week; cane outdoors only. Stairs improving."
                if i < 6
                else "Walking without the cane; stairs step over step going up."
            ),
            "observation": "Mild swelling right knee; incision healed.",
            "rom": lambda i: [
                {
                    "joint": "Knee",
                    "movement": "Flexion",
                    "side": "right",
                    "active": min(95 + 3 * i, 125),
                    "passive": min(100 + 3 * i, 130),
                },
                {
                    "joint": "Knee",
                    "movement": "Extension",
                    "side": "right",
                    "active": max(-8 + i, 0),
                },
            ],
            "strength": lambda i: [
                {"muscle_group": "Quadriceps", "side": "right", "grade": str(min(3 + i // 4, 5))},
            ],
            "palpation": "Warmth over the knee decreasing; no calf tenderness.",
            "outcome_scores": lambda i: [{"measure": "lefs", "score": min(34 + 4 * i, 70)}],
            "impression": "Progressing well after total knee replacement.",
            "problem_list": "1. Limited knee flexion. 2. Quadriceps weakness. 3. Stairs.",
            "prognosis": "Good.",
            "interventions": "Knee mobilizations, strengthening, gait training.",
            "manual_therapy": "Tibiofemoral mobilizations into flexion, grade III.",
            "exercise": lambda i: [
                {"exercise": "Heel slides", "sets": 3, "reps": 15},
                {"exercise": "Sit to stand", "sets": 3, "reps": 8 + min(i, 6)},
                {"exercise": "Step-ups", "sets": 2, "reps": 10, "load": "15 cm step"},
            ],
            "education": "Ice after exercise; swelling guides the pace.",
            "home_program": "Heel slides, sit to stand, step-ups daily.",
            "response": "Flexion improved 5 degrees within the session.",
            "plan_of_care": "Twice a week for six weeks.",
            "next_visit": "Progress step height; balance work.",
            "reassess": "In three weeks (LEFS).",
            "goals_met": "met",
            "discharge_reason": "goals_met",
            "summary": "Walking without aids; knee flexion 125 degrees. LEFS 70/80.",
            "recommendations": "Continue strengthening at the gym twice a week.",
        },
        {
            "chief_complaint": "Left shoulder pain reaching overhead for three months.",
            "onset": "Gradual, after painting the house.",
            "symptom_map": [
                {"region": "shoulder_left", "mark": "pain"},
                {"region": "upper_arm_left", "mark": "ache"},
            ],
            "aggravating": "Reaching up to shelves, sleeping on the left side.",
            "easing": "Rest, arm by the side.",
            "pattern_24h": "Wakes when lying on the left shoulder.",
            "function": "Cannot put dishes away in high cupboards; QuickDASH 41.",
            "red_flag_screen": "negative",
            "history": "Type 2 diabetes, well controlled. Retired teacher.",
            "medications": "Metformin.",
            "goals": "Reach the top shelf; sleep through the night.",
            "pain_now": _fall(5, 1),
            "pain_best": _fall(2, 0),
            "pain_worst": _fall(7, 2),
            "progress": lambda i: "Sleeping better; reaching overhead with less pain.",
            "observation": "Elevated left shoulder girdle; painful arc 70-110 degrees.",
            "rom": lambda i: [
                {
                    "joint": "Shoulder",
                    "movement": "Flexion",
                    "side": "left",
                    "active": min(130 + 5 * i, 175),
                    "passive": min(150 + 4 * i, 180),
                },
                {
                    "joint": "Shoulder",
                    "movement": "Abduction",
                    "side": "left",
                    "active": min(110 + 6 * i, 170),
                },
            ],
            "strength": lambda i: [
                {
                    "muscle_group": "External rotators",
                    "side": "left",
                    "grade": str(min(4 + i // 6, 5)),
                },
            ],
            "special_tests": [
                {"test": "Hawkins-Kennedy", "side": "left", "result": "positive"},
                {"test": "Empty can", "side": "left", "result": "negative"},
            ],
            "outcome_scores": lambda i: [{"measure": "quickdash", "score": max(41 - 4 * i, 9)}],
            "impression": "Rotator cuff related shoulder pain, left.",
            "problem_list": "1. Pain overhead. 2. Cuff weakness. 3. Night pain.",
            "prognosis": "Good with loading over 8 to 12 weeks.",
            "interventions": "Progressive cuff loading, scapular control, posterior capsule "
            "stretching.",
            "exercise": lambda i: [
                {
                    "exercise": "Side-lying external rotation",
                    "sets": 3,
                    "reps": 12,
                    "load": f"{1 + i // 4} kg",
                },
                {"exercise": "Wall slides", "sets": 2, "reps": 10},
            ],
            "electrotherapy": [
                {
                    "modality": "ultrasound",
                    "site": "Left supraspinatus",
                    "parameters": "1 MHz, 1 W/cm2, 20 % pulsed",
                    "minutes": 5,
                },
            ],
            "skin_check": True,
            "education": "Keep the arm moving within comfort; avoid sleeping on it.",
            "home_program": "External rotation with a band and wall slides daily.",
            "response": "Less painful arc after treatment.",
            "plan_of_care": "Weekly for eight weeks.",
            "next_visit": "Add overhead loading.",
            "reassess": "In four weeks (QuickDASH).",
            "goals_met": "partly_met",
            "discharge_reason": "plateau",
            "summary": "Reaching overhead with mild pain; sleeping through. QuickDASH 14.",
            "recommendations": "Continue the band program; return if night pain returns.",
        },
    ),
    "massage-therapy": (
        {
            "reason": "Tension in the neck and upper back from desk work; headaches twice a week.",
            "symptoms": "Tight, aching upper trapezius; headaches at the base of the skull.",
            "symptom_map": [
                {"region": "neck_back", "mark": "ache"},
                {"region": "upper_back", "mark": "stiffness"},
            ],
            "health_history": "Healthy; no medications; no recent injuries or surgery.",
            "health_changes": "No changes in health or medications since the last visit.",
            "pain_now": _fall(4, 1, 5),
            "goals": "Fewer headaches; looser shoulders.",
            "posture": "Forward head posture; rounded shoulders.",
            "palpation": "Hypertonic upper trapezius and levator scapulae both sides; "
            "trigger points referring to the temple.",
            "rom_notes": "Cervical rotation slightly limited to the right.",
            "impression": "Muscle tension with tension-type headaches.",
            "contraindications": "None found.",
            "consent_confirmed": True,
            "areas_treated": [
                {"region": "neck_back", "mark": "treated"},
                {"region": "upper_back", "mark": "treated"},
                {"region": "shoulder_left", "mark": "treated"},
                {"region": "shoulder_right", "mark": "treated"},
            ],
            "techniques": ["effleurage", "petrissage", "trigger_point", "stretching"],
            "pressure": "moderate",
            "pressure_rating": 6,
            "duration": 60,
            "response": "Reported the shoulders felt lighter; no headache at the end.",
            "self_care": "Heat 15 minutes in the evening; chin tucks and doorway stretch.",
            "plan": "Every two weeks for three visits, then monthly.",
        },
        {
            "reason": "Low back and hip tightness from training for a half marathon.",
            "symptoms": "Tight hamstrings and glutes after long runs.",
            "symptom_map": [
                {"region": "low_back", "mark": "stiffness"},
                {"region": "thigh_back_left", "mark": "ache"},
                {"region": "thigh_back_right", "mark": "ache"},
            ],
            "health_history": "Healthy runner; sprained right ankle in 2021, recovered.",
            "health_changes": "Training load up to 45 km a week; otherwise no changes.",
            "pain_now": _fall(3, 1, 4),
            "goals": "Recover between long runs.",
            "posture": "Anterior pelvic tilt.",
            "palpation": "Hypertonic hamstrings and gluteus medius; tender piriformis left.",
            "rom_notes": "Straight leg raise 70 degrees both sides, tight.",
            "impression": "Training-related muscle tension, lower body.",
            "contraindications": "None found.",
            "consent_confirmed": True,
            "areas_treated": [
                {"region": "low_back", "mark": "treated"},
                {"region": "thigh_back_left", "mark": "treated"},
                {"region": "thigh_back_right", "mark": "treated"},
                {"region": "calf_left", "mark": "treated"},
                {"region": "calf_right", "mark": "treated"},
            ],
            "techniques": ["effleurage", "petrissage", "friction", "compression"],
            "pressure": "firm",
            "pressure_rating": 7,
            "duration": 60,
            "response": "Hips felt looser; straight leg raise 80 degrees after treatment.",
            "self_care": "Foam roll hamstrings and calves after long runs; hydrate.",
            "plan": "Every two weeks through the training block.",
        },
    ),
    "acupuncture": (
        {
            "reason": "Chronic low back pain, two years; wants to reduce painkillers.",
            "symptom_map": [{"region": "low_back", "mark": "pain"}],
            "pain_now": _fall(6, 2, 6),
            "history": "Chronic low back pain; physiotherapy in 2025 helped partly.",
            "precautions_screened": True,
            "precautions": [],
            "points": [
                {"point": "BL23", "side": "both", "stimulation": "manual"},
                {"point": "BL25", "side": "both", "stimulation": "manual"},
                {"point": "GB30", "side": "left", "stimulation": "none"},
                {"point": "BL40", "side": "both", "stimulation": "none"},
            ],
            "needles_in": 7,
            "needles_out": 7,
            "retention": 20,
            "adverse_events": ["none"],
            "response": "Relaxed during treatment; back felt easier on standing.",
            "advice": "Gentle walking today; drink water.",
            "plan": "Weekly for six weeks, then review.",
        },
    ),
}


@dataclass(frozen=True)
class _Signer:
    name: str
    designation: str
    number: str
    valid_from: Any
    valid_until: Any


def load_demo_notes(*, practitioner: Practitioner, now: datetime) -> int:
    """Write the demo's clinical notes (see the module's docstring); returns how many."""
    rng = random.Random(22)
    charted_from = timezone.localdate(now) - timedelta(days=CHARTED_DAYS)
    Clinic.objects.update(notes_due_from=charted_from)
    # From midnight that day (the demo's locations share the clinic's zone).
    charted_since = datetime.combine(charted_from, time.min, tzinfo=timezone.get_current_timezone())
    templates = {
        (t.discipline.slug if t.discipline else "", t.visit_type): t
        for t in NoteTemplate.objects.filter(current=True).select_related("discipline")
    }
    entry = NoteTemplate.objects.get(code="general-entry", current=True)
    due = timedelta(hours=Clinic.objects.values_list("note_due_hours", flat=True).get())
    signers = _signers()
    visits = (
        Appointment.objects.filter(start__lt=now, status__in=WITH_A_NOTE, patient__isnull=False)
        .filter(Q(practitioner=practitioner) | Q(start__gte=charted_since))
        .select_related("service__discipline", "location")
        .order_by("start", "pk")
    )
    courses: dict[tuple[int, int], int] = defaultdict(int)
    notes: list[VisitNote] = []
    for visit in visits:
        assert visit.patient_id is not None  # a hold has none; none is in WITH_A_NOTE
        discipline = visit.service.discipline
        signer = _signer_on(signers.get(visit.practitioner_id, ()), visit.start.date())
        if signer is None:
            continue
        if visit.status == AppointmentStatus.NOSHOW:
            notes.append(_missed(visit, entry, signer, rng, now))
            continue
        key = (visit.patient_id, discipline.pk)
        index = courses[key]
        courses[key] += 1
        template = _template(templates, discipline.slug, first=index == 0)
        if template is None:
            continue
        content = _content(template, discipline.slug, visit.patient_id, index)
        zone = visit.location.zone
        today = visit.start.astimezone(zone).date() == now.astimezone(zone).date()
        this_week = visit.start > now - 4 * due
        share = UNSIGNED_SHARE_MINE if visit.practitioner_id == practitioner.pk else UNSIGNED_SHARE
        if today or (this_week and rng.random() < share):
            notes.append(_note(visit, template, content, signer, rng, due, now, signed=False))
        elif visit.status == AppointmentStatus.FULFILLED:
            notes.append(_note(visit, template, content, signer, rng, due, now, signed=True))
    VisitNote.objects.bulk_create(notes, batch_size=500)
    return len(notes)


def _signers() -> dict[int, tuple[_Signer, ...]]:
    rows: dict[int, list[_Signer]] = defaultdict(list)
    for registration in Registration.objects.select_related(
        "regulator", "practitioner", "registration_class"
    ).filter(registration_class__permits_practice=True):
        rows[registration.practitioner_id].append(
            _Signer(
                name=registration.practitioner.display_name,
                designation=registration.regulator.designation,
                number=registration.registration_number,
                valid_from=registration.valid_from,
                valid_until=registration.valid_until,
            )
        )
    return {pk: tuple(signers) for pk, signers in rows.items()}


def _signer_on(signers: tuple[_Signer, ...], day: Any) -> _Signer | None:
    return next(
        (
            s
            for s in signers
            if s.valid_from <= day and (s.valid_until is None or day <= s.valid_until)
        ),
        None,
    )


def _template(
    templates: dict[tuple[str, str], NoteTemplate], discipline: str, *, first: bool
) -> NoteTemplate | None:
    if discipline == "acupuncture":
        return next((t for (d, _), t in templates.items() if d == "acupuncture"), None)
    if first:
        return templates.get((discipline, "initial"))
    return templates.get((discipline, "follow_up"))


def _content(
    template: NoteTemplate, discipline: str, patient_id: int, index: int
) -> dict[str, Any]:
    """The story's fields the template has, as at visit `index` of the course (the
    stories stop changing after a dozen visits), checked as signing checks them."""
    stories = STORIES.get(discipline, ())
    if not stories:
        return {}
    return _story_content(template, discipline, patient_id % len(stories), min(index, 12))


@functools.cache
def _story_content(
    template: NoteTemplate, discipline: str, story: int, index: int
) -> dict[str, Any]:
    raw = {}
    for field in template.parsed.fields:
        value = STORIES[discipline][story].get(field.code)
        if value is not None:
            raw[field.code] = value(index) if callable(value) else value
    return clean_content(template.parsed, raw, for_signing=True)


def _note(
    visit: Appointment,
    template: NoteTemplate,
    content: dict[str, Any],
    signer: _Signer,
    rng: random.Random,
    due: timedelta,
    now: datetime,
    *,
    signed: bool,
) -> VisitNote:
    if signed:
        late = rng.random() < LATE_SHARE
        after = (
            timedelta(days=rng.randint(2, 4)) if late else timedelta(minutes=rng.randint(5, 240))
        )
        written = min(visit.end + after, now - timedelta(minutes=30))
    else:
        written = min(visit.start + timedelta(minutes=rng.randint(5, 40)), now)
    note = VisitNote(
        patient_id=visit.patient_id or 0,  # never 0: holds are left out
        kind=NoteKind.VISIT,
        appointment=visit,
        author_id=visit.practitioner_id,
        discipline_id=visit.service.discipline_id,
        template=template,
        encounter_at=visit.start,
        content=content,
        revision=rng.randint(3, 30),
        created_at=written,
        updated_at=written,
    )
    if signed:
        _seal(note, signer, min(written + timedelta(minutes=rng.randint(1, 20)), now), due)
    return note


def _missed(
    visit: Appointment, template: NoteTemplate, signer: _Signer, rng: random.Random, now: datetime
) -> VisitNote:
    content = clean_content(
        template.parsed,
        {
            "entry": "Did not attend. Called and left a voicemail to rebook; the clinic's "
            "missed-appointment policy applies."
        },
        for_signing=True,
    )
    written = min(visit.end + timedelta(minutes=rng.randint(10, 60)), now)
    note = VisitNote(
        patient_id=visit.patient_id or 0,  # never 0: holds are left out
        kind=NoteKind.MISSED,
        appointment=visit,
        author_id=visit.practitioner_id,
        discipline_id=visit.service.discipline_id,
        template=template,
        encounter_at=visit.start,
        content=content,
        revision=1,
        created_at=written,
        updated_at=written,
    )
    _seal(note, signer, written, timedelta(days=1))
    return note


def _seal(note: VisitNote, signer: _Signer, signed_at: datetime, due: timedelta) -> None:
    note.status = NoteStatus.SIGNED
    note.signed_at = signed_at
    note.updated_at = signed_at
    note.signer_name = signer.name
    note.signer_designation = signer.designation
    note.signer_registration = signer.number
    note.late_entry = note.created_at > note.encounter_at + due
    note.content_sha256 = note_digest(note)
