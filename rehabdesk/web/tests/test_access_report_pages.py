"""The access report. A patient sees which members of staff looked at their record, or
a dependent's, and when — names and roles, never ids or e-mail addresses. The privacy
officer sees it across patients, narrowed to after hours, no appointment (that day or
ever), emergency openings and one member of staff, paged. Reading the trail is itself
on file."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rehabdesk.access import access_report
from rehabdesk.accounts.roles import Role
from rehabdesk.accounts.services import user_set_roles
from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.audit.services import audit_record
from rehabdesk.scheduling.testing import build_booking_world, weekday_at
from rehabdesk.web.tests.test_portal_pages import visited

pytestmark = pytest.mark.django_db

MY_LOG = reverse("my-privacy-access-log")
REPORT = reverse("privacy-access-report")


def looked(personas, who, patient, when, *, action=AuditAction.VIEW, summary="patient record"):
    user = personas.user(who)
    return audit_record(
        actor=user,
        action=action,
        object_type="patients.patient",
        object_id=patient.pk,
        patient_ids=[patient.pk],
        summary=summary,
        location_id=personas.pickering.pk,
        now=when,
    )


def rows(response) -> list[str]:
    """The report's lines as text: those of the looks these tests make (building the
    personas put the desk's own changes on file too)."""
    html = response.content.decode()
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    cells = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S) if body else []
    lines = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]
    return [line for line in lines if "patient record" in line]


@pytest.fixture
def officer(personas):
    user_set_roles(user=personas.manager, roles=[Role.MANAGER, Role.PRIVACY_OFFICER])
    return personas.manager


def test_a_patient_sees_who_among_staff_looked_and_when_by_name_and_role(client, personas):
    looked(personas, "physio", personas.patient_a, weekday_at(10, after_days=-3))
    looked(personas, "front_desk", personas.patient_a, weekday_at(11, after_days=-2))
    looked(personas, "physio", personas.patient_b, weekday_at(12, after_days=-2))  # not hers
    looked(personas, "patient_a", personas.patient_a, weekday_at(13, after_days=-2))  # herself
    client.force_login(personas.user("patient_a"))
    response = client.get(MY_LOG)
    assert response.status_code == 200
    listed = rows(response)
    assert len(listed) == 2
    assert "Sam" in listed[0]
    assert "Front desk" in listed[0]
    assert "Pickering" in listed[0]
    assert "Priya Physio" in listed[1]
    assert "Practitioner" in listed[1]
    assert "Viewed: patient record" in listed[1]
    html = response.content.decode()
    assert "@persona.example" not in html
    assert f"patient={personas.patient_a.pk}" not in html  # no ids to see on her own
    on_file = AuditEvent.objects.filter(object_type="audit.access_log").get()
    assert on_file.action == AuditAction.VIEW
    assert on_file.actor_id == personas.user("patient_a").pk
    assert list(on_file.patient_links.values_list("patient_id", flat=True)) == [
        personas.patient_a.pk
    ]


@pytest.mark.parametrize(
    ("who", "whose", "status"),
    [("guardian", "child", 200), ("patient_a", "child", 404), ("guardian", "patient_a", 404)],
)
def test_a_guardian_sees_a_dependents_log_and_nobody_else_does(
    client, personas, who, whose, status
):
    looked(personas, "physio", personas.child, weekday_at(10, after_days=-3))
    client.force_login(personas.user(who))
    response = client.get(MY_LOG, {"patient": getattr(personas, whose).pk})
    assert response.status_code == status
    if status == 200:
        assert "Priya Physio" in rows(response)[0]


def test_a_malformed_address_is_a_400_showing_the_patients_own_log(client, personas):
    client.force_login(personas.user("patient_a"))
    response = client.get(MY_LOG, {"patient": "x"})
    assert response.status_code == 400
    assert "not quite right" in response.content.decode()


@pytest.fixture
def month(personas):
    """The physio's month: a visit with Alice last week, and looks at her record that
    day in hours, that day after hours, another day; at Bob's, whom the physio never
    saw; an emergency opening by the massage therapist; the desk's look."""
    world = build_booking_world(personas)
    visit_day = weekday_at(10, after_days=-7)
    visited(world, personas.patient_a, visit_day)
    return {
        "in_hours_visit_day": looked(personas, "physio", personas.patient_a, visit_day),
        "after_hours_visit_day": looked(
            personas, "physio", personas.patient_a, visit_day.replace(hour=22)
        ),
        "other_day": looked(personas, "physio", personas.patient_a, weekday_at(11, after_days=-10)),
        "never_seen": looked(personas, "physio", personas.patient_b, visit_day),
        "emergency": looked(
            personas,
            "massage_therapist",
            personas.patient_b,
            visit_day,
            action=AuditAction.EMERGENCY,
        ),
        "desk": looked(personas, "front_desk", personas.patient_b, visit_day),
    }


