"""The desk's shortcuts into booking: a patient found from the desk's day is booked at
its location in one click; a free cell on the schedule starts a booking at that time
(nothing about any patient in its address); the confirmation says the price with tax.

The clock is fixed at Monday 2027-03-08 11:00 in Toronto."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.scheduling.choices import AppointmentStatus, Channel
from rehabdesk.scheduling.models import Appointment
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import at, build_booking_world
from rehabdesk.web.prices import priced

pytestmark = pytest.mark.django_db

VIEW_NOW = at(8, 11)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: VIEW_NOW)


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


def cells(page: str) -> list[tuple[str, str]]:
    """The free cells of a schedule page: (link, what a screen reader says)."""
    return [
        (href.replace("&amp;", "&"), label)
        for href, label in re.findall(
            r'<li class="free"[^>]*><a href="([^"]+)"[^>]*>'
            r'<span class="visually-hidden">([^<]+)</span>',
            page,
        )
    ]


# --- The desk's day: find a caller, book them --------------------------------------------


def test_the_desk_finds_a_caller_and_books_them_at_its_location_in_one_click(
    client, personas, world
):
    client.force_login(personas.front_desk)
    response = client.get(reverse("desk-day"), {"location": "pickering", "q": "anders"})
    assert response.status_code == 200
    assert [p.pk for p in response.context["found"]] == [personas.patient_a.pk]
    book = reverse("patient-book", args=[personas.patient_a.pk])
    link = f'href="{book}?location={personas.pickering.pk}"'
    assert link in response.text
    # The finder opens with the desk's location chosen; the caller's service is next.
    finder = client.get(f"{book}?location={personas.pickering.pk}")
    assert finder.status_code == 200
    assert finder.context["form"]["location"].value() == personas.pickering.pk
    assert "selected>Pickering</option>" in finder.text


def test_the_desk_s_search_is_part_of_its_one_audited_look(client, personas, world):
    client.force_login(personas.front_desk)
    before = AuditEvent.objects.count()
    client.get(reverse("desk-day"), {"q": "green"})
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert event.object_type == "web.desk_day"
    assert set(event.patient_links.values_list("patient_id", flat=True)) == {
        personas.guardian.pk,
        personas.child.pk,
    }


def test_an_odd_search_or_prefill_is_a_form_error_not_an_error_page(client, personas, world):
    client.force_login(personas.front_desk)
    odd = client.get(reverse("desk-day"), {"q": "a b c d e f g h", "born": "soon"})
    assert odd.status_code == 200
    assert odd.context["search"].errors
    assert odd.context["found"] == []
    book = reverse("patient-book", args=[personas.patient_a.pk])
    finder = client.get(f"{book}?location=nowhere&practitioner=-1")
    assert finder.status_code == 200
    assert finder.context["form"]["location"].value() is None


# --- A free cell on the schedule -----------------------------------------------------------


def test_free_cells_lead_to_a_booking_at_that_time_with_ids_only(client, personas, world):
    appointment_book(
        request=world.request(at(10, 10), patient=personas.patient_a), actor=None, now=VIEW_NOW
    )
    client.force_login(personas.front_desk)
    page = client.get(
        reverse("schedule-day", kwargs={"location": "pickering", "day": "2027-03-10"})
    ).text
    found = cells(page)
    physio = [(href, label) for href, label in found if label.endswith("with Priya Physio")]
    labels = [label for _, label in physio]
    assert "Book 9:00 AM with Priya Physio" in labels
    # Booked 10:00–10:30 (+10 minutes' buffer), lunch 12:00–12:30: no cells there.
    for taken in ("10:00", "10:15", "10:30", "12:00", "12:15"):
        assert f"Book {taken} AM with Priya Physio" not in labels
        assert f"Book {taken} PM with Priya Physio" not in labels
    assert "Book 10:45 AM with Priya Physio" in labels
    assert "Book 4:45 PM with Priya Physio" in labels
    href = {label: href for href, label in physio}["Book 9:00 AM with Priya Physio"]
    query = parse_qs(urlsplit(href).query)
    assert urlsplit(href).path == reverse("book-at")
    assert set(query) == {"practitioner", "location", "at"}
    assert query["at"] == ["2027-03-10T09:00:00-05:00"]
    assert "Alice" not in href
    # One Tab stop per lane: its first free time; the others are reached with ↑ and ↓.
    assert page.count('class="free"') == len(found)
    assert page.count('tabindex="-1"><span class="visually-hidden">Book') == len(found) - 2


def test_past_times_and_rooms_have_no_free_cells(client, personas, world):
    client.force_login(personas.front_desk)
    url = reverse("schedule-day", kwargs={"location": "pickering", "day": "2027-03-08"})
    labels = [label for _, label in cells(client.get(url).text)]
    assert "Book 10:45 AM with Priya Physio" not in labels  # before 11:00 today
    assert "Book 11:00 AM with Priya Physio" in labels
    assert cells(client.get(url + "?by=room").text) == []


def test_a_practitioner_s_week_has_free_cells_at_each_shift_s_location(client, personas, world):
    client.force_login(personas.physio.user)
    url = reverse("schedule-week", args=[world.physio.pk, "2027-03-10"])
    found = cells(client.get(url).text)
    assert found
    href, label = found[0]
    assert label == "Book 11:00 AM with Priya Physio"  # Monday, from now on
    assert parse_qs(urlsplit(href).query)["location"] == [str(world.pickering.pk)]


def book_at_url(world, when, **extra):
    query = {
        "practitioner": world.physio.pk,
        "location": world.pickering.pk,
        "at": when.isoformat(),
        **extra,
    }
    return (
        reverse("book-at")
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items()).replace("+", "%2B")
    )


def test_the_desk_books_the_cell_s_time_for_a_caller_it_finds(client, personas, world):
    client.force_login(personas.front_desk)
    start = at(10, 9)
    page = client.get(book_at_url(world, start))
    assert page.status_code == 200
    assert "Book Wednesday, March 10, 9:00 AM" in page.text
    assert "With Priya Physio at Pickering" in page.text
    found = client.get(book_at_url(world, start, service=world.follow_up.pk, q="anders"))
    assert [p.pk for p in found.context["results"]] == [personas.patient_a.pk]
    link = re.search(r'href="(/staff/patients/\d+/book/\?[^"]+)"', found.text)
    assert link is not None
    confirm = client.get(link[1].replace("&amp;", "&"))
    assert confirm.status_code == 200
    assert "Confirm booking" in confirm.text
    assert "Wednesday, March 10, 2027, 9:00 AM" in confirm.text
    price = priced([world.follow_up], start.date())[0]
    assert f"<strong>{price.price}</strong> {price.tax}" in confirm.text
    form = confirm.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    client.post(reverse("patient-book", args=[personas.patient_a.pk]), data)
    booked = Appointment.objects.get(patient=personas.patient_a)
    assert (booked.start, booked.practitioner, booked.channel, booked.status) == (
        start,
        world.physio,
        Channel.PHONE,
        AppointmentStatus.BOOKED,
    )


def test_the_confirmation_shows_the_tax_a_taxed_service_adds(client, personas, world):
    client.force_login(personas.front_desk)
    start = at(10, 9)
    url = book_at_url(world, start, service=world.massage.pk, q="brown").replace(
        f"practitioner={world.physio.pk}", f"practitioner={world.massage_therapist.pk}"
    )
    link = re.search(r'href="(/staff/patients/\d+/book/\?[^"]+)"', client.get(url).text)
    assert link is not None
    confirm = client.get(link[1].replace("&amp;", "&"))
    price = priced([world.massage], start.date())[0]
    assert price.total is not None  # massage therapy carries HST
    assert f"({price.total} in all)" in confirm.text


def test_a_cell_offers_the_services_of_the_practitioner_s_disciplines(client, personas, world):
    client.force_login(personas.front_desk)
    page = client.get(book_at_url(world, at(10, 9)))
    choices = list(page.context["form"].fields["service"].queryset)
    assert world.follow_up in choices
    assert world.massage not in choices  # the physio's time is not a massage
    asked = client.get(book_at_url(world, at(10, 9), service=world.massage.pk, q="anders"))
    assert asked.context["form"].errors["service"]
    assert asked.context["results"] == []


def test_a_cell_s_search_needs_a_service_and_someone_to_find(client, personas, world):
    client.force_login(personas.front_desk)
    no_service = client.get(book_at_url(world, at(10, 9), q="anders"))
    assert no_service.status_code == 200
    assert no_service.context["form"].errors["service"]
    nobody = client.get(book_at_url(world, at(10, 9), service=world.follow_up.pk, q=""))
    assert "Give a name" in nobody.text
    assert nobody.context["results"] == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?practitioner=1&location=1&at=tomorrow",
        "?practitioner=abc&location=1&at=2027-03-10T09:00:00-05:00",
        "?practitioner=999999&location=1&at=2027-03-10T09:00:00-05:00",
        "?practitioner=1&location=1&at=2027-03-10T09:00:00",  # no zone
        "?practitioner=1&location=1&at=0001-01-01T00:00:00%2B00:00",
    ],
)
def test_a_cell_address_that_names_no_time_is_not_found(client, personas, world, query):
    client.force_login(personas.front_desk)
    assert client.get(reverse("book-at") + query).status_code == 404


@pytest.mark.parametrize("persona", ["patient_a", "outsider"])
def test_only_staff_who_book_start_from_a_cell(client, personas, world, persona):
    client.force_login(personas.user(persona))
    assert client.get(book_at_url(world, at(10, 9))).status_code == 404


def test_a_practitioner_finds_only_their_own_patients_from_a_cell(client, personas, world):
    client.force_login(personas.physio.user)
    found = client.get(book_at_url(world, at(10, 9), service=world.follow_up.pk, q="a"))
    assert [p.pk for p in found.context["results"]] == [personas.patient_a.pk]
