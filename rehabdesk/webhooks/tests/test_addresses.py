"""SSRF: in production settings a webhook URL whose host is, or resolves to, a private,
loopback, link-local, multicast or reserved address is refused, at registration and
again at delivery (a name that resolved to the internet may later resolve inside)."""

from __future__ import annotations

import socket

import pytest

from rehabdesk.webhooks.addresses import target_check
from rehabdesk.webhooks.choices import WebhookErrorCode as Code
from rehabdesk.webhooks.errors import WebhookError

REFUSED = [
    ("http://8.8.8.8/hook", Code.URL_SCHEME),
    ("ftp://8.8.8.8/hook", Code.URL_SCHEME),
    ("not a url", Code.URL_SCHEME),
    ("https://", Code.URL_INVALID),
    ("https://8.8.8.8:99999/", Code.URL_INVALID),
    ("https://user:pw@8.8.8.8/", Code.URL_CREDENTIALS),
    ("https://127.0.0.1/", Code.HOST_PRIVATE),
    ("https://127.1.2.3:8443/", Code.HOST_PRIVATE),
    ("https://localhost/", Code.HOST_PRIVATE),
    ("https://[::1]/", Code.HOST_PRIVATE),
    ("https://0.0.0.0/", Code.HOST_PRIVATE),
    ("https://10.1.2.3/", Code.HOST_PRIVATE),
    ("https://172.16.0.1/", Code.HOST_PRIVATE),
    ("https://192.168.1.5/", Code.HOST_PRIVATE),
    ("https://100.64.0.1/", Code.HOST_PRIVATE),  # carrier-grade NAT
    ("https://169.254.169.254/latest/meta-data/", Code.HOST_PRIVATE),  # cloud metadata
    ("https://[fe80::1]/", Code.HOST_PRIVATE),
    ("https://[fc00::1]/", Code.HOST_PRIVATE),
    ("https://[::ffff:127.0.0.1]/", Code.HOST_PRIVATE),
    ("https://224.0.0.1/", Code.HOST_PRIVATE),  # multicast
    ("https://240.0.0.1/", Code.HOST_PRIVATE),  # reserved
    ("https://255.255.255.255/", Code.HOST_PRIVATE),
    ("https://2130706433/", Code.HOST_PRIVATE),  # 127.0.0.1 written as a number
]


@pytest.fixture
def production(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False


@pytest.mark.parametrize(("url", "code"), REFUSED)
def test_private_and_malformed_urls_are_refused_in_production(production, url, code):
    with pytest.raises(WebhookError) as caught:
        target_check(url)
    assert (caught.value.code, caught.value.field) == (code, "url")


def test_a_public_address_is_allowed_and_kept_for_the_connection(production):
    target = target_check("https://8.8.8.8:8443/hooks/in?src=rehabdesk")
    assert (target.scheme, target.host, target.port, target.path, target.address) == (
        "https",
        "8.8.8.8",
        8443,
        "/hooks/in?src=rehabdesk",
        "8.8.8.8",
    )


def test_a_name_is_refused_when_any_of_its_addresses_is_private(production, monkeypatch):
    def resolve(host, port, *args, **kwargs):
        found = {
            "mixed.example": ["93.184.216.34", "10.0.0.7"],
            "public.example": ["93.184.216.34"],
        }
        if host not in found:
            raise socket.gaierror("not found")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in found[host]]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(WebhookError) as caught:
        target_check("https://mixed.example/hook")
    assert caught.value.code == Code.HOST_PRIVATE
    with pytest.raises(WebhookError) as caught:
        target_check("https://nowhere.example/hook")
    assert caught.value.code == Code.HOST_UNRESOLVED
    assert target_check("https://public.example/hook").address == "93.184.216.34"


def test_the_test_setting_allows_local_receivers_over_http(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    target = target_check("http://127.0.0.1:8080/hook")
    assert (target.scheme, target.address, target.port) == ("http", "127.0.0.1", 8080)
