"""Two managers publishing the same template at once: the second waits for the first,
then is numbered after it — or, when they both started from the same version, refused
with TEMPLATE_CHANGED. Never two current versions, never a server error.

Real transactions on real connections: the first stays open, holding the template's
rows (PostgreSQL) or the write lock (SQLite), until the second is queued behind it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import NoteTemplate
from rehabdesk.care.services import note_template_publish
from rehabdesk.testing.races import first_then_second

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


def publish(title: str, based_on: int | None) -> Callable[[], object]:
    source = NoteTemplate.objects.get(code="general-entry", current=True)
    definition = copy.deepcopy(source.definition)
    definition["sections"][0]["title"] = title

    def go() -> object:
        return note_template_publish(
            actor=None,
            code="general-entry",
            name=source.name,
            discipline=None,
            visit_type=source.visit_type,
            definition=definition,
            now=NOW,
            based_on=based_on,
        )

    return go


def published() -> list[tuple[int, bool, str]]:
    return [
        (t.version, t.current, t.definition["sections"][0]["title"])
        for t in NoteTemplate.objects.filter(code="general-entry")
    ]


def test_the_second_of_two_publications_is_numbered_after_the_first():
    second = first_then_second(publish("First", None), publish("Second", None))
    assert isinstance(second, NoteTemplate)
    assert published() == [(3, True, "Second"), (2, False, "First"), (1, False, "Entry")]


def test_two_edits_of_the_same_version_publish_one_and_refuse_the_other():
    second = first_then_second(publish("Mine", 1), publish("Theirs", 1))
    assert isinstance(second, CareError)
    assert second.code == CareErrorCode.TEMPLATE_CHANGED
    assert published() == [(2, True, "Mine"), (1, False, "Entry")]
