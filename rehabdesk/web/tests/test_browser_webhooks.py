"""Webhooks in a real browser on a phone: a manager adds an endpoint pointing at a
receiver on 127.0.0.1, sees and copies its secret once, sends a test event, which the
outbox delivers signed, and sees the delivery in the log; nothing scrolls sideways at
390 px and the content security policy is not broken (csp_watch)."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect
from standardwebhooks.webhooks import Webhook

from rehabdesk.notifications.services import deliver_due
from rehabdesk.webhooks.models import WebhookEndpoint
from rehabdesk.webhooks.tests.receiver import receiver

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIDEWAYS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"


def test_a_manager_adds_an_endpoint_and_sends_a_test_event_on_a_phone(
    chromium, live_server, screenshot, personas
):
    signed_in = Client()
    signed_in.force_login(personas.manager)
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": signed_in.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    with receiver() as box:
        phone.goto(f"{live_server.url}/account/security/")
        phone.get_by_role("link", name="Webhooks").click()
        expect(phone.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()
        assert not phone.evaluate(SIDEWAYS)
        phone.get_by_label("Address (URL)").fill(box.url)
        phone.get_by_label("Appointment booked").check()
        phone.get_by_role("button", name="Add the endpoint").click()
        expect(phone.get_by_role("heading", name="New webhook endpoint")).to_be_visible()
        secret = phone.get_by_label("Signing secret").input_value()
        assert secret == WebhookEndpoint.objects.get().secret
        assert not phone.evaluate(SIDEWAYS)
        screenshot("secret-shown-once", of=phone)

        phone.get_by_role("link", name="I have kept it — to the endpoint").click()
        expect(phone.get_by_text(secret)).to_have_count(0)
        phone.get_by_role("button", name="Send a test event").click()
        expect(phone.get_by_text("A test event is on its way")).to_be_visible()
        assert deliver_due(now=timezone.now(), worker="browser").sent == 1
        phone.reload()
        latest = phone.locator("tbody tr").first
        expect(latest).to_contain_text("webhook.test")
        expect(latest.locator("td").nth(3)).to_contain_text("200")
        assert not phone.evaluate(SIDEWAYS)
        screenshot("delivery-log", of=phone)
    [got] = box.received
    Webhook(secret).verify(got.body, got.headers)
