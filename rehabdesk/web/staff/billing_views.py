"""The desk's view of a patient's account and of one invoice: the balance, credit,
packages, invoices and payments; a statement for a period; an invoice with its lines,
credit notes and payments, and a credit note issued against it with a reason.

HTTP only: staff pages for the desk and managers (RUN_THE_DESK); access/billing.py
authorizes each patient and invoice and puts the look on file; billing.selectors read,
billing.services write and audit.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rehabdesk.access.accessors import require
from rehabdesk.access.billing import billing_patient_for, invoice_for, may_bill
from rehabdesk.access.policy import Action, Capability
from rehabdesk.billing import services as billing
from rehabdesk.billing.errors import BillingError
from rehabdesk.billing.models import ZERO
from rehabdesk.billing.numbering import display_number
from rehabdesk.billing.selectors import (
    balance_of,
    invoices_of,
    owing_by_invoice,
    package_balances,
    packages_of,
    payments_of,
    statement,
)
from rehabdesk.core.money import format_money
from rehabdesk.web.refusals import page_status
from rehabdesk.web.staff.billing_forms import (
    CreditNoteForm,
    PayAllForm,
    PayerPaymentForm,
    PaymentForm,
    StatementForm,
    refusal_to_form,
)
from rehabdesk.web.staff.billing_links import acting_user, optional_url, owed_by_party

STATEMENT_DAYS = 365


@require_GET
@login_required
def patient_billing(request: HttpRequest, patient_id: int) -> HttpResponse:
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    patient = billing_patient_for(
        user=request.user, patient_id=patient_id, action=Action.VIEW_BILLING
    )
    today = timezone.localdate()
    invoices = invoices_of([patient.pk]).order_by("-issued_at", "-number")
    return render(
        request,
        "web/billing/patient.html",
        {
            "patient": patient,
            "balance": balance_of(patient.pk),
            "invoices": invoices,
            # Each with what is left of it to refund: the patient's credit.
            "payments": payments_of([patient.pk]),
            "packages": packages_of(patient_id=patient.pk),
            "package_balances": package_balances([patient.pk], today),
            "can_change": may_bill(request.user, patient.pk, Action.CHANGE_BILLING),
            "pay_all_form": PayAllForm(),
            "statement_form": StatementForm(
                initial={"start": today - timedelta(days=STATEMENT_DAYS), "end": today}
            ),
        },
    )


@require_GET
@login_required
def patient_statement(request: HttpRequest, patient_id: int) -> HttpResponse:
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    patient = billing_patient_for(
        user=request.user, patient_id=patient_id, action=Action.VIEW_BILLING, summary="statement"
    )
    today = timezone.localdate()
    form = StatementForm(
        request.GET
        if "start" in request.GET
        else {"start": today - timedelta(days=STATEMENT_DAYS), "end": today}
    )
    shown = None
    if form.is_valid():
        shown = statement(
            patient.pk, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
        )
    return render(
        request,
        "web/billing/statement.html",
        {
            "patient": patient,
            "form": form,
            "statement": shown,
            "pdf_url": optional_url("staff-statement-pdf", patient_id=patient.pk),
        },
    )


@require_GET
@login_required
def invoice_page(request: HttpRequest, invoice_id: int) -> HttpResponse:
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    invoice = invoice_for(user=request.user, invoice_id=invoice_id, action=Action.VIEW_BILLING)
    owing = owing_by_invoice([invoice.pk]).get(invoice.pk)
    can_change = may_bill(request.user, invoice.patient_id, Action.CHANGE_BILLING)
    # What the patient still owes on it: the payer's share is the payer's to pay.
    patient_owing, payer_owing = owed_by_party(invoice)
    return render(
        request,
        "web/billing/invoice.html",
        {
            "invoice": invoice,
            "number": display_number(invoice.number),
            "patient": invoice.patient,
            "owing": owing,
            "patient_owing": patient_owing,
            "can_change": can_change,
            "creditable": invoice.total
            - sum((note.total for note in invoice.credit_notes.all()), ZERO),
            "payment_form": PaymentForm(
                initial={"amount": patient_owing, "method": "debit", "location": invoice.location}
            )
            if can_change and patient_owing
            else None,
            "payer_owing": payer_owing,
            "payer_form": PayerPaymentForm(
                initial={"amount": payer_owing, "method": "eft", "location": invoice.location}
            )
            if can_change and payer_owing
            else None,
            "receipt_url": optional_url("staff-receipt-pdf", invoice_id=invoice.pk),
            "receipt_email_url": optional_url("staff-receipt-email", invoice_id=invoice.pk),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def credit_note_new(request: HttpRequest, invoice_id: int) -> HttpResponse:
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    invoice = invoice_for(
        user=request.user,
        invoice_id=invoice_id,
        action=Action.CHANGE_BILLING,
        view=request.method == "GET",
    )
    form = CreditNoteForm(
        request.POST if request.method == "POST" else None, lines=list(invoice.lines.all())
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            note = billing.credit_note_issue(
                invoice=invoice,
                reason=form.cleaned_data["reason"].strip(),
                by=acting_user(request),
                now=timezone.now(),
                amounts=form.amounts(),
            )
        except BillingError as refused:
            refusal = refused
            refusal_to_form(form, refused)
        else:
            messages.success(
                request,
                f"Credit note {display_number(note.number)} issued: {format_money(note.total)}. "
                "Money paid on the invoice is now the patient's credit.",
            )
            return redirect("billing-invoice", invoice_id=invoice.pk)
    return render(
        request,
        "web/billing/credit_note.html",
        {
            "invoice": invoice,
            "number": display_number(invoice.number),
            "patient": invoice.patient,
            "owing": owing_by_invoice([invoice.pk]).get(invoice.pk),
            "form": form,
        },
        status=page_status(refusal),
    )


urlpatterns: list[URLPattern] = [
    path("staff/patients/<int:patient_id>/billing/", patient_billing, name="billing-patient"),
    path("staff/patients/<int:patient_id>/statement/", patient_statement, name="billing-statement"),
    path("staff/invoices/<int:invoice_id>/", invoice_page, name="billing-invoice"),
    path("staff/invoices/<int:invoice_id>/credit/", credit_note_new, name="billing-credit-note"),
]
