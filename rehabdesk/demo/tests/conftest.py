import pytest

from rehabdesk.scheduling.testing import BookingWorld, build_booking_world


@pytest.fixture
def world(personas) -> BookingWorld:
    return build_booking_world(personas)