def listed_events(response) -> int:
    return len(rows(response))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, 6),
        ({"concern": "after_hours"}, 1),
        ({"concern": "no_visit_day"}, 3),  # other day, Bob, and the massage therapist's
        ({"concern": "no_visit_ever"}, 2),  # Bob (physio), Bob (massage therapist)
        ({"concern": "emergency"}, 1),
        ({"staff": "physio"}, 4),
        ({"staff": "physio", "concern": "no_visit_ever"}, 1),
    ],
)
def test_the_privacy_officer_narrows_the_report(
    client, personas, officer, month, filters, expected
):
    if "staff" in filters:
        filters = {**filters, "staff": personas.user(filters["staff"]).pk}
    client.force_login(officer)
    response = client.get(REPORT, filters)
    assert response.status_code == 200
    assert listed_events(response) == expected, rows(response)


@pytest.mark.parametrize(("days", "expected"), [("7", 1), ("30", 2), ("90", 3)])
def test_the_report_covers_the_last_days_chosen(client, personas, officer, days, expected):
    now = timezone.now()
    for ago in (2, 20, 60, 120):
        looked(personas, "physio", personas.patient_a, now - timedelta(days=ago))
    client.force_login(officer)
    assert listed_events(client.get(REPORT, {"days": days})) == expected


def test_the_report_names_staff_and_patients_and_flags_what_to_look_at(
    client, personas, officer, month
):
    client.force_login(officer)
    listed = rows(client.get(REPORT, {"concern": "after_hours"}))
    assert len(listed) == 1
    assert "Priya Physio" in listed[0]
    assert "Alice Anders" in listed[0]
    assert "After hours" in listed[0]
    emergency = rows(client.get(REPORT, {"concern": "emergency"}))
    assert "Olivia Massage" in emergency[0]
    assert "Emergency" in emergency[0]
    assert "No appointment ever" in emergency[0]


def test_reading_the_report_is_on_file_linking_the_patients_shown(client, personas, officer, month):
    client.force_login(officer)
    client.get(REPORT, {"concern": "after_hours"})
    on_file = AuditEvent.objects.filter(object_type="audit.access_report").get()
    assert on_file.actor_id == officer.pk
    assert on_file.action == AuditAction.VIEW
    assert personas.patient_a.pk in on_file.patient_links.values_list("patient_id", flat=True)


def test_the_report_is_paged(client, personas, officer, monkeypatch):
    monkeypatch.setattr(access_report, "PER_PAGE", 2)
    for hours in range(5):
        looked(personas, "physio", personas.patient_a, weekday_at(9 + hours, after_days=-2))
    client.force_login(officer)
    physio = {"staff": personas.user("physio").pk}
    first = client.get(REPORT, physio)
    assert listed_events(first) == 2
    assert "Page 1 of 3" in first.content.decode()
    assert listed_events(client.get(REPORT, {**physio, "page": 3})) == 1


@pytest.mark.parametrize("filters", [{"concern": "gossip"}, {"days": "365"}, {"staff": "me"}])
def test_filters_not_understood_are_a_400_not_a_500(client, officer, filters):
    client.force_login(officer)
    response = client.get(REPORT, filters)
    assert response.status_code == 400
    assert "not understood" in response.content.decode()


def test_a_manager_who_is_not_the_privacy_officer_gets_a_404(client, personas):
    client.force_login(personas.manager)
    assert client.get(REPORT).status_code == 404


@pytest.mark.parametrize("concern", ["after_hours", "no_visit_day", "no_visit_ever"])
def test_a_filtered_page_costs_the_same_queries_however_many_looks_there_are(
    client, personas, officer, month, concern
):
    client.force_login(officer)
    with CaptureQueriesContext(connection) as few:
        client.get(REPORT, {"concern": concern})
    for hours in range(20):
        looked(personas, "physio", personas.patient_b, weekday_at(hours, after_days=-4))
    with CaptureQueriesContext(connection) as many:
        response = client.get(REPORT, {"concern": concern})
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
