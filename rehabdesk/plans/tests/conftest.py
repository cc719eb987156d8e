from __future__ import annotations

import pytest

from rehabdesk.plans.testing import NOW, build_plan_world


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def world(personas):
    return build_plan_world(personas)
