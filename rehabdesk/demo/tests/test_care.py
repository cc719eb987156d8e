"""The demo's clinical record: signed notes for the last six weeks of every
practitioner's visits and the demo practitioner's whole history, each as signing would
leave it; drafts for today's visits and a few of this week's; late entries marked.

One demo, loaded as of NOW, is shared by the module; these tests only read it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Count

from rehabdesk.care.choices import NoteKind, NoteStatus
from rehabdesk.care.content import clean_content
from rehabdesk.care.models import VisitNote
from rehabdesk.care.selectors import overdue_note_counts
from rehabdesk.care.services import note_digest
from rehabdesk.clinic.models import Clinic
from rehabdesk.demo.care import CHARTED_DAYS
from rehabdesk.demo.clinic import PRACTITIONERS
from rehabdesk.demo.tests.shared import DAYS_BACK, NOW
from rehabdesk.scheduling.choices import AppointmentStatus
from rehabdesk.scheduling.models import Appointment

pytestmark = pytest.mark.django_db


def test_every_visit_since_the_clinic_began_charting_here_has_its_note(shared_demo):
    since = NOW - timedelta(days=min(CHARTED_DAYS, DAYS_BACK) - 1)
    held = Appointment.objects.filter(
        start__gte=since,
        start__lt=NOW - timedelta(days=1),
        status__in=(AppointmentStatus.FULFILLED, AppointmentStatus.NOSHOW),
    )

    assert held.count() > 100
    assert held.filter(notes__isnull=True).count() == 0
    assert Clinic.objects.get().notes_due_from == (NOW - timedelta(days=CHARTED_DAYS)).date()


def test_the_demo_practitioner_s_whole_history_is_charted(shared_demo):
    """The tests' demo keeps DAYS_BACK days of history (`make run`'s: two years)."""
    mine = VisitNote.objects.filter(author__user__email=PRACTITIONERS[0].email)
    first_visit = (
        Appointment.objects.filter(
            practitioner__user__email=PRACTITIONERS[0].email,
            status=AppointmentStatus.FULFILLED,
        )
        .order_by("start")
        .first()
    )

    assert NOW - first_visit.start > timedelta(days=DAYS_BACK - 1)
    assert mine.order_by("encounter_at").first().encounter_at == first_visit.start


def test_signed_notes_are_as_signing_leaves_them(shared_demo):
    signed = list(
        VisitNote.objects.filter(status=NoteStatus.SIGNED).select_related("template")[:400]
    )

    assert signed
    for note in signed:
        assert note.content_sha256 == note_digest(note)
        assert note.content == clean_content(note.template.parsed, note.content, for_signing=True)
        assert note.signer_registration
        assert note.signed_at <= NOW


def test_there_are_drafts_late_entries_and_missed_visits(shared_demo):
    kinds = VisitNote.objects.values("status", "kind", "late_entry").annotate(n=Count("pk"))
    seen = {(row["status"], row["kind"], row["late_entry"]) for row in kinds}

    assert (NoteStatus.DRAFT, NoteKind.VISIT, False) in seen
    assert (NoteStatus.SIGNED, NoteKind.VISIT, True) in seen
    assert (NoteStatus.SIGNED, NoteKind.MISSED, False) in seen


def test_the_manager_sees_a_few_overdue_notes_not_the_years_before_charting(shared_demo):
    overdue = overdue_note_counts(now=NOW)

    assert overdue
    assert sum(row.count for row in overdue) < 60
