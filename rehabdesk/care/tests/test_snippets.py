"""The clinic's phrase snippets: shipped in its own words, added and changed by its
managers through one service, deactivated rather than deleted, and offered to each
practitioner for their discipline."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rehabdesk.care.errors import CareError, CareErrorCode
from rehabdesk.care.models import Snippet
from rehabdesk.care.selectors import snippets_for
from rehabdesk.care.services import snippet_save
from rehabdesk.clinic.models import Discipline

pytestmark = pytest.mark.django_db


def discipline(slug: str) -> Discipline:
    return Discipline.objects.get(slug=slug)


def test_the_clinic_starts_with_its_own_snippets():
    shipped = dict(Snippet.objects.values_list("shortcut", "discipline__slug"))
    assert len(shipped) >= 12
    assert shipped["hep"] == "physiotherapy"
    assert shipped["drape"] == "massage-therapy"
    assert shipped["needles"] == "acupuncture"
    assert shipped["nochange"] is None
    assert all(snippet.active and snippet.text for snippet in Snippet.objects.all())


def test_it_adds_a_snippet_with_its_shortcut_and_phrase_tidied():
    saved = snippet_save(
        snippet=Snippet(
            shortcut=" ;Ice ", text="  Ice 10 minutes after exercise.\r\n", discipline=None
        )
    )
    saved.refresh_from_db()
    assert (saved.shortcut, saved.text, saved.active) == (
        "ice",
        "Ice 10 minutes after exercise.",
        True,
    )


def test_it_changes_and_deactivates_a_snippet_and_keeps_it():
    snippet = Snippet.objects.get(shortcut="hep")
    snippet.text = "Home program reviewed and progressed."
    snippet_save(snippet=snippet)
    snippet.active = False
    snippet_save(snippet=snippet)
    snippet.refresh_from_db()
    assert (snippet.text, snippet.active) == ("Home program reviewed and progressed.", False)
    assert "hep" not in {
        s.shortcut for s in snippets_for(discipline_id=discipline("physiotherapy").pk)
    }


@pytest.mark.parametrize(
    ("shortcut", "text", "field", "code", "message"),
    [
        ("hep", "Another phrase.", "shortcut", CareErrorCode.INVALID, "The shortcut ;hep is taken"),
        ("HEP", "Another phrase.", "shortcut", CareErrorCode.INVALID, "The shortcut ;hep is taken"),
        ("two words", "A phrase.", "shortcut", CareErrorCode.INVALID, "A shortcut is lower-case"),
        ("", "A phrase.", "shortcut", CareErrorCode.INVALID, "A shortcut is lower-case"),
        ("x" * 31, "A phrase.", "shortcut", CareErrorCode.INVALID, "A shortcut is lower-case"),
        ("blank", "  \n ", "text", CareErrorCode.INVALID, "A snippet needs its phrase."),
        ("long", "x" * 2001, "text", CareErrorCode.TOO_LONG, "At most 2,000 characters"),
    ],
)
def test_it_refuses_a_snippet_that_is_not_one(shortcut, text, field, code, message):
    before = Snippet.objects.count()
    with pytest.raises(CareError) as refused:
        snippet_save(snippet=Snippet(shortcut=shortcut, text=text))
    assert (refused.value.code, refused.value.field) == (code, field)
    assert refused.value.message.startswith(message)
    assert Snippet.objects.count() == before


def test_a_practitioner_is_offered_their_disciplines_snippets_and_the_general_ones():
    physio = {s.shortcut for s in snippets_for(discipline_id=discipline("physiotherapy").pk)}
    massage = {s.shortcut for s in snippets_for(discipline_id=discipline("massage-therapy").pk)}
    general = {s.shortcut for s in snippets_for(discipline_id=None)}
    assert {"hep", "skin", "nochange", "consent"} <= physio
    assert {"drape", "selfcare", "nochange"} <= massage
    assert "drape" not in physio
    assert "hep" not in massage
    assert general == physio & massage
    shortcuts = [s.shortcut for s in snippets_for(discipline_id=discipline("physiotherapy").pk)]
    assert shortcuts == sorted(shortcuts)


def test_the_snippets_are_read_in_one_query():
    for shortcut in ("a1", "a2", "a3"):
        snippet_save(
            snippet=Snippet(shortcut=shortcut, text="Phrase.", discipline=discipline("acupuncture"))
        )
    acupuncture = discipline("acupuncture").pk
    with CaptureQueriesContext(connection) as queries:
        snippets = snippets_for(discipline_id=acupuncture)
        texts = [(s.shortcut, s.text) for s in snippets]
    assert len(queries) == 1
    assert len(texts) >= 3
