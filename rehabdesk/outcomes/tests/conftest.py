from __future__ import annotations

import pytest

from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at, build_booking_world


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


@pytest.fixture
def visit(world, personas):
    """A booked visit (Tuesday 9 March 2027 at 10:00 Toronto unless told), the
    physio's follow-up with patient A unless told."""

    def book(start=None, **changes):
        return appointment_book(
            request=world.request(start or at(9, 10), **changes),
            actor=personas.front_desk,
            now=NOW,
            tell=False,
        )

    return book
