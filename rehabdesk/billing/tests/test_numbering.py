"""Numbers per clinic and kind, consecutive, with no gaps: a refused or rolled-back
document gives its number back."""

from __future__ import annotations

import pytest
from django.db import transaction

from rehabdesk.billing.choices import SequenceKind
from rehabdesk.billing.models import Invoice
from rehabdesk.billing.numbering import display_number, next_number
from rehabdesk.billing.services import ProductLine, credit_note_issue, invoice_for_sale
from rehabdesk.billing.tests.invoicing import CHECK_OUT, build_invoice_world, later
from rehabdesk.clinic.testing import make_clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def billing(personas):
    return build_invoice_world(personas)


def test_it_shows_a_number_zero_padded_to_six_digits():
    assert display_number(1) == "000001"
    assert display_number(123) == "000123"
    assert display_number(1234567) == "1234567"


def test_it_counts_each_clinic_and_kind_on_its_own(billing):
    other = make_clinic("Other Clinic")
    with transaction.atomic():
        taken = [
            next_number(clinic_id=billing.clinic.pk, kind=SequenceKind.INVOICE),
            next_number(clinic_id=billing.clinic.pk, kind=SequenceKind.INVOICE),
            next_number(clinic_id=billing.clinic.pk, kind=SequenceKind.CREDIT_NOTE),
            next_number(clinic_id=other.pk, kind=SequenceKind.INVOICE),
            next_number(clinic_id=billing.clinic.pk, kind=SequenceKind.INVOICE),
        ]
    assert taken == [1, 2, 1, 1, 3]


def test_it_gives_a_rolled_back_number_to_the_next_document(billing):
    class Crash(Exception):
        pass

    def numbered_then_crashed() -> None:
        with transaction.atomic():
            next_number(clinic_id=billing.clinic.pk, kind=SequenceKind.INVOICE)
            raise Crash

    with pytest.raises(Crash):
        numbered_then_crashed()

    with transaction.atomic():
        assert next_number(clinic_id=billing.clinic.pk, kind=SequenceKind.INVOICE) == 1


def test_it_numbers_invoices_and_credit_notes_apart_without_gaps(billing):
    gel = billing.product("Cold gel", "9.99")

    def sale(minute: int) -> Invoice:
        return invoice_for_sale(
            patient=billing.patient,
            location=billing.booking.pickering,
            products=[ProductLine(gel)],
            by=billing.desk,
            now=later(minute),
        )

    first, second = sale(1), sale(2)
    note = credit_note_issue(invoice=first, reason="Returned", by=billing.desk, now=later(3))
    third = sale(4)

    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert note.number == 1
    assert third.issued_at > CHECK_OUT
