"""Copy forward: the draft's empty objective findings filled from the patient's last
signed physiotherapy note, and the editor reopened on the new revision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rehabdesk.care.models import VisitNote
from rehabdesk.scheduling.testing import at
from rehabdesk.web.tests.note_world import SIGNABLE, note_world

pytestmark = pytest.mark.django_db

ROM = [{"joint": "Knee", "movement": "Flexion", "side": "left", "active": 120}]


def test_it_fills_the_empty_findings_from_the_last_signed_note(personas):
    nw = note_world(personas)
    nw.signed({**SIGNABLE, "rom": ROM, "palpation": "Tender medial joint line"})
    draft = nw.draft({"palpation": "No tenderness today"}, visit=nw.visit(at(11, 10)))
    response = nw.client().post(reverse("note-copy-forward", args=[draft.pk]))
    assert response["Location"] == reverse("note-edit", args=[draft.pk]) + "#note-form"
    draft.refresh_from_db()
    assert draft.content["rom"] == ROM
    assert draft.content["palpation"] == "No tenderness today"  # written: kept
    assert draft.revision == 2


def test_it_offers_copy_forward_only_where_the_template_copies(personas):
    nw = note_world(personas)
    page = nw.client().get(reverse("note-edit", args=[nw.draft().pk])).text
    assert "Copy forward last visit" in page


def test_it_refuses_a_signed_note(personas):
    nw = note_world(personas)
    note = nw.signed()
    response = nw.client().post(reverse("note-copy-forward", args=[note.pk]), follow=True)
    assert "never changes" in response.text
    assert VisitNote.objects.get(pk=note.pk).revision == note.revision


@pytest.mark.parametrize("persona", ["front_desk", "massage_therapist", "manager"])
def test_it_answers_404_to_anyone_outside_the_patients_care(personas, persona):
    nw = note_world(personas)
    note = nw.draft()
    assert nw.client(persona).post(reverse("note-copy-forward", args=[note.pk])).status_code == 404
