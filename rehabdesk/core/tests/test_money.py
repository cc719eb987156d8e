from decimal import Decimal

from rehabdesk.core.money import format_money, round_money


def test_it_rounds_halves_away_from_zero():
    assert round_money(Decimal("2.345")) == Decimal("2.35")
    assert round_money(Decimal("2.344")) == Decimal("2.34")
    assert round_money(Decimal("-2.345")) == Decimal("-2.35")


def test_it_formats_dollars_for_english_canada():
    assert format_money(Decimal("1234.5")) == "$1,234.50"
