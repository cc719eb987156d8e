import pytest

from rehabdesk.scheduling.testing import build_booking_world


@pytest.fixture
def world(personas):
    return build_booking_world(personas)
