"""Invoice and credit-note numbers: per clinic, per kind, consecutive, without gaps.

The clinic's `DocumentSequence` row for the kind is moved on by one and read back, in
the transaction that writes the document; the UPDATE locks the row, as SELECT … FOR
UPDATE would, with one round trip fewer. A transaction that rolls back (a refusal, a
lost race, a crash) takes its increment with it, so the number is given again to the
next document: no gaps. Two transactions never hold the row at once, so no repeats: on
PostgreSQL the second UPDATE waits for the first transaction to end and then adds one
to what it committed; SQLite runs one writer at a time already (BEGIN IMMEDIATE).

Take the number as late as the transaction allows: every other document being numbered
in the clinic waits behind the lock until this one commits.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from rehabdesk.billing.choices import SequenceKind
from rehabdesk.billing.models import DocumentSequence

WIDTH = 6


def next_number(*, clinic_id: int, kind: SequenceKind) -> int:
    """The next number of `kind` for the clinic; call it inside the transaction that
    writes the numbered document (it raises otherwise)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction writing the document")
    # The UPDATE takes the row's lock (PostgreSQL holds it to the end of the
    # transaction; a second UPDATE waits, then adds to the committed number), so the
    # read after it sees this transaction's own number.
    sequence = DocumentSequence.objects.filter(clinic_id=clinic_id, kind=kind)
    if not sequence.update(last_number=F("last_number") + 1):
        # The clinic's first document of its kind creates the row. Two firsts at once
        # both try: the loser's insert is ignored (ON CONFLICT DO NOTHING / INSERT OR
        # IGNORE; on PostgreSQL it waits for the winner to commit first), and its
        # UPDATE then counts on from the winner's number like any later document.
        DocumentSequence.objects.bulk_create(
            [DocumentSequence(clinic_id=clinic_id, kind=kind, last_number=0)],
            ignore_conflicts=True,
        )
        sequence.update(last_number=F("last_number") + 1)
    return int(sequence.values_list("last_number", flat=True).get())


def display_number(number: int) -> str:
    """A document number as printed: zero-padded to six digits ("000123")."""
    return f"{number:0{WIDTH}d}"
