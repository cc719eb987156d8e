"""The desk's receipts: download an invoice's receipt as a PDF (the first copy of a
paid one is the original, later ones say DUPLICATE) and e-mail it to the patient with
the PDF attached, and a patient's statement.

HTTP only: rehabdesk.access.receipts authorizes (the desk and managers; practitioners
and patients get the 404 anyone gets for a receipt that does not exist) and puts each
copy on file; billing.services.receipts writes the e-mail to the outbox.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rehabdesk.access.accessors import require
from rehabdesk.access.policy import Capability
from rehabdesk.access.receipts import invoice_to_email_for, receipt_copy_for, statement_copy_for
from rehabdesk.billing.errors import BillingError
from rehabdesk.billing.pdf import receipts_pdf, statement_pdf
from rehabdesk.billing.services.receipts import receipt_email
from rehabdesk.core.bounds import day_within_bounds
from rehabdesk.web.portal.receipt_views import pdf_response


@never_cache
@require_GET
@login_required
def receipt_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The invoice's receipt as a PDF to print or hand over."""
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    now = timezone.now()
    receipt = receipt_copy_for(user=request.user, invoice_id=invoice_id, how="printed", now=now)
    return pdf_response(receipts_pdf([receipt], made_at=now), receipt.filename)


@require_POST
@login_required
def receipt_send(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """E-mail the receipt, then back to the page the desk was on."""
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    invoice = invoice_to_email_for(user=request.user, invoice_id=invoice_id)
    try:
        message = receipt_email(invoice=invoice, by=request.user, now=timezone.now())  # type: ignore[arg-type]
    except BillingError as refused:
        messages.error(request, refused.message)
    else:
        if message.last_error:
            messages.error(request, f"The receipt could not be sent: {message.last_error}")
        else:
            messages.success(request, f"The receipt is on its way to {message.recipient}.")
    return HttpResponseRedirect(_back(request, invoice.pk, invoice.patient_id))


class StatementForm(forms.Form):
    """A statement's period: this year so far unless told."""

    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        for day, name in ((start, "start"), (end, "end")):
            if day is not None and not day_within_bounds(day):
                self.add_error(name, "Choose a day from 2000 on.")
        if start and end and start > end:
            self.add_error("end", "The last day comes before the first.")
        return cleaned


@never_cache
@require_GET
@login_required
def statement_pdf_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's statement of account as a PDF (this year so far by default); a bad
    period is answered 400 with what is wrong."""
    require(user=request.user, capability=Capability.RUN_THE_DESK)
    today = timezone.localdate()
    form = StatementForm(
        {
            "start": request.GET.get("start") or f"{today.year}-01-01",
            "end": request.GET.get("end") or today.isoformat(),
        }
    )
    if not form.is_valid():
        problems = "; ".join(str(m) for errors in form.errors.values() for m in errors)
        return HttpResponseBadRequest(
            f"The statement's period: {problems}", content_type="text/plain"
        )
    now = timezone.now()
    copy = statement_copy_for(
        user=request.user,
        patient_id=patient_id,
        start=form.cleaned_data["start"],
        end=form.cleaned_data["end"],
        now=now,
    )
    return pdf_response(statement_pdf(copy, made_at=now), copy.filename)


def _back(request: HttpRequest, invoice_id: int, patient_id: int) -> str:
    """The page to return to: `next` when it is one of ours, else the invoice's page
    (the patient's while there is none)."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    try:  # the invoice's page, where the desk e-mails it from (web/staff/billing_views)
        return reverse("billing-invoice", kwargs={"invoice_id": invoice_id})
    except NoReverseMatch:
        return reverse("patient-detail", args=[patient_id])


urlpatterns: list[URLPattern] = [
    path(
        "staff/patients/<int:patient_id>/statement.pdf",
        statement_pdf_view,
        name="staff-statement-pdf",
    ),
    path("staff/invoices/<int:invoice_id>/receipt.pdf", receipt_pdf, name="staff-receipt-pdf"),
    path(
        "staff/invoices/<int:invoice_id>/receipt/email/",
        receipt_send,
        name="staff-receipt-email",
    ),
]
