"""Each member of staff has a home location: the Pickering desk opens on Pickering, the
Milton desk on Milton, and so does the schedule; the other location is one choice away,
and staff without a home start at the first location by name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rehabdesk.clinic import services as clinic_services
from rehabdesk.clinic.models import HomeLocation

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return personas  # its two locations, Pickering and Milton


def desk_location(client) -> str:
    response = client.get(reverse("desk-day"))
    assert response.status_code == 200
    return response.context["location"].slug


def schedule_location(client) -> str:
    response = client.get(reverse("schedule-today"))
    assert response.status_code == 302
    return response["Location"].split("/")[3]  # /staff/schedule/<location>/<day>/


def test_the_desk_and_the_schedule_open_where_the_member_of_staff_works(client, personas, world):
    assert sorted([world.milton.name, world.pickering.name])[0] == world.milton.name
    client.force_login(personas.front_desk)
    clinic_services.home_location_set(user=personas.front_desk, location=None)
    # No home: the first location by name.
    assert desk_location(client) == schedule_location(client) == world.milton.slug

    clinic_services.home_location_set(user=personas.front_desk, location=world.pickering)
    assert desk_location(client) == schedule_location(client) == world.pickering.slug
    # The other location is still one choice away.
    chosen = client.get(reverse("desk-day") + f"?location={world.milton.slug}")
    assert chosen.context["location"] == world.milton
    assert client.get(reverse("schedule-today") + f"?location={world.milton.slug}")[
        "Location"
    ].startswith(f"/staff/schedule/{world.milton.slug}/")


def test_a_home_that_has_closed_falls_back_to_the_first_location(client, personas, world):
    clinic_services.home_location_set(user=personas.front_desk, location=world.pickering)
    world.pickering.active = False
    world.pickering.save(update_fields=["active"])
    client.force_login(personas.front_desk)
    assert desk_location(client) == schedule_location(client) == world.milton.slug


def test_a_home_is_set_changed_and_cleared_one_row_a_person(personas, world):
    user = personas.front_desk
    clinic_services.home_location_set(user=user, location=world.milton)
    clinic_services.home_location_set(user=user, location=world.pickering)
    assert list(HomeLocation.objects.filter(user=user).values_list("location", flat=True)) == [
        world.pickering.pk
    ]
    clinic_services.home_location_set(user=user, location=None)
    assert not HomeLocation.objects.filter(user=user).exists()
