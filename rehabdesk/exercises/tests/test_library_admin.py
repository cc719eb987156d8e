"""Managers keep the library in the admin: add an exercise (checked by the service),
change one, retire one by unticking "active" — never delete; nobody else gets in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rehabdesk.exercises.models import Exercise

pytestmark = pytest.mark.django_db

NEW = {
    "code": "hip-hinge-dowel",
    "name": "Hip hinge with a broom handle",
    "body_region": "hip",
    "instructions": "1. Hold a broom handle along your back.\n2. Bend at the hips.",
    "default_sets": "2",
    "default_reps": "8",
    "default_hold_seconds": "",
    "media_url": "",
    "active": "on",
}


def test_a_manager_adds_changes_and_retires_an_exercise_but_never_deletes(client, personas):
    client.force_login(personas.manager)
    add = reverse("admin:exercises_exercise_add")
    refused = client.post(add, {**NEW, "default_reps": "", "default_hold_seconds": ""})
    assert refused.status_code == 200
    assert "Give default repetitions, a hold, or both." in refused.text
    assert client.post(add, NEW).status_code == 302
    added = Exercise.objects.get(code="hip-hinge-dowel")
    change = reverse("admin:exercises_exercise_change", args=[added.pk])
    retired = {**NEW, "default_sets": "3"}
    del retired["active"]
    assert client.post(change, retired).status_code == 302
    added.refresh_from_db()
    assert (added.default_sets, added.active) == (3, False)
    delete = reverse("admin:exercises_exercise_delete", args=[added.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Exercise.objects.filter(pk=added.pk).exists()


@pytest.mark.parametrize("who", ["front_desk", "physio", "patient_a"])
def test_nobody_else_keeps_the_library(client, personas, who):
    client.force_login(personas.user(who))
    response = client.get(reverse("admin:exercises_exercise_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
