"""/staff/webhooks/: a manager adds an endpoint (its secret shown once), sees its
delivery log, sends a test event, turns it off and on, replaces its secret (the new
one shown once, after a recent sign-in); a private address is a form error in
production settings, with nothing saved; every change is audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rehabdesk.audit.models import AuditEvent
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.web import sessions
from rehabdesk.webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(personas):
    client = Client()
    client.force_login(personas.manager)
    return client


def add(client, url="http://127.0.0.1:9/hook", events=("appointment.booked",)):
    return client.post(
        reverse("staff-webhook-create"),
        {"url": url, "description": "Reports", "event_types": list(events)},
    )


def test_a_manager_adds_an_endpoint_and_sees_its_secret_once(manager):
    response = add(manager)
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    assert endpoint.event_types == ["appointment.booked"]
    detail = manager.get(reverse("staff-webhook", args=[endpoint.pk]))
    assert detail.status_code == 200
    assert endpoint.secret not in detail.content.decode()
    assert endpoint.secret not in manager.get(reverse("staff-webhooks")).content.decode()
    assert AuditEvent.objects.filter(object_type="webhooks.endpoint", object_id=str(endpoint.pk))


def test_a_private_address_is_a_form_error_in_production(manager, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = add(manager, url="https://169.254.169.254/latest")
    assert response.status_code == 200
    assert "private or local network" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"url": "http://127.0.0.1:9/hook"},
        {"url": "http://127.0.0.1:9/hook", "event_types": ["no.such"]},
        {"url": "x" * 3000, "event_types": ["appointment.booked"]},
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(manager, data):
    response = manager.post(reverse("staff-webhook-create"), data)
    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()


def test_test_event_turn_off_and_on(manager):
    add(manager)
    endpoint = WebhookEndpoint.objects.get()
    test = manager.post(reverse("staff-webhook-test", args=[endpoint.pk]))
    assert test.status_code == 302
    [row] = OutboxMessage.objects.filter(channel=MessageChannel.WEBHOOK)
    assert row.subject == "webhook.test"
    manager.post(reverse("staff-webhook-disable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.active
    refused = manager.post(reverse("staff-webhook-test", args=[endpoint.pk]), follow=True)
    assert "Turn the endpoint on first" in refused.content.decode()
    manager.post(reverse("staff-webhook-enable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.active
    assert manager.get(reverse("staff-webhook", args=[endpoint.pk + 99])).status_code == 404


def test_the_front_desk_is_refused(personas):
    client = Client()
    client.force_login(personas.front_desk)
    assert client.get(reverse("staff-webhooks")).status_code == 403
    assert add(client).status_code == 403
    assert not WebhookEndpoint.objects.exists()


def test_a_manager_replaces_the_secret_and_sees_the_new_one_once(manager):
    add(manager)
    endpoint = WebhookEndpoint.objects.get()
    old = endpoint.secret
    response = manager.post(reverse("staff-webhook-rotate", args=[endpoint.pk]))
    assert response.status_code == 200
    endpoint.refresh_from_db()
    page = response.content.decode()
    assert endpoint.secret != old
    assert endpoint.secret in page
    assert old not in page
    assert endpoint.previous_secret == old
    detail = manager.get(reverse("staff-webhook", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in detail
    assert old not in detail
    assert "deliveries are signed with the new secret and the one before it" in detail
    assert AuditEvent.objects.filter(
        object_type="webhooks.endpoint",
        object_id=str(endpoint.pk),
        summary="webhook endpoint signing secret replaced",
    ).exists()


def test_replacing_the_secret_asks_for_a_recent_sign_in(manager, monkeypatch, settings):
    add(manager)
    endpoint = WebhookEndpoint.objects.get()
    settings.REAUTH_MINUTES = 5
    start = sessions.clock()
    monkeypatch.setattr(sessions, "clock", lambda: start + 6 * 60)
    response = manager.post(reverse("staff-webhook-rotate", args=[endpoint.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reauth"))
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


def test_only_a_manager_replaces_the_secret(manager, personas):
    add(manager)
    endpoint = WebhookEndpoint.objects.get()
    client = Client()
    client.force_login(personas.front_desk)
    assert client.post(reverse("staff-webhook-rotate", args=[endpoint.pk])).status_code == 403
    assert client.get(reverse("staff-webhook-rotate", args=[endpoint.pk])).status_code == 405
    assert WebhookEndpoint.objects.get().secret == endpoint.secret
    assert not WebhookEndpoint.objects.get().previous_secret
    missing = manager.post(reverse("staff-webhook-rotate", args=[endpoint.pk + 99]))
    assert missing.status_code == 404
