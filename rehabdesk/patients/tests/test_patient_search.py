"""Finding a patient the way a caller describes themselves to the front desk: part of a
name, a nickname, a phone number however it is typed, an e-mail address, a birthday."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rehabdesk.patients import services
from rehabdesk.patients.models import Patient
from rehabdesk.patients.selectors import SEARCH_LIMIT, patient_search

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 10, 15, 0, tzinfo=UTC)


def register(first: str, last: str, **fields) -> Patient:
    return services.patient_create(
        actor=None,
        patient=Patient(
            first_name=first,
            last_name=last,
            date_of_birth=fields.pop("born", date(1980, 1, 1)),
            **fields,
        ),
        confirm_not_duplicate=True,
    )


def found(text: str = "", **kwargs) -> list[str]:
    return [p.legal_name for p in patient_search(text=text, **kwargs)]


def test_every_word_must_match_somewhere(personas):
    assert found("grace green") == ["Grace Green"]
    assert found("green grace") == ["Grace Green"]
    assert found("grace brown") == []


def test_part_of_a_name_in_any_case_is_enough(personas):
    assert found("ANDER") == ["Alice Anders"]
    assert found("li") == ["Alice Anders", "Charlie Green"]


def test_a_nickname_finds_the_patient_by_their_preferred_name(personas):
    register("Robert", "Reyes", preferred_name="Bobby", phone="")
    assert found("bobby") == ["Robert Reyes"]


def test_an_email_address_or_part_of_one_finds_them(personas):
    assert found("bob@persona") == ["Bob Brown"]
    assert found("PERSONA.EXAMPLE") == [
        "Alice Anders",
        "Bob Brown",
        "Grace Green",
    ]


@pytest.mark.parametrize("typed", ["905-555-0111", "(905) 555 0111", "5550111", "0111"])
def test_a_phone_number_matches_however_it_is_typed(personas, typed):
    assert found(typed) == ["Alice Anders"]


def test_two_digits_are_too_few_to_search_phones(personas):
    # "55" is in every persona's number; a lookup by it would list the whole clinic.
    assert found("55") == []


def test_a_shared_family_number_finds_the_whole_family(personas):
    assert found("905 555 0133") == ["Charlie Green", "Grace Green"]


def test_a_birthday_narrows_the_search_or_searches_alone(personas):
    assert found(born_on=date(1975, 9, 30)) == ["Bob Brown"]
    assert found("green", born_on=date(1985, 1, 15)) == ["Grace Green"]
    assert found("green", born_on=date(1999, 1, 1)) == []


def test_active_patients_come_first_then_by_name(personas):
    services.patient_deactivate(
        actor=None, patient=personas.patient_a, reason="Moved away", now=NOW
    )
    assert found() == ["Bob Brown", "Charlie Green", "Grace Green", "Alice Anders"]


def test_blank_words_are_ignored(personas):
    assert found("   ") == found()
    assert found("  bob   ") == ["Bob Brown"]


def test_it_lists_at_most_fifty(personas):
    services.patients_import(
        actor=None,
        patients=[
            Patient(first_name=f"Sam{n:02}", last_name="Smith", date_of_birth=date(1990, 1, 1))
            for n in range(SEARCH_LIMIT + 5)
        ],
    )
    results = list(patient_search(text="smith"))
    assert len(results) == SEARCH_LIMIT == 50
    assert results[0].first_name == "Sam00"
    assert results[-1].first_name == "Sam49"
