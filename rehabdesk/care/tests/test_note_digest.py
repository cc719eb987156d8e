"""The signature's hash is of canonical JSON: the same note gives the same digest
whatever order its content was written in and whatever time zone its time is held in;
any change to what a signature covers gives another digest."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from rehabdesk.care.models import VisitNote
from rehabdesk.care.services import note_digest

TORONTO = ZoneInfo("America/Toronto")
values = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=0, max_value=10),
    st.booleans(),
    st.lists(st.text(max_size=10), max_size=3),
)
contents = st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), values, max_size=8)
# Hypothesis takes naive bounds; `timezones` makes every example aware.
instants = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001
    max_value=datetime(2035, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)


def note(content, encounter_at, **more) -> VisitNote:
    values = {
        "patient_id": 7,
        "author_id": 3,
        "template_id": 11,
        "corrects_id": None,
        "relation": "",
        "reason": "",
        **more,
    }
    return VisitNote(content=content, encounter_at=encounter_at, **values)


@given(contents, instants)
def test_the_digest_ignores_the_order_content_was_written_in(content, at):
    reversed_order = dict(reversed(list(content.items())))
    assert note_digest(note(content, at)) == note_digest(note(reversed_order, at))


@given(contents, instants)
def test_the_digest_ignores_the_time_zone_a_time_is_held_in(content, at):
    assert note_digest(note(content, at)) == note_digest(note(content, at.astimezone(TORONTO)))


@given(contents, instants, st.text(min_size=1, max_size=20))
def test_any_covered_change_changes_the_digest(content, at, text):
    signed = note_digest(note(content, at))
    assert note_digest(note({**content, "added-field": text}, at)) != signed
    assert note_digest(note(content, at, patient_id=8)) != signed
    assert note_digest(note(content, at, author_id=4)) != signed
    assert note_digest(note(content, at, template_id=12)) != signed
    assert note_digest(note(content, at, corrects_id=1, relation="amends", reason=text)) != signed


def test_the_digest_is_sha256_of_the_canonical_json():
    at = datetime(2027, 3, 9, 15, 0, tzinfo=UTC)
    expected = (
        '{"author":3,"content":{"a":"é","b":1},"corrects":null,'
        '"encounter_at":"2027-03-09T15:00:00+00:00","patient":7,"reason":"",'
        '"relation":"","template":11}'
    )
    digest = note_digest(note({"b": 1, "a": "é"}, at))
    assert digest == hashlib.sha256(expected.encode()).hexdigest()
