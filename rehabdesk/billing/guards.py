"""The database's own refusal of rewriting money already on the books.

Issued invoices and their lines, credit notes and their lines, payments and refunds,
allocations, packages sold and drawn from, waived fees and closed days are facts: no
UPDATE, DELETE or TRUNCATE of them, by the ORM, raw SQL or a shell alike (an
IntegrityError). Corrections are new rows that point at the old (billing/models.py).
`core.database` writes the triggers for each database.

BACKWARD COMPATIBLE ON PURPOSE: migrations import this module. Keep table, function
and trigger names hard-coded here and `install`/`remove` idempotent. A later migration
that alters these tables must `remove` before and `install` after (SQLite rebuilds
altered tables).
"""

from __future__ import annotations

from rehabdesk.core import database
from rehabdesk.core.database import SchemaTarget

BOOKS_KEPT = database.AppendOnly(
    tables=(
        "billing_invoice",
        "billing_invoiceline",
        "billing_creditnote",
        "billing_creditnoteline",
        "billing_payment",
        "billing_paymentallocation",
        "billing_package",
        "billing_packageuse",
        "billing_feewaiver",
        "billing_dayclose",
        "billing_daycount",
    ),
    message="an issued invoice, a payment and a closed day never change",
    function="billing_refuse_rewrite",
)
GUARDS = (BOOKS_KEPT,)


def install(target: SchemaTarget) -> None:
    """Create the guards (again); safe to repeat."""
    database.install_guards(target, GUARDS)


def remove(target: SchemaTarget) -> None:
    """Drop the guards; safe when they are already gone."""
    database.remove_guards(target, GUARDS)
