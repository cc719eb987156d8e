"""Passwords seen in breaches are refused, from the list shipped with Rehabdesk, with
no network call."""

from __future__ import annotations

import socket

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from rehabdesk.accounts.passwords import BreachedPasswordValidator, breached_passwords


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a password check tried to reach the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_the_bundled_list_holds_ten_thousand_breached_passwords():
    passwords = breached_passwords()
    assert len(passwords) == 10_000
    assert {"password", "123456", "qwertyuiop", "1q2w3e4r5t"} <= passwords
    assert all(p == p.lower().strip() for p in passwords)


def test_it_is_read_once():
    breached_passwords.cache_clear()
    breached_passwords()
    breached_passwords()
    assert breached_passwords.cache_info().misses == 1


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("qwertyuiop", True),
        ("QwertyUIOP", True),  # case does not hide it
        ("  1q2w3e4r5t ", True),  # nor spaces around it
        ("basketball", True),
        ("napkin orbit kettle 42", False),
        ("qwertyuiop!", False),  # not on the list (other rules may still refuse it)
    ],
)
def test_a_breached_password_is_refused_ignoring_case(no_network, password, refused):
    validator = BreachedPasswordValidator()
    if refused:
        with pytest.raises(ValidationError) as raised:
            validator.validate(password)
        assert raised.value.error_list[0].code == "password_breached"
    else:
        validator.validate(password)


def test_the_rule_is_among_the_sites_password_rules(no_network, settings):
    # Ten letters or more, and not on Django's own list of common passwords: only the
    # breached list refuses it.
    with pytest.raises(ValidationError) as raised:
        validate_password("Unbelievable")
    assert [error.code for error in raised.value.error_list] == ["password_breached"]
    validate_password("napkin orbit kettle 42")
