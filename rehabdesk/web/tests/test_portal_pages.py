"""The patient portal: a patient sees their upcoming and past appointments, moves or
cancels within the policy, joins and leaves the waitlist, books again, keeps their
contact details and sees their consents; a guardian switches between their own record
and their child's; nobody reaches anyone else's. Every page is audited and reads in a
fixed number of queries."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.models import AuditEvent
from rehabdesk.consents.choices import ConsentChannel
from rehabdesk.consents.services import consent_record, privacy_notice_publish
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.patients.models import Patient
from rehabdesk.scheduling.choices import AppointmentStatus, Channel, WaitlistStatus
from rehabdesk.scheduling.models import Appointment, WaitlistEntry
from rehabdesk.scheduling.services import (
    appointment_arrive,
    appointment_book,
    appointment_cancel,
    freed_time_process,
)
from rehabdesk.scheduling.testing import build_booking_world, weekday_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def book(world, start: datetime, patient: Patient, *, now: datetime | None = None) -> Appointment:
    return appointment_book(
        request=world.request(start, patient=patient, channel=Channel.ONLINE),
        actor=None,
        now=now or timezone.now(),
    )


def visited(world, patient: Patient, start: datetime) -> Appointment:
    """A visit that took place: booked the day before, checked in on the day."""
    booked = book(world, start, patient, now=start - timedelta(days=1))
    return appointment_arrive(appointment=booked, actor=None, now=start + timedelta(minutes=5))


def sign_in(client, personas, name: str) -> None:
    client.force_login(personas.user(name))


def test_a_patient_sees_upcoming_and_past_and_can_book_again(client, personas, world):
    upcoming = book(world, weekday_at(10), world.patient)
    past = visited(world, world.patient, weekday_at(10, after_days=-7))
    sign_in(client, personas, "patient_a")
    page = client.get(reverse("my-family"))
    assert page.status_code == 200
    text = page.text
    assert reverse("my-appointment", args=[upcoming.pk]) in text
    assert reverse("my-appointment", args=[past.pk]) in text
    assert "Book again" in text
    assert f"practitioner={world.physio.pk}" in text
    assert "no-store" in page["Cache-Control"]
    event = AuditEvent.objects.filter(object_type="web.my_portal").latest("pk")
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [world.patient.pk]


def test_signed_in_a_patient_books_again_without_a_code(client, personas, world):
    visited(world, world.patient, weekday_at(10, after_days=-7))
    sign_in(client, personas, "patient_a")
    again = re.search(r'href="(/book/times/\?[^"]+)"', client.get(reverse("my-family")).text)
    assert again
    times = client.get(again.group(1).replace("&amp;", "&"))
    chosen = re.search(r'name="pick" value="([^"]+)"', times.text).group(1)
    form = {"service": world.follow_up.pk, "location": world.pickering.pk, "pick": chosen}
    form["practitioner"] = world.physio.pk
    assert client.post(reverse("book-times"), form).status_code == 302
    assert client.get(reverse("book-details"))["Location"] == reverse("book-returning")
    chooser = client.get(reverse("book-returning")).text
    assert "E-mail me a code" not in chooser
    held = client.post(reverse("book-returning"), {"person": world.patient.pk})
    assert held.status_code == 302
    hold = Appointment.objects.get(patient=world.patient, status=AppointmentStatus.PENDING)
    assert hold.practitioner == world.physio
    assert not OutboxMessage.objects.filter(kind="online_code").exists()


@pytest.mark.parametrize("page", ["my-appointment", "my-appointment-cancel", "my-appointment-move"])
def test_each_appointment_page_writes_one_view_event(client, personas, world, page):
    childs = book(world, weekday_at(15), personas.child)
    sign_in(client, personas, "guardian")
    before = AuditEvent.objects.count()
    assert client.get(reverse(page, args=[childs.pk])).status_code == 200
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.action, event.actor) == (AuditAction.VIEW, personas.user("guardian"))
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [personas.child.pk]


def test_a_patient_cancels_and_moves_from_the_portal(client, personas, world):
    first = book(world, weekday_at(10), world.patient)
    second = book(world, weekday_at(11), world.patient)
    sign_in(client, personas, "patient_a")
    page = client.get(reverse("my-appointment", args=[first.pk]))
    assert "Move to another time" in page.text
    client.post(reverse("my-appointment-cancel", args=[first.pk]))
    first.refresh_from_db()
    assert first.status == AppointmentStatus.CANCELLED
    move = reverse("my-appointment-move", args=[second.pk])
    values = re.findall(r'name="pick" id="[^"]+" value="([^"]+)"', client.get(move).text)
    chosen = values[2]
    assert client.post(move, {"pick": chosen}).status_code == 302
    second.refresh_from_db()
    assert second.start == datetime.fromisoformat(chosen.split("|")[0])
    changes = AuditEvent.objects.filter(action=AuditAction.CHANGE, object_id=str(second.pk))
    assert changes.filter(actor=personas.user("patient_a")).exists()


def test_a_guardian_switches_to_their_child_and_manages_the_childs_booking(client, personas, world):
    childs = book(world, weekday_at(15), personas.child)
    sign_in(client, personas, "guardian")
    own = client.get(reverse("my-family")).text
    assert reverse("my-person", args=[personas.child.pk]) in own
    assert 'aria-current="page"' in own
    page = client.get(reverse("my-person", args=[personas.child.pk]))
    assert page.status_code == 200
    assert reverse("my-appointment", args=[childs.pk]) in page.text
    client.post(reverse("my-appointment-cancel", args=[childs.pk]))
    childs.refresh_from_db()
    assert childs.status == AppointmentStatus.CANCELLED


@pytest.mark.parametrize("name", ["patient_b", "guardian", "front_desk", "physio", "outsider"])
def test_nobody_reaches_another_patients_portal(client, personas, world, name):
    theirs = book(world, weekday_at(10), world.patient)
    sign_in(client, personas, name)
    for url in (
        reverse("my-person", args=[world.patient.pk]),
        reverse("my-profile", args=[world.patient.pk]),
        reverse("my-consents", args=[world.patient.pk]),
        reverse("my-waitlist-join", args=[world.patient.pk]),
        reverse("my-appointment", args=[theirs.pk]),
        reverse("my-appointment-move", args=[theirs.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("my-appointment-cancel", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == AppointmentStatus.BOOKED


def test_an_online_hold_is_not_managed_from_the_portal(client, personas, world):
    held = book(world, weekday_at(10), world.patient)
    Appointment.objects.filter(pk=held.pk).update(
        status=AppointmentStatus.PENDING, hold_expires_at=timezone.now() + timedelta(minutes=10)
    )
    sign_in(client, personas, "patient_a")
    assert client.get(reverse("my-appointment", args=[held.pk])).status_code == 404


def test_a_patient_keeps_their_contact_details_but_not_their_name(client, personas, world):
    sign_in(client, personas, "patient_a")
    url = reverse("my-profile", args=[world.patient.pk])
    form = client.get(url)
    assert 'name="phone"' in form.text
    assert 'name="last_name"' not in form.text
    assert 'name="email"' not in form.text
    saved = client.post(
        url,
        {
            "phone": "905-555-0177",
            "preferred_language": "French",
            "contact_by_email": "on",
            "province": "ON",
            "last_name": "Changed",
        },
    )
    assert saved.status_code == 302
    patient = Patient.objects.get(pk=world.patient.pk)
    assert patient.phone == "+19055550177"  # kept in E.164
    assert patient.preferred_language == "French"
    assert not patient.contact_by_sms
    assert patient.last_name == world.patient.last_name
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGE, actor=personas.user("patient_a"), object_id=str(patient.pk)
    ).exists()


def test_a_profile_without_any_way_to_reach_them_is_refused(client, personas, world):
    Patient.objects.filter(pk=world.patient.pk).update(email="")
    sign_in(client, personas, "patient_a")
    refused = client.post(
        reverse("my-profile", args=[world.patient.pk]), {"phone": "", "province": "ON"}
    )
    assert refused.status_code == 200
    assert "Give a phone number" in refused.text


def test_a_patient_sees_the_consents_they_gave(client, personas, world):
    notice = privacy_notice_publish(body="We keep your records safe.", now=timezone.now())
    consent_record(
        patient=world.patient,
        notice=notice,
        channel=ConsentChannel.ONLINE,
        actor=None,
        now=timezone.now(),
    )
    sign_in(client, personas, "patient_a")
    page = client.get(reverse("my-consents", args=[world.patient.pk]))
    assert f"version {notice.version}" in page.text
    assert AuditEvent.objects.filter(summary="portal: consents").exists()


def test_a_patient_joins_and_leaves_the_waitlist(client, personas, world):
    sign_in(client, personas, "patient_a")
    url = reverse("my-waitlist-join", args=[world.patient.pk])
    assert client.get(url).status_code == 200
    joined = client.post(
        url,
        {
            "service": world.follow_up.pk,
            "practitioner": world.physio.pk,
            "locations": [world.pickering.pk],
            "weekdays": [0, 2],
            "day_parts": ["morning"],
            "valid_until": (timezone.localdate() + timedelta(days=20)).isoformat(),
        },
    )
    assert joined.status_code == 302
    entry = WaitlistEntry.objects.get(patient=world.patient)
    assert entry.weekdays == [0, 2]
    assert entry.service.name in client.get(reverse("my-family")).text
    left = client.post(reverse("my-waitlist-leave", args=[entry.pk]))
    assert left.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WITHDRAWN


def test_a_waitlist_date_in_the_past_is_a_form_error(client, personas, world):
    sign_in(client, personas, "patient_a")
    refused = client.post(
        reverse("my-waitlist-join", args=[world.patient.pk]),
        {
            "service": world.follow_up.pk,
            "locations": [world.pickering.pk],
            "valid_until": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert refused.status_code == 200
    assert not WaitlistEntry.objects.exists()


def test_a_patient_takes_a_time_offered_from_the_waitlist_in_the_portal(client, personas, world):
    taken = book(world, weekday_at(10), world.other_patient)
    sign_in(client, personas, "patient_a")
    client.post(
        reverse("my-waitlist-join", args=[world.patient.pk]),
        {
            "service": world.follow_up.pk,
            "locations": [world.pickering.pk],
            "valid_until": (timezone.localdate() + timedelta(days=20)).isoformat(),
        },
    )
    appointment_cancel(appointment=taken, actor=None, now=timezone.now())
    freed_time_process(now=timezone.now())
    hold = Appointment.objects.get(patient=world.patient, status=AppointmentStatus.PENDING)
    page = client.get(reverse("my-family")).text
    assert reverse("my-appointment", args=[hold.pk]) in page
    assert "a time is held for you" in page
    client.post(reverse("my-appointment-offer", args=[hold.pk]), {"answer": "accept"})
    hold.refresh_from_db()
    assert hold.status == AppointmentStatus.BOOKED


def test_nobody_else_takes_a_patient_off_the_waitlist(client, personas, world):
    sign_in(client, personas, "patient_a")
    client.post(
        reverse("my-waitlist-join", args=[world.patient.pk]),
        {
            "service": world.follow_up.pk,
            "locations": [world.pickering.pk],
            "valid_until": (timezone.localdate() + timedelta(days=20)).isoformat(),
        },
    )
    entry = WaitlistEntry.objects.get(patient=world.patient)
    client.force_login(personas.user("patient_b"))
    assert client.post(reverse("my-waitlist-leave", args=[entry.pk])).status_code == 404
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


def test_the_portal_page_reads_in_a_fixed_number_of_queries(
    client, personas, world, django_assert_num_queries
):
    sign_in(client, personas, "guardian")
    url = reverse("my-person", args=[personas.child.pk])
    client.get(url)
    # With the clinic's name for the header and the health form's status.
    with django_assert_num_queries(14) as few:
        client.get(url)
    for hour in (9, 10, 11):
        book(world, weekday_at(hour), personas.child)
    visited(world, personas.child, weekday_at(10, after_days=-7))
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def missing_descriptions(html: str) -> list[str]:
    """Ids that an aria-describedby on the page names but that no element carries."""
    wanted = {i for ids in re.findall(r'aria-describedby="([^"]+)"', html) for i in ids.split()}
    return sorted(i for i in wanted if f'id="{i}"' not in html)


@pytest.mark.parametrize(
    ("persona", "route", "target"),
    [
        ("patient_a", "my-profile", "patient_a"),
        ("patient_a", "my-waitlist-join", "patient_a"),
        ("front_desk", "patient-new", None),
        ("front_desk", "patient-waitlist-add", "patient_a"),
    ],
)
def test_help_and_errors_are_tied_to_their_inputs(client, personas, world, persona, route, target):
    sign_in(client, personas, persona)
    url = reverse(route, args=[getattr(personas, target).pk] if target else [])
    refused = client.post(url, {"phone": "", "valid_until": "not a date"})
    assert refused.status_code == 200
    html = refused.text
    assert 'aria-invalid="true"' in html
    assert 'class="field-error"' in html
    assert missing_descriptions(html) == []
