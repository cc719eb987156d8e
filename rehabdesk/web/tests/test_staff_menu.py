"""Staff work from their own menu: the public site's pages (services, team, locations)
are for patients and visitors. The menu wraps on a phone instead of pushing "Sign out"
off the screen."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from rehabdesk.testing.personas import PASSWORD

PUBLIC_LINKS = ("Services", "Team", "Locations")


def menu(client, path: str) -> list[str]:
    page = client.get(path).text
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S)
    assert nav is not None
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r">([^<>]+)</a>", nav[1])]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "path", "staff_link"),
    [
        ("front_desk", "desk-day", "Desk"),
        ("physio", "my-day", "My day"),
        ("manager", "patient-search", "Patients"),
    ],
)
def test_staff_menus_leave_out_the_public_site(client, personas, persona, path, staff_link):
    client.force_login(personas.user(persona))
    links = menu(client, reverse(path))
    assert staff_link in links
    assert not set(PUBLIC_LINKS) & set(links), links


@pytest.mark.django_db
def test_visitors_and_patients_keep_the_public_site_in_their_menu(client, personas):
    assert set(PUBLIC_LINKS) <= set(menu(client, reverse("home")))
    client.force_login(personas.user("patient_a"))
    links = menu(client, reverse("home"))
    assert set(PUBLIC_LINKS) <= set(links)
    assert "My appointments" in links


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_manager_s_menu_fits_a_phone(page, sign_in, screenshot, personas):
    # The manager's menu is the longest: desk, schedule, patients, hours, registrations,
    # configuration, sign out.
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "manager@persona.example", PASSWORD)
    sign_out = page.get_by_role("button", name="Sign out")
    box = sign_out.bounding_box()
    assert box is not None
    assert box["x"] >= 0, box
    assert box["x"] + box["width"] <= 390, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("menu")
