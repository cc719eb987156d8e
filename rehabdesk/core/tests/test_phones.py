"""Phone numbers in E.164, read as Canadian unless they say otherwise."""

from __future__ import annotations

import pytest

from rehabdesk.core.phones import PhoneNumberInvalid, e164_or_blank, to_e164


@pytest.mark.parametrize(
    "typed",
    ["416-555-0199", "(416) 555 0199", "416.555.0199", "+1 416 555 0199", "1-416-555-0199"],
)
def test_it_writes_every_spelling_of_a_canadian_number_the_same_way(typed):
    assert to_e164(typed) == "+14165550199"


def test_it_keeps_a_number_from_another_country_as_that_country_s():
    assert to_e164("+44 20 7946 0958") == "+442079460958"


@pytest.mark.parametrize(
    "typed", ["", "   ", "12", "555-0101", "416-555-01999", "call me", "1" * 50]
)
def test_it_refuses_what_is_no_number(typed):
    with pytest.raises(PhoneNumberInvalid):
        to_e164(typed)
    assert e164_or_blank(typed) == ""
