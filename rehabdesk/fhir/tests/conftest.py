from unittest import mock

import pytest

from rehabdesk.scheduling.testing import NOW, build_booking_world


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


@pytest.fixture(autouse=True)
def frozen_now():
    """Every request sees the booking world's NOW."""
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield
