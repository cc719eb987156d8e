"""The desk's receipts: download an invoice's receipt as a PDF (the first copy of a
paid one is the original, later ones say DUPLICATE) and e-mail it to the patient with
the PDF attached, and a patient's statement.

HTTP only: rehabdesk.access.receipts authorizes (the desk and managers; practitioners
and patients get the 404 anyone gets for a receipt that does not exist) and puts each
copy on file; billing.services.receipts writes the e-mail to the outbox.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rehabdesk.access.accessors import require
from rehabdesk.access.policy import Capability
from rehabdesk.access.receipts import invoice_to_email_for, receipt_copy_for
from rehabdesk.billing.errors import BillingError
from rehabdesk.billing.pdf import receipts_pdf
from rehabdesk.billing.services.receipts import receipt_email
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
    return HttpResponseRedirect(_back(request, invoice.patient_id))


def _back(request: HttpRequest, patient_id: int) -> str:
    """The page to return to: `next` when it is one of ours, else the patient's page."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("patient-detail", args=[patient_id])


urlpatterns: list[URLPattern] = [
    path("staff/invoices/<int:invoice_id>/receipt.pdf", receipt_pdf, name="invoice-receipt-pdf"),
    path(
        "staff/invoices/<int:invoice_id>/receipt/email/",
        receipt_send,
        name="invoice-receipt-email",
    ),
]
