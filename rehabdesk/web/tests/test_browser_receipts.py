"""A guardian on a phone finds the family's receipts in the portal and downloads their
child's receipt and the child's whole year as PDFs. Checked with axe-core, without
sideways scrolling at 390 px."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from rehabdesk.audit.models import AuditEvent
from rehabdesk.billing.receipts import RECEIPT_COPY
from rehabdesk.billing.tests.receipt_world import (
    massage_service,
    pay,
    physio_service,
    visit_invoice,
)
from rehabdesk.testing.personas import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_guardian_downloads_a_childs_receipt_from_the_portal_on_a_phone(
    chromium, live_server, sign_in, screenshot, personas
):
    now = timezone.now()
    today = timezone.localdate()
    own = visit_invoice(
        personas, patient=personas.guardian, service=massage_service(), issued_at=now, day=today
    )
    pay(personas, own, own.total)
    childs = visit_invoice(
        personas, patient=personas.child, service=physio_service(), issued_at=now, day=today
    )
    pay(personas, childs, childs.total)
    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, personas.guardian.email, PASSWORD)
        page.goto(f"{live_server.url}/my/")
        page.get_by_role("link", name="Receipts").click()
        expect(page.get_by_role("heading", name=f"Receipts of {today.year}")).to_be_visible()
        expect(page.get_by_role("heading", name="Charlie Green")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        screenshot("receipts", of=page)

        name = f"Receipt {childs.number:06d} (PDF)"
        with page.expect_download() as waiting:
            page.get_by_role("link", name=name).click()
        download = waiting.value
        assert download.suggested_filename == f"receipt-{childs.number:06d}.pdf"
        with open(download.path(), "rb") as got:
            assert got.read().startswith(b"%PDF-")

        child_section = page.get_by_role("region", name="Charlie Green")
        with page.expect_download() as waiting:
            child_section.get_by_role("link", name=f"All of {today.year} as one PDF").click()
        year = waiting.value
        assert year.suggested_filename == f"receipts-{today.year}-{personas.child.pk}.pdf"
        with open(year.path(), "rb") as got:
            assert got.read().startswith(b"%PDF-")
        summaries = list(
            AuditEvent.objects.filter(object_type=RECEIPT_COPY, object_id=str(childs.pk))
            .order_by("id")
            .values_list("summary", flat=True)
        )
        assert summaries == [
            f"receipt {childs.number:06d} downloaded (original)",
            f"receipt {childs.number:06d} in the file of {today.year} (duplicate)",
        ]
    finally:
        context.close()
