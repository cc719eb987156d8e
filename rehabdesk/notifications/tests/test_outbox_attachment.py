"""A message may carry a file (a receipt's PDF): stored on the outbox row when queued,
attached to the e-mail under its name and typed by its extension; a malformed one is a
programming error."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rehabdesk.notifications.services import deliver_due, message_enqueue

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
PDF = b"%PDF-1.4 a receipt"


def enqueue(**changes):
    fields = {
        "channel": "email",
        "kind": "receipt",
        "recipient": "alice@example.com",
        "template": "receipt",
        "context": {
            "clinic_name": "Persona Clinic",
            "clinic_phone": "905-555-0100",
            "greeting_name": "Alice Anders",
            "whose": "Your",
            "document": "Receipt",
            "number": "000042",
            "issued_on": "Mar 2, 2026",
            "total": "$95.00",
            "status": "Paid in full — balance $0.00",
            "duplicate": False,
        },
        "now": NOW,
        **changes,
    }
    return message_enqueue(**fields)


def test_the_file_is_attached_to_the_email_under_its_name(mailoutbox):
    message = enqueue(attachment=("receipt-000042.pdf", PDF))
    message.refresh_from_db()
    assert bytes(message.attachment) == PDF
    deliver_due(now=NOW, worker="test")
    (email,) = mailoutbox
    assert email.subject == "Receipt 000042 from Persona Clinic"
    assert email.attachments == [("receipt-000042.pdf", PDF, "application/pdf")]


def test_a_message_without_a_file_has_no_attachment(mailoutbox):
    enqueue()
    deliver_due(now=NOW, worker="test")
    (email,) = mailoutbox
    assert email.attachments == []


@pytest.mark.parametrize(
    "attachment",
    [("", PDF), ("receipt.pdf", b""), ("a/receipt.pdf", PDF), ("r" * 101 + ".pdf", PDF)],
)
def test_a_malformed_file_is_a_programming_error(attachment):
    with pytest.raises(ValueError, match="attachment"):
        enqueue(attachment=attachment)
