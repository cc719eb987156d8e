from __future__ import annotations

from datetime import timedelta

import pytest

from rehabdesk.care.choices import VisitType
from rehabdesk.care.testing import (
    ACUPUNCTURE,
    GENERAL,
    MASSAGE,
    PELVIC,
    SOAP,
    template_create,
)
from rehabdesk.scheduling.services import appointment_book
from rehabdesk.scheduling.testing import NOW, at, build_booking_world


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def world(personas):
    return build_booking_world(personas)


@pytest.fixture
def templates(db):
    """One small template per discipline's kind of note, and the general entry."""
    return {
        "physio": template_create(
            code="physio-follow-up",
            discipline="physiotherapy",
            definition=SOAP,
            now=NOW - timedelta(days=30),
        ),
        "massage": template_create(
            code="massage-follow-up",
            discipline="massage-therapy",
            definition=MASSAGE,
            now=NOW - timedelta(days=30),
        ),
        "acupuncture": template_create(
            code="acupuncture",
            discipline="physiotherapy",
            definition=ACUPUNCTURE,
            now=NOW - timedelta(days=30),
        ),
        "pelvic": template_create(
            code="pelvic-health-follow-up",
            discipline="physiotherapy",
            definition=PELVIC,
            now=NOW - timedelta(days=30),
        ),
        "general": template_create(
            code="general-entry",
            definition=GENERAL,
            visit_type=VisitType.OTHER,
            now=NOW - timedelta(days=30),
        ),
    }


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
