"""The chart's printed copy: a practitioner in the patient's care chooses the period and
who it is for, and downloads a PDF of the signed entries in it — never cached, always an
attachment, the export on file with its purpose. A bad period is refused with a clear
message; everyone else gets the same 404."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.models import AuditEvent
from rehabdesk.care.choices import NoteRelation
from rehabdesk.privacy.services import (
    correction_refuse,
    correction_request_create,
    disagreement_file,
)
from rehabdesk.privacy.testing import privacy_officer
from rehabdesk.web.tests.chart_record import correct, entry

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    """The copy's text runs, its compressed page streams opened."""
    runs = []
    # Each stream read by its declared /Length: its compressed bytes may end in \r or \n.
    for found in re.finditer(rb"<<([^>]*/FlateDecode[^>]*)>>\s*stream\r?\n", pdf):
        length = int(re.search(rb"/Length (\d+)", found.group(1)).group(1))  # type: ignore[union-attr]
        stream = pdf[found.end() : found.end() + length]
        runs += re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", zlib.decompress(stream))
    return " ".join(run.decode("cp1252") for run in runs)


def _pages(pdf: bytes) -> int:
    return int(re.search(rb"/Count (\d+)", pdf).group(1))  # type: ignore[union-attr]


def _copy(client, personas, who="physio", **query):
    client.force_login(personas.user(who))
    url = reverse("patient-chart-pdf", args=[personas.patient_a.pk])
    return client.get(url, {"purpose": "insurer", **query})


def test_it_offers_the_period_and_purpose_to_choose(client, personas):
    client.force_login(personas.physio.user)
    response = client.get(reverse("patient-chart-print", args=[personas.patient_a.pk]))
    assert response.status_code == 200
    for label in ('for="id_since"', 'for="id_until"', 'value="insurer"', 'value="lawyer"'):
        assert label in response.text
    assert 'action="{}"'.format(reverse("patient-chart-pdf", args=[personas.patient_a.pk])) in (
        response.text
    )


def test_it_downloads_every_signed_entry_as_a_pdf_never_cached(client, personas):
    for day in range(12):
        entry(personas.physio, personas.patient_a, f"Knee visit {day} " * 40, days_ago=day)
    response = _copy(client, personas)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="chart-{personas.patient_a.pk}-{today:%Y%m%d}.pdf"'
    )
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    pages = _pages(pdf)
    assert pages >= 2
    text = _text(pdf)
    assert "Persona Clinic" in text
    assert text.count(f"Alice Anders · born Apr 2, 1980 · chart no. {personas.patient_a.pk}") == (
        pages
    )
    assert f"Page {pages} of  {pages}" in text
    assert all(f"Knee visit {day}" in text for day in range(12))
    assert "Prepared for An insurer" in text
    assert "registration no. PERSONA-PT-1" in text


def test_it_prints_an_amended_original_and_the_amendment_with_its_reason(client, personas):
    note = entry(personas.physio, personas.patient_a, "Left knee pain", days_ago=2)
    correct(
        personas.physio,
        note,
        NoteRelation.AMENDS,
        "Wrong side recorded",
        {"complaint": "Right knee pain", "plan": "Review in a week"},
    )
    text = _text(_copy(client, personas).content)
    assert "Amended: the original is kept, struck through." in text
    assert text.index("Left knee pain") < text.index("reason: Wrong side recorded")
    assert text.index("reason: Wrong side recorded") < text.index("Right knee pain")


def test_it_carries_the_patient_s_statements_of_disagreement_whatever_the_period(client, personas):
    entry(personas.physio, personas.patient_a, "Left knee pain", days_ago=40)
    now = timezone.now()
    patient = personas.patient_a
    asked = correction_request_create(
        actor=patient.user,
        patient=patient,
        note=None,
        wrong="I smoke",
        should_say="I quit in 2019",
        now=now - timedelta(days=20),
    )
    refused = correction_refuse(
        actor=privacy_officer(),
        correction=asked,
        reason="The note records what you told us that day.",
        now=now - timedelta(days=10),
    )
    disagreement_file(
        actor=patient.user,
        correction=refused,
        statement="I told the physiotherapist I had quit.",
        now=now - timedelta(days=5),
    )
    today = timezone.localdate()

    text = _text(_copy(client, personas, since=today.isoformat(), until=today.isoformat()).content)

    assert "Statements of disagreement filed by the patient" in text
    assert 'The patient asked that "I smoke" read "I quit in 2019".' in text
    assert "The clinic refused: The note records what you told us that day." in text
    assert "The patient's statement: I told the physiotherapist I had quit." in text


def test_it_holds_only_the_entries_of_the_period(client, personas):
    entry(personas.physio, personas.patient_a, "Old visit", days_ago=40)
    entry(personas.physio, personas.patient_a, "Recent visit", days_ago=5)
    entry(personas.physio, personas.patient_a, "Today's visit", days_ago=0)
    today = timezone.localdate()
    since, until = today - timedelta(days=10), today - timedelta(days=1)
    text = _text(_copy(client, personas, since=since, until=until).content)
    assert "Recent visit" in text
    assert "Old visit" not in text
    assert "Today's visit" not in text
    assert f"Period Entries from {since:%b} {since.day}, {since.year}" in text


def test_it_puts_the_export_on_file_with_who_it_is_for(client, personas):
    entry(personas.physio, personas.patient_a, "Knee", days_ago=1)
    before = AuditEvent.objects.count()
    _copy(client, personas, purpose="lawyer", since="2026-01-01")
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.object_type, event.actor) == (
        "export",
        "care.chart",
        personas.physio.user,
    )
    assert event.summary == "clinical chart copy (2026-01-01 to latest) for a lawyer"
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2026-03-02", "until": "2026-03-01"}, "The first day comes after the last day."),
        ({"since": "1850-01-01"}, "Choose a day from Jan 1, 1900 to today"),
        ({"until": "2999-01-01"}, "Choose a day from Jan 1, 1900 to today"),
        ({"since": "2026-02-30"}, "Enter a valid date."),
        ({"purpose": "neighbour"}, "Select a valid choice."),
    ],
)
def test_it_refuses_a_bad_period_or_purpose_with_a_clear_message(client, personas, query, message):
    before = AuditEvent.objects.filter(action="export").count()
    response = _copy(client, personas, **query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.text
    assert AuditEvent.objects.filter(action="export").count() == before


@pytest.mark.parametrize("who", ["front_desk", "manager", "massage_therapist"])
def test_it_refuses_anyone_not_in_the_patients_care_alike_and_on_file(client, personas, who):
    entry(personas.physio, personas.patient_a, "Knee", days_ago=1)
    for response in (
        _copy(client, personas, who),
        _copy(client, personas, who, since="2030-01-01"),  # a bad period says nothing either
    ):
        assert response.status_code == 404
        assert b"Knee" not in response.content
        event = AuditEvent.objects.latest("pk")
        assert (event.action, event.outcome) == ("deny", "denied")
    assert not AuditEvent.objects.filter(action="export").exists()
