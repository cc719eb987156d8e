import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def olivia(db):
    """A practitioner who signs in (audit knows users only through AUTH_USER_MODEL)."""
    return get_user_model().objects.create_user(
        email="olivia@clinic.example", password="a-long-passphrase-1"
    )


@pytest.fixture
def morgan(db):
    """The clinic manager."""
    return get_user_model().objects.create_user(
        email="morgan@clinic.example", password="a-long-passphrase-1"
    )
