"""Each event carries the request that caused it: its id and the client's address."""

import pytest

from rehabdesk.audit.choices import AuditAction
from rehabdesk.audit.context import RequestContext, audit_context, audit_via, current_context
from rehabdesk.audit.middleware import client_ip
from rehabdesk.audit.models import AuditEvent
from rehabdesk.audit.services import audit_record


def record(actor=None):
    return audit_record(actor=actor, action=AuditAction.VIEW, object_type="patients.patient")


@pytest.mark.django_db
def test_it_gives_every_response_its_own_request_id(client):
    first = client.get("/")["X-Request-ID"]
    second = client.get("/")["X-Request-ID"]
    assert len(first) == len(second) == 32
    assert first != second


@pytest.mark.django_db
@pytest.mark.urls("rehabdesk.audit.tests.urls")
def test_an_event_recorded_during_a_request_carries_its_id_and_address(client):
    response = client.get("/chart/7/", REMOTE_ADDR="198.51.100.7")
    event = AuditEvent.objects.get(pk=int(response.text))
    assert event.request_id == response["X-Request-ID"]
    assert event.ip_address == "198.51.100.7"
    assert list(event.patient_links.values_list("patient_id", flat=True)) == [7]


@pytest.mark.django_db
@pytest.mark.urls("rehabdesk.audit.tests.urls")
def test_it_records_the_connecting_address_not_a_forwarded_for_header(client):
    response = client.get(
        "/chart/7/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert AuditEvent.objects.get(pk=int(response.text)).ip_address == "198.51.100.7"


@pytest.mark.django_db
@pytest.mark.urls("rehabdesk.audit.tests.urls")
def test_it_records_no_address_when_the_connection_has_none(client):
    response = client.get("/chart/7/", REMOTE_ADDR="")
    assert AuditEvent.objects.get(pk=int(response.text)).ip_address is None


@pytest.mark.django_db
@pytest.mark.urls("rehabdesk.audit.tests.urls")
def test_the_request_context_ends_with_the_request(client):
    client.get("/chart/7/")
    assert current_context() == RequestContext()
    assert record().request_id == ""


@pytest.mark.django_db
def test_an_event_recorded_inside_audit_context_carries_it():
    with audit_context(request_id="a" * 32, ip_address="2001:db8::1"):
        inside = record()
    outside = record()
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert (inside.request_id, inside.ip_address) == ("a" * 32, "2001:db8::1")
    assert (outside.request_id, outside.ip_address) == ("", None)


def test_audit_contexts_nest_and_unwind():
    with audit_context(request_id="outer", ip_address="192.0.2.1"):
        with audit_context(request_id="inner", ip_address=None):
            assert current_context() == RequestContext("inner", None)
        assert current_context() == RequestContext("outer", "192.0.2.1")
    assert current_context() == RequestContext()


@pytest.mark.parametrize(
    ("request_id", "ip_address"), [("a" * 33, None), ("abc", "not-an-address")]
)
def test_it_refuses_a_context_no_event_could_store(request_id, ip_address):
    with (
        pytest.raises(ValueError),  # noqa: PT011 - both mistakes are ValueErrors
        audit_context(request_id=request_id, ip_address=ip_address),
    ):
        pass
    assert current_context() == RequestContext()


@pytest.mark.django_db
def test_a_request_made_with_an_api_token_says_so_on_each_of_its_events():
    with audit_context(request_id="r" * 32, ip_address=None):
        audit_via("API token 1a2b3c4d")
        noted = audit_record(
            actor=None,
            action=AuditAction.VIEW,
            object_type="patients.patient",
            summary="patient record",
        )
        long = audit_record(
            actor=None, action=AuditAction.VIEW, object_type="patients.patient", summary="x" * 200
        )
    after = audit_record(actor=None, action=AuditAction.VIEW, object_type="patients.patient")
    assert noted.summary == "patient record (via API token 1a2b3c4d)"
    # A summary is shortened to keep the note, within its 200 characters.
    assert len(long.summary) == 200
    assert long.summary.endswith("x (via API token 1a2b3c4d)")
    # The note ends with the request.
    assert after.summary == ""
    assert current_context().via == ""


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        # The connection is the clinic's proxy: the client is the address it saw.
        ("10.0.0.5", "203.0.113.9", "203.0.113.9"),
        # Two of the clinic's proxies in a row, and an address the client made up on
        # the left: the first address not ours, read from the right, is the client.
        ("10.0.0.5", "192.0.2.66, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        # Garbled at the right: nothing further left of it is believed.
        ("10.0.0.5", "203.0.113.9, not-an-address", "10.0.0.5"),
        # The proxy sent no header: its own address.
        ("10.0.0.5", "", "10.0.0.5"),
        # Not one of ours: the header is the client's own word, ignored.
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),
        # IPv6 proxy network.
        ("2001:db8::1", "2001:db8:ffff::2, 198.51.100.20", "198.51.100.20"),
    ],
)
def test_behind_the_clinic_s_proxies_the_client_is_read_from_the_right(
    settings, rf, remote, forwarded, client
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == client


def test_without_trusted_proxies_a_forwarded_for_header_is_never_believed(settings, rf):
    settings.TRUSTED_PROXIES = []
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "10.0.0.5"
