"""A clinic without webhooks pays no query per booking: once the listener finds no
active endpoint, its process remembers so for NO_ENDPOINTS_KEPT_FOR seconds. An
endpoint added or turned on in this process is heard at once; one turned on by another
process (here: the table changed behind the services' back) when the time is up."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rehabdesk.core.events import event_publish
from rehabdesk.notifications.choices import MessageChannel
from rehabdesk.notifications.models import OutboxMessage
from rehabdesk.webhooks import services
from rehabdesk.webhooks.models import WebhookEndpoint
from rehabdesk.webhooks.services import (
    NO_ENDPOINTS_KEPT_FOR,
    endpoint_create,
    endpoint_disable,
    endpoint_enable,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2027, 3, 8, 13, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The listener's clock, moved by hand (nothing is remembered from earlier tests:
    rehabdesk/conftest.py)."""
    moment = [1000.0]
    monkeypatch.setattr(services, "_clock", lambda: moment[0])

    def move(seconds: float) -> None:
        moment[0] += seconds

    return move


def publish() -> None:
    event_publish(type="patient.created", data={"patient_id": 1}, now=NOW)


def rows() -> int:
    return OutboxMessage.objects.filter(channel=MessageChannel.WEBHOOK).count()


def register(personas):
    return endpoint_create(
        url="http://127.0.0.1:9/hook",
        description="",
        event_types=["patient.created"],
        actor=personas.manager,
        now=NOW,
    )


def test_without_endpoints_only_the_first_event_asks(django_assert_num_queries, clock):
    with django_assert_num_queries(1):
        publish()
    clock(NO_ENDPOINTS_KEPT_FOR - 0.1)
    with django_assert_num_queries(0):
        publish()
    clock(0.1)
    with django_assert_num_queries(1):
        publish()


def test_an_endpoint_added_here_hears_the_next_event(personas):
    publish()
    register(personas)
    publish()
    assert rows() == 1


def test_an_endpoint_turned_on_here_hears_the_next_event(personas):
    endpoint = register(personas).endpoint
    endpoint_disable(endpoint=endpoint, actor=personas.manager, now=NOW)
    publish()
    endpoint_enable(endpoint=endpoint, actor=personas.manager, now=NOW)
    publish()
    assert rows() == 1


def test_one_turned_on_elsewhere_is_heard_when_the_time_is_up(personas, clock):
    endpoint = register(personas).endpoint
    endpoint_disable(endpoint=endpoint, actor=personas.manager, now=NOW)
    publish()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=True, disabled_at=None)
    publish()
    assert rows() == 0
    clock(NO_ENDPOINTS_KEPT_FOR)
    publish()
    assert rows() == 1


def test_a_change_forgets_again_when_it_commits(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        register(personas)
    # Another thread looked before the commit, found none, and remembered it.
    WebhookEndpoint.objects.update(active=False, disabled_at=NOW)
    publish()
    WebhookEndpoint.objects.update(active=True, disabled_at=None)
    publish()
    assert rows() == 0
    for callback in callbacks:
        callback()
    publish()
    assert rows() == 1


def test_an_endpoint_wanting_other_events_keeps_the_listener_asking(
    personas, django_assert_num_queries
):
    endpoint_create(
        url="http://127.0.0.1:9/hook",
        description="",
        event_types=["invoice.issued"],
        actor=personas.manager,
        now=NOW,
    )
    publish()
    with django_assert_num_queries(1):
        publish()
    assert rows() == 0
