"""Every page that shows personal health information puts the look on file, and every
refused look too — one event per page, linking every patient shown."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from rehabdesk.access.accessors import patient_for
from rehabdesk.access.errors import AccessDenied
from rehabdesk.access.policy import Action
from rehabdesk.audit.models import AuditEvent
from rehabdesk.patients.models import Patient
from rehabdesk.patients.services import patient_update
from rehabdesk.testing.authorization import all_routes

pytestmark = pytest.mark.django_db

# route -> (persona, how to build the URL, the patients the page shows)
PHI_PAGES = {
    "patient-search": (
        "front_desk",
        lambda w: reverse("patient-search") + "?q=green",
        ["guardian", "child"],
    ),
    "patient-detail": (
        "physio",
        lambda w: reverse("patient-detail", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    # Opening a record outside one's care (break-glass): the form names the patient.
    "record-open": (
        "massage_therapist",
        lambda w: reverse("record-open", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    # The desk records a directive given in person: the patient's directives.
    "desk-lockbox": (
        "front_desk",
        lambda w: reverse("desk-lockbox", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "patient-sign-in": (
        "front_desk",
        lambda w: reverse("patient-sign-in", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "patient-edit": (
        "front_desk",
        lambda w: reverse("patient-edit", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "patient-access-log": (
        "manager",
        lambda w: reverse("patient-access-log", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "patient-family-add": (
        "front_desk",
        lambda w: reverse("patient-family-add", args=[w.child.pk]) + "?q=grace",
        ["child", "guardian"],
    ),
    "patient-coverage-new": (
        "front_desk",
        lambda w: reverse("patient-coverage-new", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "patient-coverage-edit": (
        "front_desk",
        lambda w: reverse(
            "patient-coverage-edit", args=[w.patient_a.pk, w.patient_a.coverages.get().pk]
        ),
        ["patient_a"],
    ),
    "my-family": ("guardian", lambda w: reverse("my-family"), ["guardian", "child"]),
    # Home exercises (with a program: web/tests/test_exercise_pages.py).
    "exercise-programs": (
        "physio",
        lambda w: reverse("exercise-programs", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "exercise-program-new": (
        "physio",
        lambda w: reverse("exercise-program-new", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    # No program to follow: nothing shown, nothing on file.
    "my-exercises": ("guardian", lambda w: reverse("my-exercises"), []),
    # The portal's person page names everyone the guardian may switch to.
    "my-person": (
        "guardian",
        lambda w: reverse("my-person", args=[w.child.pk]),
        ["guardian", "child"],
    ),
    "my-profile": ("guardian", lambda w: reverse("my-profile", args=[w.child.pk]), ["child"]),
    "my-consents": ("guardian", lambda w: reverse("my-consents", args=[w.child.pk]), ["child"]),
    # A year's receipts: everyone the guardian manages, listed in one event.
    "my-receipts": ("guardian", lambda w: reverse("my-receipts"), ["guardian", "child"]),
    # Privacy rights: the index shows no one's information; each list is one event.
    "my-privacy": ("guardian", lambda w: reverse("my-privacy"), []),
    # Who looked at the record: the guardian's own, first.
    "my-privacy-access-log": ("guardian", lambda w: reverse("my-privacy-access-log"), ["guardian"]),
    # The lockbox: the guardian's page lists everyone they manage and their directives.
    "my-lockbox": ("guardian", lambda w: reverse("my-lockbox"), ["guardian", "child"]),
    "my-privacy-requests": (
        "guardian",
        lambda w: reverse("my-privacy-requests"),
        ["guardian", "child"],
    ),
    "my-privacy-corrections": (
        "guardian",
        lambda w: reverse("my-privacy-corrections"),
        ["guardian", "child"],
    ),
    # Packages: everyone the guardian manages, listed in one event.
    "my-packages": ("guardian", lambda w: reverse("my-packages"), ["guardian", "child"]),
    "my-consent-give": (
        "guardian",
        lambda w: reverse("my-consent-give", args=[w.child.pk, "physiotherapy"]),
        ["child"],
    ),
    "patient-consent": (
        "front_desk",
        lambda w: reverse("patient-consent", args=[w.patient_a.pk]) + "?topic=acupuncture",
        ["patient_a"],
    ),
    "patient-privacy-consent": (
        "front_desk",
        lambda w: reverse("patient-privacy-consent", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "patient-consent-verbal": (
        "physio",
        lambda w: reverse("patient-consent-verbal", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "my-waitlist-join": (
        "guardian",
        lambda w: reverse("my-waitlist-join", args=[w.child.pk]),
        ["child"],
    ),
    # The day pages with nobody booked today; with patients: web/tests/test_desk_pages.py.
    "desk-day": ("front_desk", lambda w: reverse("desk-day"), []),
    "my-day": ("physio", lambda w: reverse("my-day"), []),
    "staff-hours-practitioner": (
        "manager",
        lambda w: reverse("staff-hours-practitioner", args=[w.physio.pk]),
        [],
    ),
    "patient-book": (
        "front_desk",
        lambda w: reverse("patient-book", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "patient-waitlist-add": (
        "physio",
        lambda w: reverse("patient-waitlist-add", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "patient-series": (
        "front_desk",
        lambda w: reverse("patient-series", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "plan-new": (
        "physio",
        lambda w: reverse("plan-new", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "patient-deactivate": (
        "front_desk",
        lambda w: reverse("patient-deactivate", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "safety-alert-add": (
        "physio",
        lambda w: reverse("safety-alert-add", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    # A patient's documents (with some on file, and the download: care/tests/).
    "document-upload": (
        "physio",
        lambda w: reverse("document-upload", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    # The waitlist with nobody waiting; with patients: web/tests/test_waitlist_pages.py.
    "waitlist": ("front_desk", lambda w: reverse("waitlist"), []),
    # The health form: the desk's paper entry, the portal's list and first page, and the
    # practitioner's reading (its answers, once sent: web/tests/test_intake_pages.py).
    "staff-intake-enter": (
        "front_desk",
        lambda w: reverse("staff-intake-enter", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "patient-intake": (
        "physio",
        lambda w: reverse("patient-intake", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "my-intakes": ("guardian", lambda w: reverse("my-intakes"), ["guardian", "child"]),
    "my-intake": ("guardian", lambda w: reverse("my-intake", args=[w.child.pk]), ["child"]),
    # A clinical entry without a visit: the editor's own pages are audited in
    # web/tests/test_note_pages_audited.py (they need a note written first).
    "note-new": (
        "physio",
        lambda w: reverse("note-new", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    # The chart and the choice of its printed copy (the copy itself, an export:
    # web/tests/test_chart_copy.py).
    "patient-chart": (
        "physio",
        lambda w: reverse("patient-chart", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "patient-chart-print": (
        "physio",
        lambda w: reverse("patient-chart-print", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    # Entering an outcome measure; the portal's questionnaires with nobody asked (with
    # requests, and each one's form: web/tests/test_measure_portal_pages.py).
    "measure-new": (
        "physio",
        lambda w: reverse("measure-new", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "my-measures": ("guardian", lambda w: reverse("my-measures"), []),
    # A patient's account, statement and the payment form (billing: VIEW/CHANGE_BILLING).
    "billing-patient": (
        "front_desk",
        lambda w: reverse("billing-patient", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "billing-statement": (
        "manager",
        lambda w: reverse("billing-statement", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "billing-payment-new": (
        "front_desk",
        lambda w: reverse("billing-payment-new", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    "billing-package-sell": (
        "front_desk",
        lambda w: reverse("billing-package-sell", args=[w.patient_a.pk]),
        ["patient_a"],
    ),
    # Registering shows nobody's record until a possible duplicate is listed (tested below).
    "patient-new": ("front_desk", lambda w: reverse("patient-new"), []),
}


# API reads of patient data, each tested in its own module.
PHI_API_READS = {"api:get_appointment": "rehabdesk/api/tests/test_booking_api.py"}


def test_every_api_read_of_patient_data_is_known():
    reads = {
        route.key
        for route in all_routes()
        if route.key.startswith("api:get_") or route.key in {"api:list_appointments"}
    }
    assert reads == set(PHI_API_READS)


def test_every_patient_page_is_in_this_list():
    patient_pages = {
        route.key
        for route in all_routes()
        if route.pattern.startswith(("staff/patients/", "my/"))
        and route.key
        not in {
            # POST-only actions: the services audit what they change.
            "patient-care-add",
            "patient-care-end",
            "patient-family-end",
            "patient-reactivate",
            "patient-sign-in-reset",
            "patient-sign-in-email",
            "billing-pay-all",
            "my-waitlist-leave",
            "my-appointment-offer",
            "my-appointment-confirm",
            # An appointment's pages need one booked: web/tests/test_portal_pages.py.
            "my-appointment",
            "my-appointment-cancel",
            "my-appointment-move",
            # A consent's withdrawal needs one given: web/tests/test_consent_pages.py.
            "my-consent-withdraw",
            "my-privacy-withdraw",
            "my-lockbox-withdraw",
            # A health form's section and review need a draft (without one they lead to
            # the form's first page): web/tests/test_intake_pages.py.
            "my-intake-section",
            # A questionnaire to answer needs one asked: web/tests/test_measure_portal_pages.py.
            "my-measure",
            "my-intake-review",
            "staff-intake-enter-section",
            "staff-intake-enter-review",
            # A treatment plan's pages need a plan: web/tests/test_plan_pages.py.
            "plan-detail",
            "plan-edit",
            "plan-discharge",
            "plan-book",
            # The chart's printed copy is an EXPORT event: web/tests/test_chart_copy.py.
            "patient-chart-pdf",
            # Receipts and statements are copies, EXPORT events (one per receipt):
            # web/tests/test_receipt_pages.py, billing/tests/test_statement_pdf.py.
            "my-receipt-pdf",
            "my-receipts-year-pdf",
            "staff-statement-pdf",
            # A released record is an EXPORT event, downloaded once through a signed
            # link, and a statement of disagreement a POST the service audits:
            # privacy/tests, web/tests/test_privacy_pages.py.
            "my-privacy-export",
            "my-privacy-disagreement",
            # A program's pages need one prescribed; each is one event:
            # web/tests/test_exercise_pages.py. Ticks, undos and reminders are POSTs the
            # services audit.
            "exercise-program-change",
            "exercise-program-stop",
            "my-exercise-handout",
            "my-exercise-tick",
            "my-exercise-undo",
            "my-exercise-reminder",
            # Setting a password by e-mailed link: no patient's information is shown.
            "password-request",
            "password-sent",
            "password-set",
            "password-done",
            # The patient's own calendar address: the address only; each fetch of the
            # feed is the audited read (access.feeds).
            "my-feed",
        }
    }
    assert patient_pages <= set(PHI_PAGES)  # other pages showing patients are listed too


@pytest.mark.parametrize("route", sorted(PHI_PAGES))
def test_each_patient_page_writes_one_view_event(client, personas, route):
    persona, url, shown = PHI_PAGES[route]
    client.force_login(personas.user(persona))
    before = AuditEvent.objects.count()
    response = client.get(url(personas))
    assert response.status_code == 200
    events = AuditEvent.objects.order_by("pk")[before:]
    if not shown:
        assert list(events) == []
        return
    (event,) = events
    assert (event.action, event.outcome, event.actor) == ("view", "success", personas.user(persona))
    expected = {getattr(personas, name).pk for name in shown}
    assert set(event.patient_links.values_list("patient_id", flat=True)) == expected
    assert event.request_id == response["X-Request-ID"]


def test_listing_possible_duplicates_is_on_file(client, personas):
    client.force_login(personas.front_desk)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("patient-new"),
        {
            "first_name": "Alice",
            "last_name": "Anders",
            "date_of_birth": "1980-04-02",
            "phone": "905-555-0000",
            "province": "ON",
            "preferred_language": "English",
        },
    )
    assert "Already on file?" in response.text
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert event.summary == "possible duplicates"
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]


def test_a_practitioner_outside_the_care_relationship_gets_404_and_is_on_file(client, personas):
    client.force_login(personas.massage_therapist.user)
    response = client.get(reverse("patient-detail", args=[personas.patient_a.pk]))
    assert response.status_code == 404
    assert "Anders" not in response.text
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.outcome) == ("deny", "denied")
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.patient_a.pk]


def test_an_unknown_patient_answers_like_a_forbidden_one(client, personas):
    client.force_login(personas.patient_b.user)
    forbidden = client.get(reverse("my-person", args=[personas.child.pk]))
    unknown = client.get(reverse("my-person", args=[999_999]))
    assert forbidden.status_code == unknown.status_code == 404
    assert list(AuditEvent.objects.order_by("-pk").values_list("outcome", flat=True)[:2]) == [
        "not_found",
        "denied",
    ]


def test_a_search_shows_a_practitioner_only_their_own_patients(client, personas):
    client.force_login(personas.physio.user)
    response = client.get(reverse("patient-search"), {"q": "a"})
    assert [p.pk for p in response.context["results"]] == [personas.patient_a.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_denial_stays_on_file_when_the_work_around_it_rolls_back(client, personas):
    """The edge records the denial after the failed transaction has ended."""
    patient = Patient.objects.get(pk=personas.patient_b.pk)

    def change_then_get_refused() -> None:
        with transaction.atomic():
            patient.phone = "905-555-0000"
            patient_update(actor=personas.massage_therapist.user, patient=patient)
            patient_for(
                user=personas.massage_therapist.user,
                patient_id=patient.pk,
                action=Action.CHANGE_DEMOGRAPHICS,
            )

    with pytest.raises(AccessDenied):
        change_then_get_refused()
    patient.refresh_from_db()
    assert patient.phone == "905-555-0122"
    client.force_login(personas.massage_therapist.user)
    client.post(reverse("patient-deactivate", args=[patient.pk]), {"reason": "x"})
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.outcome) == ("deny", "denied")
    assert not AuditEvent.objects.filter(summary="patient record: phone").exists()
