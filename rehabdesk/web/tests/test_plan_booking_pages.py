"""Booking a treatment plan: the visits proposed per course as dates and times (the
nearest free time marked where the usual one is taken, either location on request),
booked all at once as shown. The practitioner books from the plan; the front desk
from the patient page, seeing the times only. A time taken meanwhile books nothing
and shows the times as they are now."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from rehabdesk.audit.models import AuditEvent
from rehabdesk.plans.proposal import proposal_read
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import BookingRequest, appointment_book
from rehabdesk.web.tests.plan_world import a_plan, discharge, plan_url, plan_world, signed_in

pytestmark = pytest.mark.django_db


def _visits(patient) -> int:
    return Appointment.objects.filter(patient=patient, status=AppointmentStatus.BOOKED).count()


def _form(html: str) -> dict[str, object]:
    """The booking form as a browser would post it: the signed proposal and every box
    ticked."""
    proposal = re.search(r'name="proposal" value="([^"]+)"', html)
    assert proposal, "the page carries the proposal"
    boxes = re.findall(r'name="book" value="([^"]+)"[^>]*checked', html)
    return {"proposal": proposal.group(1), "book": boxes}


def test_the_physio_books_the_whole_plan_from_its_page(personas):
    world = plan_world(personas)
    plan = a_plan(world)  # twice a week for six weeks at Pickering
    client = signed_in(personas, "physio")

    page = client.get(plan_url("plan-book", plan))
    form = _form(page.text)
    done = client.post(plan_url("plan-book", plan), form)

    assert page.status_code == 200
    assert "Follow-up with Priya Physio" in page.text
    assert len(form["book"]) == 12
    assert done.status_code == 302
    assert done["Location"] == plan_url("plan-detail", plan)
    assert _visits(world.patient) == 12
    shown = client.get(done["Location"]).text
    assert "Booked 12 visits of the plan." in shown
    assert "0 of 12 planned visits attended · 12 booked" in shown
    # Every course booked: nothing left to book from the plan.
    assert plan_url("plan-book", plan) not in shown


def test_a_visit_unticked_is_left_out(personas):
    world = plan_world(personas)
    plan = a_plan(world, courses=[world.course(weeks=2)])
    client = signed_in(personas, "physio")
    form = _form(client.get(plan_url("plan-book", plan)).text)
    kept = form["book"][1:]

    client.post(plan_url("plan-book", plan), {**form, "book": kept})

    assert _visits(world.patient) == 3


def test_nothing_ticked_books_nothing_and_says_so(personas):
    world = plan_world(personas)
    plan = a_plan(world, courses=[world.course(weeks=2)])
    client = signed_in(personas, "physio")
    form = _form(client.get(plan_url("plan-book", plan)).text)

    response = client.post(plan_url("plan-book", plan), {"proposal": form["proposal"]})

    assert response.status_code == 200
    assert "Tick at least one visit to book." in response.text
    assert _visits(world.patient) == 0


def test_a_time_taken_meanwhile_books_nothing_and_proposes_again(personas):
    world = plan_world(personas)
    plan = a_plan(world, courses=[world.course(weeks=2)])
    client = signed_in(personas, "physio")
    form = _form(client.get(plan_url("plan-book", plan)).text)
    shown = proposal_read(str(form["proposal"]), plan_id=plan.pk, now=timezone.now())
    # A visit of the second week: the pattern (the first free times) stays, that date moves.
    taken = shown.bookable[2].start
    assert taken is not None
    # Another patient, by phone, while the page was open.
    appointment_book(
        request=BookingRequest(
            patient=world.other_patient,
            practitioner=world.physio,
            service=world.follow_up,
            location=world.pickering,
            start=taken,
            channel=Channel.PHONE,
        ),
        actor=personas.front_desk,
        now=timezone.now(),
    )

    response = client.post(plan_url("plan-book", plan), form)

    assert response.status_code == 409
    html = re.sub(r"\s+", " ", response.text)
    assert "Nothing was booked." in html
    assert "The times below are as they are now" in html
    assert _visits(world.patient) == 0
    fresh = proposal_read(
        str(_form(response.text)["proposal"]), plan_id=plan.pk, now=timezone.now()
    )
    assert taken not in [visit.start for visit in fresh.bookable]
    assert "Alternative</span>" in html
    assert "That time is taken." in html
    # Booked as proposed again, it goes through.
    client.post(plan_url("plan-book", plan), _form(response.text))
    assert _visits(world.patient) == len(fresh.bookable)


def test_a_changed_proposal_is_refused_and_proposed_again(personas):
    world = plan_world(personas)
    plan = a_plan(world, courses=[world.course(weeks=2)])
    client = signed_in(personas, "physio")
    form = _form(client.get(plan_url("plan-book", plan)).text)

    response = client.post(plan_url("plan-book", plan), {**form, "proposal": "forged"})

    assert response.status_code == 200
    assert "This booking form was changed" in response.text
    assert _visits(world.patient) == 0


def test_both_locations_is_a_switch_the_booking_keeps(personas):
    world = plan_world(personas)
    plan = a_plan(world, courses=[world.course(weeks=2)])
    client = signed_in(personas, "physio")

    one = client.get(plan_url("plan-book", plan)).text
    both = client.get(plan_url("plan-book", plan), {"both": "1"}).text

    assert 'name="both" value="1" id="both">' in one
    assert 'name="both" value="1" id="both" checked>' in both
    proposal = proposal_read(str(_form(both)["proposal"]), plan_id=plan.pk, now=timezone.now())
    assert proposal.both_locations


def test_the_desk_books_the_plan_from_the_patient_page_seeing_the_times_only(personas):
    world = plan_world(personas)
    plan = a_plan(world, courses=[world.course(weeks=2)])
    desk = signed_in(personas, "front_desk")

    patient_page = desk.get(reverse("patient-detail", args=[world.patient.pk])).text
    page = desk.get(plan_url("plan-book", plan))
    done = desk.post(plan_url("plan-book", plan), _form(page.text))

    assert f'href="{plan_url("plan-book", plan)}">Book the treatment plan' in patient_page
    assert page.status_code == 200
    # Words the desk reads, not the page's random tokens (a CSP nonce once held "odi").
    words = strip_tags(page.text).lower()
    for clinical in ("Low back pain", "sits through", "ODI"):
        assert not re.search(rf"\b{clinical.lower()}\b", words), clinical
    assert "The treatment plan</a>" not in page.text
    assert plan_url("plan-detail", plan) not in page.text
    assert done.status_code == 302
    assert done["Location"] == reverse("patient-detail", args=[world.patient.pk])
    assert _visits(world.patient) == 4
    looks = AuditEvent.objects.filter(object_type="plans.treatmentplan", action="view")
    assert {event.summary for event in looks} == {"treatment plan booking (times)"}


def test_a_discharged_plan_has_nothing_to_book(personas):
    world = plan_world(personas)
    plan = discharge(a_plan(world))
    client = signed_in(personas, "physio")

    response = client.get(plan_url("plan-book", plan), follow=True)

    assert response.redirect_chain[-1][0] == plan_url("plan-detail", plan)
    assert "discharged" in response.text
    assert _visits(world.patient) == 0


@pytest.mark.parametrize("who", ["patient_a", "guardian", "massage_therapist", "outsider"])
def test_anyone_who_does_not_book_for_the_patient_is_refused(personas, who):
    world = plan_world(personas)
    plan = a_plan(world)
    client = signed_in(personas, who)
    assert client.get(plan_url("plan-book", plan)).status_code == 404
    assert client.post(plan_url("plan-book", plan), {}).status_code == 404
    assert _visits(world.patient) == 0


def test_the_patient_page_offers_no_booking_for_a_patient_without_a_plan(personas):
    plan_world(personas)
    page = signed_in(personas, "front_desk").get(
        reverse("patient-detail", args=[personas.patient_a.pk])
    )
    assert "Book the treatment plan" not in page.text
