"""A calendar feed's private address (scheduling/services/feeds.py): a random secret
shown once and kept only as its SHA-256, one live per person and kind, a new one
revoking the old, turned off by its owner or a manager, every change on the audit trail,
and the last fetch written at most hourly."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from rehabdesk.audit.models import AuditEvent
from rehabdesk.scheduling.choices import FeedKind
from rehabdesk.scheduling.errors import SchedulingError, SchedulingErrorCode
from rehabdesk.scheduling.models import CalendarFeed
from rehabdesk.scheduling.selectors import feed_by_secret, feed_live
from rehabdesk.scheduling.services import (
    calendar_feed_create,
    calendar_feed_fetched,
    calendar_feed_turn_off,
)
from rehabdesk.scheduling.testing import NOW

pytestmark = pytest.mark.django_db

PRACTITIONER = FeedKind.PRACTITIONER


def make(owner, kind=PRACTITIONER, now=NOW):
    return calendar_feed_create(owner=owner, kind=kind, actor=owner, now=now)


def feed_events():
    return AuditEvent.objects.filter(object_type="scheduling.calendarfeed").order_by("pk")


def test_the_secret_is_random_url_safe_and_kept_only_as_its_hash(personas):
    made = make(personas.physio.user)
    other = make(personas.massage_therapist.user)
    assert len(made.secret) == 43
    assert made.secret != other.secret
    assert set(made.secret) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    row = CalendarFeed.objects.values().get(pk=made.feed.pk)
    assert row["secret_sha256"] == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in str(row)
    assert feed_by_secret(secret=made.secret) == made.feed


def test_a_new_address_revokes_the_old_one(personas):
    user = personas.physio.user
    first = make(user)
    second = make(user, now=NOW + timedelta(minutes=1))
    assert feed_by_secret(secret=first.secret) is None
    assert feed_by_secret(secret=second.secret) == second.feed
    first.feed.refresh_from_db()
    assert first.feed.revoked_at == NOW + timedelta(minutes=1)
    assert first.feed.revoked_by == user
    assert feed_live(owner_id=user.pk, kind=PRACTITIONER) == second.feed
    assert [(e.action, e.object_id) for e in feed_events()] == [
        ("create", str(first.feed.pk)),
        ("change", str(first.feed.pk)),
        ("create", str(second.feed.pk)),
    ]


def test_the_database_refuses_two_live_feeds_of_one_kind(personas):
    made = make(personas.guardian.user, FeedKind.PATIENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFeed.objects.create(
            owner=personas.guardian.user,
            kind=FeedKind.PATIENT,
            secret_sha256="0" * 64,
            created_at=NOW,
        )
    assert feed_live(owner_id=personas.guardian.user.pk, kind=FeedKind.PATIENT) == made.feed


def test_turning_off_revokes_once_and_is_audited_with_the_patient(personas):
    made = make(personas.guardian.user, FeedKind.PATIENT)
    assert calendar_feed_turn_off(feed=made.feed, actor=personas.manager, now=NOW)
    assert not calendar_feed_turn_off(feed=made.feed, actor=personas.manager, now=NOW)
    assert feed_by_secret(secret=made.secret) is None
    made_event, off = feed_events()
    assert (made_event.action, off.action) == ("create", "change")
    assert off.actor == personas.manager
    assert off.summary == "calendar feed turned off"
    for event in (made_event, off):
        assert list(event.patient_links.values_list("patient_id", flat=True)) == [
            personas.guardian.pk
        ]


@pytest.mark.parametrize(("owner", "kind"), [("front_desk", PRACTITIONER), ("physio", "patient")])
def test_a_feed_needs_someone_it_can_be_about(personas, owner, kind):
    user = personas.user(owner)
    with pytest.raises(SchedulingError) as refused:
        make(user, FeedKind(kind))
    assert refused.value.code == SchedulingErrorCode.INVALID
    assert not CalendarFeed.objects.exists()
    assert not feed_events().exists()


def test_the_last_fetch_is_noted_at_most_hourly(personas):
    feed = make(personas.physio.user).feed
    assert calendar_feed_fetched(feed=feed, now=NOW)
    assert not calendar_feed_fetched(feed=feed, now=NOW + timedelta(minutes=59))
    # Another process's copy of the row, read before the first fetch was noted.
    stale_copy = CalendarFeed.objects.get(pk=feed.pk)
    stale_copy.last_fetched_at = None
    assert not calendar_feed_fetched(feed=stale_copy, now=NOW + timedelta(minutes=30))
    assert calendar_feed_fetched(feed=feed, now=NOW + timedelta(hours=1))
    feed.refresh_from_db()
    assert feed.last_fetched_at == NOW + timedelta(hours=1)
