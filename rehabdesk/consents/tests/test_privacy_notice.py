"""The privacy notice is published version by version: each version keeps the text a
patient read, a new wording is a new version, and an empty one is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from rehabdesk.consents.errors import ConsentError, ConsentErrorCode
from rehabdesk.consents.models import PrivacyNotice
from rehabdesk.consents.selectors import privacy_notice_current
from rehabdesk.consents.services import privacy_notice_publish

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


def test_the_first_notice_ships_with_the_product():
    first = privacy_notice_current()
    assert first is not None
    assert first.version == 1
    assert "Information and Privacy Commissioner of Ontario" in first.body


def test_it_publishes_the_next_version_and_shows_it_from_then_on():
    published = privacy_notice_publish(body="  We keep it private.\n\n", now=NOW)
    assert (published.version, published.body, published.published_at) == (
        2,
        "We keep it private.",
        NOW,
    )
    assert privacy_notice_current() == published
    again = privacy_notice_publish(body="Clearer wording.", now=NOW)
    assert again.version == 3
    assert privacy_notice_current() == again


def test_earlier_versions_stay_because_consents_refer_to_them():
    privacy_notice_publish(body="Second wording.", now=NOW)
    privacy_notice_publish(body="Third wording.", now=NOW)
    assert list(PrivacyNotice.objects.values_list("version", flat=True)) == [3, 2, 1]


@pytest.mark.parametrize("body", ["", "   ", "\n\n\t"])
def test_it_refuses_a_notice_without_text(body):
    with pytest.raises(ConsentError) as refused:
        privacy_notice_publish(body=body, now=NOW)
    assert refused.value.code == ConsentErrorCode.EMPTY_NOTICE
    assert refused.value.field == "body"
    assert PrivacyNotice.objects.count() == 1


def test_it_numbers_after_the_highest_version_even_when_it_is_not_the_newest_row():
    # Versions are numbers, not row order: a gap (a version restored from a backup
    # with a higher number) is never filled in and never reused.
    PrivacyNotice.objects.create(version=7, body="Restored.", published_at=NOW)
    assert privacy_notice_publish(body="Next.", now=NOW).version == 8


def test_the_database_refuses_two_notices_with_one_version():
    with pytest.raises(IntegrityError), transaction.atomic():
        PrivacyNotice.objects.create(version=1, body="Duplicate.", published_at=NOW)
    assert PrivacyNotice.objects.count() == 1


def test_there_is_no_current_notice_before_one_is_published():
    PrivacyNotice.objects.all().delete()
    assert privacy_notice_current() is None
    assert privacy_notice_publish(body="From scratch.", now=NOW).version == 1


@pytest.fixture
def manager_client(client, personas):
    client.force_login(personas.manager)
    return client


def test_a_manager_publishes_a_new_version_from_the_admin(manager_client):
    response = manager_client.post(
        reverse("admin:consents_privacynotice_add"), {"body": "Our own wording."}
    )
    assert response.status_code == 302
    current = privacy_notice_current()
    assert current is not None
    assert (current.version, current.body) == (2, "Our own wording.")


def test_the_admin_refuses_an_empty_notice_next_to_its_field(manager_client):
    response = manager_client.post(reverse("admin:consents_privacynotice_add"), {"body": "  "})
    assert response.status_code == 200
    assert "body" in response.context["adminform"].form.errors
    assert PrivacyNotice.objects.count() == 1


def test_the_admin_shows_an_old_version_but_never_saves_over_it(manager_client):
    first = PrivacyNotice.objects.get(version=1)
    url = reverse("admin:consents_privacynotice_change", args=[first.pk])
    assert manager_client.get(url).status_code == 200
    response = manager_client.post(url, {"body": "Rewritten history."})
    assert response.status_code == 403
    first.refresh_from_db()
    assert first.body.startswith("We keep your health information private.")


def test_only_managers_reach_the_notice_screens(client, personas):
    client.force_login(personas.front_desk)
    response = client.post(reverse("admin:consents_privacynotice_add"), {"body": "Sneaky."})
    assert response.status_code == 302  # to the admin's sign-in: not staff
    assert PrivacyNotice.objects.count() == 1
