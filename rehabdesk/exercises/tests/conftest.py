from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

TORONTO = ZoneInfo("America/Toronto")
# A Wednesday morning at the personas' clinic (its locations are in Toronto).
NOW = datetime(2027, 3, 10, 10, 0, tzinfo=TORONTO)


@pytest.fixture
def now() -> datetime:
    return NOW
