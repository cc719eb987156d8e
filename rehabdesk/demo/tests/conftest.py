import pytest
from django.utils import timezone

from rehabdesk.demo.tests.shared import NOW, demo_for_module
from rehabdesk.scheduling.testing import BookingWorld, build_booking_world


@pytest.fixture
def world(personas) -> BookingWorld:
    return build_booking_world(personas)


@pytest.fixture(scope="module")
def shared_demo(django_db_setup, django_db_blocker):
    """The demo as of NOW (2027-03-10), loaded once for the module (tests/shared.py)."""
    with demo_for_module(django_db_blocker, NOW) as summary:
        yield summary


@pytest.fixture(scope="module")
def demo_loaded_today(django_db_setup, django_db_blocker):
    """The demo as of the real clock, like `make run`, for pages that read the clock;
    loaded once for the module."""
    with demo_for_module(django_db_blocker, timezone.now()) as summary:
        yield summary
