from __future__ import annotations

import pytest

from rehabdesk.care.testing import note_write

# The care tests' world: templates, a booked visit, a signed note to correct.
from rehabdesk.care.tests.conftest import templates, visit, world  # noqa: F401
from rehabdesk.privacy.testing import privacy_officer
from rehabdesk.scheduling.testing import at

WRITTEN = {"complaint": "Low back pain, right side", "plan": "Walking program"}


@pytest.fixture
def officer(db):
    return privacy_officer()


@pytest.fixture
def signed(personas, templates, visit):  # noqa: F811 - the imported fixtures
    """The physio's signed note of patient A's visit on Tuesday 9 March 2027."""
    return note_write(
        actor=personas.physio.user,
        template=templates["physio"],
        appointment=visit(),
        content=WRITTEN,
        now=at(9, 11),
    )
