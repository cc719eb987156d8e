"""Receipts (and invoices still owing) as a PDF an insurer accepts: fpdf2, the built-in
Helvetica, letter paper, like care/pdf.py.

One receipt per page (more if its lines run over), so a year's receipts in one file
still come apart one claim at a time; every page names the clinic, the receipt number
and "Page n of m". A duplicate says DUPLICATE at the top of each of its pages. Built
from billing.receipts' plain data: no query here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from fpdf import FPDF

from rehabdesk.billing.receipts import Receipt, ReceiptLine, StatementCopy

ENCODING = "cp1252"
BODY = 9.5  # points
LINE = 5.0  # millimetres per line of body text
AMOUNT = 32  # millimetres of the amount column


def _plain(text: str) -> str:
    """Text the built-in font can print: typographic marks kept, the rest as "?"."""
    return text.encode(ENCODING, "replace").decode(ENCODING)


def day_text(day: date) -> str:
    """'Mar 2, 2027'."""
    return f"{day:%b} {day.day}, {day.year}"


def money(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


class _Document(FPDF):
    def __init__(self, *, title: str, author: str, made_at: datetime) -> None:
        super().__init__(format="letter", unit="mm")
        self.core_fonts_encoding = ENCODING
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=20)
        self.set_creation_date(made_at)
        self.set_title(_plain(title))
        self.set_author(_plain(author))
        self.receipt: Receipt | None = None
        self.first_page = 0

    def header(self) -> None:
        receipt = self.receipt
        if receipt is None:
            return
        if receipt.duplicate:
            self.set_font("helvetica", "B", 12)
            self.set_text_color(180, 0, 0)
            self.cell(0, 6, "DUPLICATE", border=1, align="C", new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(0, 0, 0)
            self.ln(2)

    def footer(self) -> None:
        receipt = self.receipt
        if receipt is None:
            return
        self.set_y(-14)
        self.set_font("helvetica", "", 7.5)
        page = self.page_no() - self.first_page + 1
        self.cell(
            0,
            4,
            _plain(f"{receipt.clinic_name} · {receipt.title} {receipt.number} · page {page}"),
            align="L",
        )
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")

    def row(self, label: str, amount: str = "", *, style: str = "", size: float = BODY) -> None:
        """Text on the left (wrapped), an amount on the right of its first line."""
        self.set_font("helvetica", style, size)
        page, top = self.page, self.get_y()
        width, text = self.epw - (AMOUNT + 2 if amount else 0), _plain(label)
        # One line is most rows: a cell, as multi_cell measures character by character.
        if self.get_string_width(text) < width - 2 * self.c_margin:
            self.cell(width, LINE, text, new_x="LMARGIN", new_y="NEXT")
        else:
            self.multi_cell(width, LINE, text, new_x="LMARGIN", new_y="NEXT")
        if amount and self.page == page:  # the amount beside the label's first line
            bottom = self.get_y()
            self.set_xy(self.w - self.r_margin - AMOUNT, top)
            self.cell(AMOUNT, LINE, _plain(amount), align="R")
            self.set_xy(self.l_margin, bottom)
        elif amount:
            self.cell(0, LINE, _plain(amount), align="R", new_x="LMARGIN", new_y="NEXT")

    def fact(self, label: str, value: str) -> None:
        self.set_font("helvetica", "B", BODY)
        self.cell(34, LINE, _plain(label))
        self.set_font("helvetica", "", BODY)
        self.multi_cell(0, LINE, _plain(value), new_x="LMARGIN", new_y="NEXT")

    def rule(self) -> None:
        self.ln(1)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)


def _heading(pdf: _Document, receipt: Receipt) -> None:
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 7, _plain(receipt.clinic_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 9)
    pdf.cell(0, 4.5, _plain(receipt.clinic_address), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 4.5, _plain(f"Phone {receipt.clinic_phone}"), new_x="LMARGIN", new_y="NEXT")
    if receipt.hst_number:
        pdf.cell(
            0,
            4.5,
            _plain(f"HST registration no. {receipt.hst_number}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(3)
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 8, _plain(f"{receipt.title} {receipt.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.fact(f"{receipt.title} no.", receipt.number)
    pdf.fact("Issued", day_text(receipt.issued_on))
    pdf.fact("Patient", receipt.patient_name)
    dates = receipt.service_dates
    if dates:
        pdf.fact("Date of service", ", ".join(day_text(d) for d in dates))
    if receipt.payer_name:
        billed = f"{receipt.payer_name}: {money(receipt.payer_share)}"
        if receipt.claim_number:
            billed += f", claim no. {receipt.claim_number}"
        pdf.fact("Billed directly", billed)
    pdf.rule()


def _line(pdf: _Document, line: ReceiptLine) -> None:
    what = line.description
    minutes = line.duration_minutes
    # The duration, unless the service's name already says it ("Massage, 60 minutes").
    if minutes and not re.search(rf"\b{minutes}[ -]min", what, re.IGNORECASE):
        what += f", {minutes} minutes"
    if line.quantity > 1:
        what += f" × {line.quantity} at {money(line.unit_price)}"
    if line.service_date:
        what = f"{day_text(line.service_date)} — {what}"
    pdf.row(what, money(line.quantity * line.unit_price), style="B")
    if line.provider is not None:
        pdf.row(f"Provider: {line.provider.text}")
    if line.discount:
        pdf.row(f"Discount ({line.discount_reason})", money(-line.discount))
    if line.tax_name:
        pdf.row(f"{line.tax_name} {line.tax_percent.normalize():f}%", money(line.tax))
    elif line.kind != "fee":
        pdf.row("HST exempt")
    pdf.ln(1.5)


def _totals(pdf: _Document, receipt: Receipt) -> None:
    pdf.rule()
    pdf.row("Subtotal", money(receipt.subtotal))
    if receipt.discount:
        pdf.row("Discounts", money(-receipt.discount))
    for tax in receipt.taxes:
        pdf.row(f"{tax.name} {tax.percent.normalize():f}%", money(tax.amount))
    if not receipt.taxes:
        pdf.row("HST", money(Decimal("0.00")))
    pdf.row("Total", money(receipt.total), style="B")
    for credit in receipt.credits:
        pdf.row(
            f"Credit note {credit.number}, {day_text(credit.day)}: {credit.reason}",
            money(-credit.total),
        )
    if receipt.payments:
        pdf.ln(2)
        pdf.row("Payments applied", style="B")
        for payment in receipt.payments:
            by = f" by {payment.payer}" if payment.payer else ""
            pdf.row(f"{day_text(payment.day)} — {payment.method}{by}", money(payment.amount))
    pdf.ln(2)
    pdf.row(receipt.status.upper() if receipt.paid_in_full else receipt.status, style="B", size=11)
    if receipt.payer_owing > 0:
        pdf.row(
            f"Of which {money(receipt.payer_owing)} is billed to {receipt.payer_name} and "
            f"{money(receipt.patient_owing)} is the patient's portion."
        )


def _signatures(pdf: _Document, receipt: Receipt) -> None:
    for signer in receipt.signers:
        pdf.ln(10)
        pdf.row("Signature: ______________________________________")
        pdf.row(signer.text, size=8.5)


def _receipt(pdf: _Document, receipt: Receipt) -> None:
    pdf.receipt = receipt
    pdf.add_page()
    pdf.first_page = pdf.page_no()
    _heading(pdf, receipt)
    for line in receipt.lines:
        _line(pdf, line)
    _totals(pdf, receipt)
    _signatures(pdf, receipt)


def receipts_pdf(
    receipts: Sequence[Receipt], *, made_at: datetime, title: str = "", compress: bool = True
) -> bytes:
    """The receipts as one PDF's bytes, each from a new page (`compress`: False for a
    file a test reads as text). An empty list is one page saying so."""
    first = receipts[0] if receipts else None
    pdf = _Document(
        title=title or (f"{first.title} {first.number}" if first else "Receipts"),
        author=first.clinic_name if first else "",
        made_at=made_at,
    )
    pdf.set_compression(compress)
    for receipt in receipts:
        _receipt(pdf, receipt)
    if not receipts:
        pdf.add_page()
        pdf.set_font("helvetica", "", BODY)
        pdf.cell(0, LINE, _plain(title or "No receipts."))
    return bytes(pdf.output())


def statement_pdf(copy: StatementCopy, *, made_at: datetime, compress: bool = True) -> bytes:
    """A patient's statement over a period as a PDF's bytes: what was owed before, each
    dated line with the balance after it, what is owed at the end."""
    pdf = _Document(title="Statement of account", author=copy.clinic_name, made_at=made_at)
    pdf.set_compression(compress)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 7, _plain(copy.clinic_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 9)
    pdf.cell(0, 4.5, _plain(copy.clinic_address), new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 4.5, _plain(f"Phone {copy.clinic_phone}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 8, "Statement of account", new_x="LMARGIN", new_y="NEXT")
    pdf.fact("Patient", copy.patient_name)
    pdf.fact("Period", f"{day_text(copy.start)} to {day_text(copy.end)}")
    pdf.fact("Printed", day_text(made_at.date()))
    pdf.rule()
    pdf.row(f"Balance on {day_text(copy.start)}", money(copy.opening), style="B")
    for line in copy.lines:
        pdf.row(
            f"{day_text(line.on)} — {line.text}: {money(line.amount)}",
            money(line.balance),
        )
    if not copy.lines:
        pdf.row("Nothing invoiced or paid in this period.")
    pdf.rule()
    pdf.row(copy.closing_text, money(copy.closing), style="B", size=11)
    return bytes(pdf.output())
