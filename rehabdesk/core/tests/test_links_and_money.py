"""Links in e-mails leave the site on the address patients use; amounts are rounded
to the cent in one place and written the way receipts in English Canada write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rehabdesk.core.links import site_link
from rehabdesk.core.money import CURRENCY, format_money, round_money


def test_a_link_is_the_path_on_the_sites_address(settings):
    settings.SITE_URL = "https://clinic.example"
    assert site_link("/manage/abc/") == "https://clinic.example/manage/abc/"


def test_the_address_follows_the_setting_of_the_moment(settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    assert site_link("/my/password/") == "http://127.0.0.1:8123/my/password/"


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("12.125", "12.13"),
        ("-0.005", "-0.01"),
        ("100", "100.00"),
        # 13% HST on a $95 massage: 12.35 exactly.
        ("12.350", "12.35"),
    ],
)
def test_it_rounds_to_the_cent_halves_away_from_zero(amount, rounded):
    result = round_money(Decimal(amount))
    assert result == Decimal(rounded)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0", "$0.00"),
        ("95", "$95.00"),
        ("107.35", "$107.35"),
        ("1234567.891", "$1,234,567.89"),
        ("0.995", "$1.00"),
    ],
)
def test_it_writes_dollars_with_thousands_and_cents(amount, text):
    assert format_money(Decimal(amount)) == text


def test_money_is_canadian_dollars_by_default():
    assert CURRENCY == "CAD"
