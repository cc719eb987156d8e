"""Settings read from the environment: what each reader understands, and what makes
the process refuse to start rather than guess (a typo in a deployment must not turn
TLS or debugging the wrong way)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from rehabdesk.core.env import env_bool, env_int, env_list, env_secret, env_str


def test_a_string_is_taken_as_given_or_defaulted():
    assert env_str("SITE_URL", "http://127.0.0.1:8000", {}) == "http://127.0.0.1:8000"
    assert env_str("SITE_URL", "x", {"SITE_URL": " https://clinic.example "}) == (
        " https://clinic.example "
    )
    assert env_str("LOG_LEVEL", "INFO", {"LOG_LEVEL": ""}) == ""


@pytest.mark.parametrize("text", ["1", "true", "True", " YES ", "on", "On"])
def test_it_understands_yes(text):
    assert env_bool("FLAG", False, {"FLAG": text}) is True


@pytest.mark.parametrize("text", ["0", "false", "FALSE", "no", " off ", ""])
def test_it_understands_no_and_an_empty_value_is_no(text):
    assert env_bool("FLAG", True, {"FLAG": text}) is False


@pytest.mark.parametrize("text", ["ture", "2", "y", "enabled", "-1"])
def test_it_refuses_a_yes_or_no_it_cannot_read_naming_the_variable(text):
    with pytest.raises(ImproperlyConfigured) as refused:
        env_bool("SECURE_SSL_REDIRECT", True, {"SECURE_SSL_REDIRECT": text})
    assert str(refused.value) == (
        "SECURE_SSL_REDIRECT must be one of 1/0, true/false, yes/no, on/off."
    )


@pytest.mark.parametrize(("text", "number"), [("0", 0), (" 587 ", 587), ("-1", -1), ("+30", 30)])
def test_it_reads_whole_numbers_with_blanks_or_a_sign(text, number):
    assert env_int("EMAIL_PORT", 25, {"EMAIL_PORT": text}) == number


@pytest.mark.parametrize("text", ["", "587s", "1e3", "31_536_000x", "sixty"])
def test_it_refuses_what_is_not_a_whole_number(text):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_TIMEOUT must be a whole number"):
        env_int("EMAIL_TIMEOUT", 30, {"EMAIL_TIMEOUT": text})


def test_an_unset_number_takes_its_default():
    assert env_int("DATABASE_CONN_MAX_AGE", 60, {}) == 60


def test_a_list_unset_takes_its_default_and_an_empty_one_is_empty():
    default = ["localhost"]
    assert env_list("ALLOWED_HOSTS", default, {}) is default
    assert env_list("ALLOWED_HOSTS", default, {"ALLOWED_HOSTS": ""}) == []
    assert env_list("ALLOWED_HOSTS", default, {"ALLOWED_HOSTS": " , ,"}) == []


def test_a_list_keeps_its_order_and_its_repeats():
    hosts = "clinic.example,www.clinic.example, clinic.example"
    assert env_list("ALLOWED_HOSTS", [], {"ALLOWED_HOSTS": hosts}) == [
        "clinic.example",
        "www.clinic.example",
        "clinic.example",
    ]


def test_a_secret_file_wins_over_the_variable(tmp_path):
    secret = tmp_path / "email_password"
    secret.write_text("from-the-file\n")
    environ = {"EMAIL_HOST_PASSWORD": "from-the-variable", "EMAIL_HOST_PASSWORD_FILE": str(secret)}
    assert env_secret("EMAIL_HOST_PASSWORD", "", environ) == "from-the-file"


def test_an_empty_file_setting_falls_back_to_the_variable():
    environ = {"SECRET_KEY": "from-the-variable", "SECRET_KEY_FILE": ""}
    assert env_secret("SECRET_KEY", None, environ) == "from-the-variable"


def test_a_secret_is_taken_exactly_as_set_even_with_a_dollar_sign():
    assert env_secret("SECRET_KEY", None, {"SECRET_KEY": " $ecret with blanks "}) == (
        " $ecret with blanks "
    )


def test_a_secret_with_a_default_may_be_left_unset():
    assert env_secret("EMAIL_HOST_PASSWORD", "", {}) == ""


def test_an_unreadable_secret_file_is_named_with_the_reason(tmp_path):
    with pytest.raises(ImproperlyConfigured) as refused:
        env_secret("SECRET_KEY", "fallback", {"SECRET_KEY_FILE": str(tmp_path)})
    assert str(refused.value).startswith("SECRET_KEY_FILE cannot be read: ")
    assert "fallback" not in str(refused.value)


def test_a_refusal_never_shows_the_value_it_refused():
    with pytest.raises(ImproperlyConfigured) as refused:
        env_int("EMAIL_PORT", 25, {"EMAIL_PORT": "hunter2"})
    assert "hunter2" not in str(refused.value)
