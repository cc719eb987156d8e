"""Each page of the note editor that shows a note puts the look on file: one view event
per page, linking the note's patient (the pages of web/tests/test_phi_views_audited.py
that need a note written first). A refused look is on file too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.web.tests.note_world import SIGNABLE, note_world

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("route", "signed"),
    [("note-edit", False), ("note-edit", True), ("note-sign", False), ("note-correct", True)],
)
def test_each_note_page_writes_one_view_event(personas, route, signed):
    nw = note_world(personas)
    note = nw.signed() if signed else nw.draft(SIGNABLE)
    client = nw.client()
    before = AuditEvent.objects.count()
    response = client.get(reverse(route, args=[note.pk]))
    assert response.status_code == 200
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.outcome, event.actor) == ("view", "success", nw.physio)
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]
    assert event.request_id == response["X-Request-ID"]


def test_a_refused_look_is_on_file_and_shows_nothing(personas):
    nw = note_world(personas)
    note = nw.draft({"progress": "Private words"})
    client = nw.client("front_desk")
    response = client.get(reverse("note-edit", args=[note.pk]))
    assert response.status_code == 404
    assert "Private words" not in response.text
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.outcome) == ("deny", "denied")
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]
