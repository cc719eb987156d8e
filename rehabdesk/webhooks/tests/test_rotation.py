"""A manager replaces an endpoint's signing secret: for ROTATION_GRACE every delivery
carries two signatures ("v1,<new> v1,<old>"), each verifying with the reference library
against its own secret, so a receiver holding either accepts it; after that, only the
new secret signs. The change is audited; rotating again keeps the secret just replaced."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from rehabdesk.audit.models import AuditEvent
from rehabdesk.core.events import event_publish
from rehabdesk.notifications.services import deliver_due
from rehabdesk.webhooks.services import (
    ROTATION_GRACE,
    endpoint_create,
    endpoint_secret_rotate,
    previous_secrets_forget,
    secret_new,
    signing_secrets,
)
from rehabdesk.webhooks.tests.receiver import receiver

pytestmark = pytest.mark.django_db


def register(personas, url="http://127.0.0.1:9/hook"):
    return endpoint_create(
        url=url,
        description="Reporting",
        event_types=["patient.created"],
        actor=personas.manager,
        now=timezone.now(),
    )


def delivered_after_rotating(personas, *, rotated_ago: timedelta):
    """An event queued, the secret replaced `rotated_ago`, then the event delivered:
    the old secret, the new one and what the receiver got."""
    with receiver() as box:
        created = register(personas, box.url)
        event_publish(type="patient.created", data={"patient_id": 41}, now=timezone.now())
        rotated = endpoint_secret_rotate(
            endpoint=created.endpoint, actor=personas.manager, now=timezone.now() - rotated_ago
        )
        assert deliver_due(now=timezone.now(), worker="test").sent == 1
    [got] = box.received
    return created.secret, rotated.secret, got


def with_signature(headers: dict[str, str], signature: str) -> dict[str, str]:
    return {**headers, "webhook-signature": signature}


def test_during_the_grace_both_secrets_sign_each_its_own_signature(personas):
    old, new, got = delivered_after_rotating(personas, rotated_ago=timedelta(hours=23))
    assert old != new
    first, second = got.headers["webhook-signature"].split(" ")
    Webhook(new).verify(got.body, with_signature(got.headers, first))
    Webhook(old).verify(got.body, with_signature(got.headers, second))
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(got.body, with_signature(got.headers, first))
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(got.body, with_signature(got.headers, second))
    # A receiver holding either secret accepts the header as sent; a stranger's, neither.
    Webhook(old).verify(got.body, got.headers)
    Webhook(new).verify(got.body, got.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret_new()).verify(got.body, got.headers)


def test_after_the_grace_only_the_new_secret_signs(personas):
    old, new, got = delivered_after_rotating(
        personas, rotated_ago=ROTATION_GRACE + timedelta(minutes=1)
    )
    assert " " not in got.headers["webhook-signature"]
    Webhook(new).verify(got.body, got.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(got.body, got.headers)


def test_the_old_secret_signs_until_the_grace_ends_and_not_at_its_end(personas):
    created = register(personas)
    now = timezone.now()
    rotated = endpoint_secret_rotate(endpoint=created.endpoint, actor=personas.manager, now=now)
    endpoint = rotated.endpoint
    assert endpoint.previous_secret_until == now + ROTATION_GRACE
    end = now + ROTATION_GRACE
    assert signing_secrets(endpoint, now=now) == [rotated.secret, created.secret]
    assert signing_secrets(endpoint, now=end - timedelta(seconds=1)) == [
        rotated.secret,
        created.secret,
    ]
    assert signing_secrets(endpoint, now=end) == [rotated.secret]
    assert signing_secrets(created.endpoint, now=now) == [rotated.secret, created.secret]


def test_a_never_rotated_endpoint_signs_with_its_secret_alone(personas):
    created = register(personas)
    assert signing_secrets(created.endpoint, now=timezone.now()) == [created.secret]


def test_rotating_again_keeps_only_the_secret_just_replaced(personas):
    created = register(personas)
    now = timezone.now()
    first = endpoint_secret_rotate(endpoint=created.endpoint, actor=personas.manager, now=now)
    later = now + timedelta(hours=1)
    second = endpoint_secret_rotate(endpoint=created.endpoint, actor=personas.manager, now=later)
    assert len({created.secret, first.secret, second.secret}) == 3
    assert signing_secrets(second.endpoint, now=later) == [second.secret, first.secret]
    assert second.endpoint.previous_secret_until == later + ROTATION_GRACE


def test_a_rotation_is_audited_without_the_secret(personas):
    created = register(personas)
    rotated = endpoint_secret_rotate(
        endpoint=created.endpoint, actor=personas.manager, now=timezone.now()
    )
    [event] = AuditEvent.objects.filter(
        object_type="webhooks.endpoint", object_id=str(created.endpoint.pk), action="change"
    )
    assert event.actor == personas.manager
    assert event.summary == "webhook endpoint signing secret replaced"
    assert rotated.secret not in event.summary
    assert created.secret not in event.summary


def test_a_replaced_secret_is_erased_when_its_grace_ends_and_not_before(personas):
    created = register(personas)
    other = register(personas, url="http://127.0.0.1:9/other")
    now = timezone.now()
    rotated = endpoint_secret_rotate(endpoint=created.endpoint, actor=personas.manager, now=now)
    end = now + ROTATION_GRACE

    assert previous_secrets_forget(now=end - timedelta(seconds=1)) == 0
    endpoint = type(created.endpoint).objects.get(pk=created.endpoint.pk)
    assert endpoint.previous_secret == created.secret

    assert previous_secrets_forget(now=end) == 1
    endpoint.refresh_from_db()
    assert (endpoint.previous_secret, endpoint.previous_secret_until) == ("", None)
    assert endpoint.secret == rotated.secret
    assert signing_secrets(endpoint, now=end) == [rotated.secret]
    other.endpoint.refresh_from_db()
    assert other.endpoint.secret == other.secret


def test_the_scheduler_erases_replaced_secrets(personas):
    from rehabdesk.core.chores import chores

    [chore] = [chore for chore in chores() if chore.name == "webhook_previous_secrets_forget"]
    created = register(personas)
    now = timezone.now()
    endpoint_secret_rotate(endpoint=created.endpoint, actor=personas.manager, now=now)
    assert chore.run(now + ROTATION_GRACE) == 1
    created.endpoint.refresh_from_db()
    assert created.endpoint.previous_secret == ""
