import pytest
from django.core.exceptions import ImproperlyConfigured

from rehabdesk.core.env import env_bool, env_int, env_list, env_secret


def test_it_reads_booleans_strictly():
    assert env_bool("DEBUG", False, {"DEBUG": "yes"}) is True
    assert env_bool("DEBUG", True, {"DEBUG": "0"}) is False
    assert env_bool("DEBUG", True, {}) is True
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", False, {"DEBUG": "maybe"})


def test_it_reads_whole_numbers():
    assert env_int("PORT", 1, {"PORT": "8001"}) == 8001
    with pytest.raises(ImproperlyConfigured, match="PORT must be a whole number"):
        env_int("PORT", 1, {"PORT": "80.5"})


def test_it_splits_lists_on_commas():
    assert env_list("HOSTS", [], {"HOSTS": " a.example, b.example ,,"}) == [
        "a.example",
        "b.example",
    ]


def test_it_reads_a_secret_from_a_file(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    assert env_secret("SECRET_KEY", None, {"SECRET_KEY_FILE": str(secret)}) == "s3cret"


def test_it_requires_a_secret_without_a_default():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        env_secret("SECRET_KEY", None, {})
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_secret("SECRET_KEY", None, {"SECRET_KEY_FILE": "/nonexistent/key"})
